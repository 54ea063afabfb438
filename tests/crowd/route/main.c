/*
 * main.c - the crowd routing test (route.sh): prints what each routing
 * rule of crowdcall.c did, as counts the script checks:
 *   init     both copies ran box_init (a box made by either copy reads base)
 *   draws    of N calls of box_pid(), how many ran here, and the choices
 *            as a string (the same seed, the same string)
 *   objects  every box is served by the copy that made it
 *   mixed    a call passing boxes of both copies fails with EXDEV
 *   adopt    an FR_INIT call passing a box runs in the copy that made it
 *            alone (the other copy could not use the box)
 *   relay    calls from the child FMP are drawn too
 *   nested   a callback's call back into box runs in the copy serving
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "route.h"

#define N 400

int main_cb(void)
{
    return box_pid();
}

int main(void)
{
    int me = (int)getpid(), here = 0, bad = 0, twin = -1, init_ok = 0;
    struct box *mine = NULL, *theirs = NULL;
    char seq[N + 1];
    struct box *boxes[N];
    int rc;

    box_init(100);
    for (int i = 0; i < N; i++) {
        int p = box_pid();
        seq[i] = p == me ? '.' : 'x';
        here += p == me;
        if (p != me)
            twin = p;
    }
    seq[N] = 0;
    printf("draws: %d here, %d there\nsequence: %s\n", here, N - here, seq);
    for (int i = 0; i < N; i++) {
        int pid = 0;
        struct box *b = box_new(i, &pid);

        if (!b)
            return 1;
        if (box_where(b) != pid)
            bad++;
        init_ok += box_get(b) == i + 100;
        if (pid == me)
            mine = b;
        else
            theirs = b;
        boxes[i] = b;
    }
    printf("objects: %d served elsewhere than made\ninit: %d of %d read base\n", bad,
           init_ok, N);
    if (mine && theirs) {
        errno = 0;
        rc = box_same(mine, theirs);
        printf("mixed: %d %s\n", rc, errno == EXDEV ? "EXDEV" : strerror(errno));
        int pm = box_adopt(mine, 7), pt = box_adopt(theirs, 8);
        printf("adopt: %s %s, read %d %d\n", pm == me ? "here" : "there",
               pt > 0 && pt != me ? "there" : "here", box_get(mine) - 100,
               box_get(theirs) - 100);
    }
    /* an FR_INIT call from the child FMP: both copies again, and the root
     * keeps it in its log as any child's (initlog.c) */
    relay_init(100);
    here = 0;
    for (int i = 0; i < N; i++)
        here += relay_pid() == me;
    printf("relay: %d here, %d there\n", here, N - here);
    bad = 0;
    for (int i = 0; i < N; i++)
        bad += !box_visit(main_cb);
    printf("nested: %d strayed\ntwin: %s\n", bad, twin > 0 ? "seen" : "none");
    for (int i = 0; i < N; i++)
        box_free(boxes[i]);   /* each copy frees its own: nothing leaks (ASan) */
    return 0;
}
