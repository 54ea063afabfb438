/*
 * main.c - the crowd routing test (route.sh): prints what each routing
 * rule of crowdcall.c did, as counts the script checks.  "Here" is the
 * plain copy, wherever it runs (the pid box_init returns: FR_INIT runs in
 * both copies, and the caller gets the plain copy's reply):
 *   plain    where the plain copy runs (the root, or another FMP)
 *   init     both copies ran box_init (a box made by either copy reads base)
 *   draws    of N calls of box_pid(), how many ran in the plain copy, and
 *            the choices as a string (the same seed, the same string)
 *   objects  every box is served by the copy that made it
 *   copy     the environment each copy runs in (ROUTE_COPY, box_copy)
 *   mixed    a call passing boxes of both copies fails with EXDEV
 *   adopt    an FR_INIT call passing a box runs in the copy that made it
 *            alone (the other copy could not use the box)
 *   relay    calls from the child FMP are drawn too
 *   near     so are calls from beside the plain copy, and the boxes made
 *            from there are served by their makers
 *   nested   a callback's call back into box runs in the copy serving
 * With argument "restart" it leaves adopt out (below) and then ends the
 * plain copy once (box_crash_once), and prints what the restarted copy
 * holds:
 *   restart  the plain copy came back with another pid, and its boxes read
 *            the base box_init set (the FR_INIT calls replayed into it)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "route.h"

#define N 400

int main_cb(void)
{
    return box_pid();
}

/* After the plain copy was ended once: its new pid, and whether boxes it
 * makes read the base its replayed FR_INIT calls set. */
static int restart(int me)
{
    int pid = 0, got = 0, ok = 0, made = 0;

    for (int i = 0; i < N && pid <= 0; i++) {
        int p = box_crash_once("route-crashed");
        if (access("route-crashed", F_OK) == 0 && p > 0)
            pid = p;
    }
    /* the call that ended it was replayed into the next incarnation */
    if (pid == me || pid <= 0) {
        printf("restart: the plain copy did not restart (pid %d)\n", pid);
        return 1;
    }
    me = pid;
    for (int i = 0; i < N && made < 20; i++) {
        struct box *b = box_new(i, &got);

        if (!b)
            return 1;
        if (got == me) {
            made++;
            ok += box_get(b) == i + 100;
        }
        box_free(b);
    }
    printf("restart: plain copy restarted, %d of %d of its boxes read base\n", ok, made);
    return 0;
}

int main(int argc, char **argv)
{
    int me = box_init(100), here = 0, bad = 0, twin = -1, init_ok = 0;
    int restarting = argc > 1 && !strcmp(argv[1], "restart");
    struct box *mine = NULL, *theirs = NULL;
    char seq[N + 1];
    struct box *boxes[N];
    int rc;

    printf("plain: %s\n", me == (int)getpid() ? "in the root" : "in another FMP");
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
        printf("copy: plain %d, twin %d\n", box_copy(mine), box_copy(theirs));
        errno = 0;
        rc = box_same(mine, theirs);
        printf("mixed: %d %s\n", rc, errno == EXDEV ? "EXDEV" : strerror(errno));
        /* Not before a restart: box_adopt(mine) is an FR_INIT call that
         * passes an object box_new made, which dies with the incarnation,
         * so that no replay into the next one can pass it again (its
         * restart fails, ESTALE, said). */
        if (!restarting) {
            int pm = box_adopt(mine, 7), pt = box_adopt(theirs, 8);
            printf("adopt: %s %s, read %d %d\n", pm == me ? "here" : "there",
                   pt > 0 && pt != me ? "there" : "here", box_get(mine) - 100,
                   box_get(theirs) - 100);
        }
    }
    /* an FR_INIT call from the child FMP: both copies again, and the root
     * keeps it in its log as any child's (initlog.c) */
    relay_init(100);
    here = 0;
    for (int i = 0; i < N; i++)
        here += relay_pid() == me;
    printf("relay: %d here, %d there\n", here, N - here);
    near_init(100);
    here = 0;
    for (int i = 0; i < N; i++)
        here += near_pid() == me;
    printf("near: %d here, %d there, %d boxes strayed\n", here, N - here, near_objects(N));
    bad = 0;
    for (int i = 0; i < N; i++)
        bad += !box_visit(main_cb);
    printf("nested: %d strayed\ntwin: %s\n", bad, twin > 0 ? "seen" : "none");
    for (int i = 0; i < N; i++)
        box_free(boxes[i]);   /* each copy frees its own: nothing leaks (ASan) */
    /* while it runs: `fracture ps` (route.sh) lists each copy where it runs */
    if (getenv("ROUTE_PS") && system(getenv("ROUTE_PS")) != 0)
        return 1;
    if (restarting)
        return restart(me);
    return 0;
}
