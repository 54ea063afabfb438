/*
 * rx_victim.c - three real heap bugs, for the rx-alloc agent's tests:
 *
 *   rx_victim overflow   writes 40 bytes past a 24-byte block, then frees
 *                        its neighbour: glibc aborts; with RX_PAD=64 the
 *                        program goes on
 *   rx_victim uaf        reads a block after freeing it and allocating
 *                        another: exit 0 only if it still reads what it
 *                        wrote (RX_QUARANTINE keeps it)
 *   rx_victim uninit     reads a fresh block that reuses a dirty one: exit 0
 *                        only if it reads zeros (RX_ZERO=1)
 *   rx_victim crashes MODE   runs MODE in a child process without the agent
 *                        and exits 0 only if the child dies of a signal or
 *                        exits non-zero: the bug is real
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int overflow(void)
{
    char *a = malloc(24), *b = malloc(24), *c = malloc(24);
    volatile char *va = a;

    /* the bug: 64 bytes into a 24-byte block, over b's chunk header */
    for (int i = 0; i < 64; i++)
        va[i] = 'x';
    free(b);
    free(c);
    free(a);
    char *d = malloc(24), *e = malloc(24);
    free(d);
    free(e);
    puts("survived the overflow");
    return 0;
}

static int uaf(void)
{
    /* volatile: the compiler may not drop stores to a block about to be
     * freed, nor reason about reads after free -- the bug must happen */
    volatile char *vp = malloc(64);
    volatile uintptr_t keep = (uintptr_t)vp;   /* the dangling pointer */
    for (int i = 0; i < 6; i++)
        vp[i] = "alive"[i];
    free((void *)vp);
    volatile char *q = malloc(64);   /* glibc hands the block straight back */
    for (int i = 0; i < 10; i++)
        q[i] = "clobbered"[i];
    vp = (volatile char *)keep;
    int ok = vp[0] == 'a' && vp[4] == 'e';
    printf("after free the block reads %s\n", ok ? "what it held" : "someone else's data");
    free((void *)q);
    return ok ? 0 : 1;
}

static int uninit(void)
{
    volatile char *p = malloc(200);
    for (int i = 0; i < 200; i++)
        p[i] = 0x5a;
    free((void *)p);
    volatile char *q = malloc(200);
    int ok = 1;
    for (int i = 32; i < 200; i++)
        ok &= q[i] == 0;
    printf("a fresh block reads %s\n", ok ? "zeros" : "old data");
    free((void *)q);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "crashes") == 0) {
        pid_t pid = fork();
        int st;
        if (pid == 0) {
            unsetenv("LD_PRELOAD");
            execl("/proc/self/exe", argv[0], argv[2], (char *)NULL);
            _exit(127);
        }
        waitpid(pid, &st, 0);
        if (WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 127)) {
            printf("without the agent '%s' fails (status 0x%x)\n", argv[2], st);
            return 0;
        }
        printf("without the agent '%s' did NOT fail: the test proves nothing\n", argv[2]);
        return 1;
    }
    if (argc == 2 && strcmp(argv[1], "overflow") == 0)
        return overflow();
    if (argc == 2 && strcmp(argv[1], "uaf") == 0)
        return uaf();
    if (argc == 2 && strcmp(argv[1], "uninit") == 0)
        return uninit();
    fprintf(stderr, "usage: rx_victim overflow|uaf|uninit|crashes MODE\n");
    return 2;
}
