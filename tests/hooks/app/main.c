/*
 * main.c - the hook tests' program: a fixed sequence of module calls whose
 * results it prints.  HOOKAPP_CODE=1 registers a hook by code (on module
 * calc only) and prints what it saw; HOOKAPP_SLOW=MS makes one slow call;
 * HOOKAPP_LOOP=N makes N more calls of calc_add and says which failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fracture/hook.h>
#include "hookapp.h"

extern unsigned char fr__remote[];

static int seen_calc, seen_other, calc_index = -1;

static int count(const struct fr_hook_call *hc, void *ud)
{
    (void)ud;
    if (strcmp(hc->module_name, "calc") == 0) {
        seen_calc++;
        calc_index = (int)hc->module;
    } else {
        seen_other++;
    }
    return 0;
}

static int visit(int i)
{
    return i * 10;
}

int main(void)
{
    int v[3] = { 1, 2, 3 }, id = -1, rc;
    const char *slow = getenv("HOOKAPP_SLOW");

    if (getenv("HOOKAPP_CODE")) {
        struct fr_hook h = { .modules = "calc", .agent_before = count };
        struct fr_hook bad = { .modules = "nosuch", .agent_before = count };
        printf("register %d\n", fr_hook_register(&h, &id));
        printf("register unknown %d\n", fr_hook_register(&bad, NULL));
    }
    printf("add %d\n", calc_add(2, 3));
    printf("len %d\n", calc_len("hello"));
    printf("keep %d\n", calc_keep(v, 3));
    printf("each %d\n", calc_each(visit, 3));
    printf("put %d\n", store_put(v, 2));
    printf("sum %d\n", store_sum());
    errno = 0;
    rc = calc_add(40, 2);
    printf("add again %d errno %s\n", rc, rc < 0 ? strerror(errno) : "-");
    if (slow)
        printf("slow %d\n", calc_slow(atoi(slow)));
    /* HOOKAPP_LOOP=N: N more calls of calc_add, and which of them failed */
    if (getenv("HOOKAPP_LOOP")) {
        int n = atoi(getenv("HOOKAPP_LOOP")), failed = 0;
        printf("failed:");
        for (int i = 1; i <= n; i++)
            if (calc_add(i, 1) < 0) {
                printf(" %d", i);
                failed++;
            }
        printf("\nfailed %d of %d\n", failed, n);
    }
    if (getenv("HOOKAPP_CODE")) {
        int hooked = 0, other = 0;
        for (int m = 0; m < 3; m++)
            if (fr__remote[m] && m == calc_index)
                hooked++;
            else if (fr__remote[m])
                other++;
        /* calc's calls: add, len, keep, each, add again */
        printf("code hook: calc %d other %d; remote: calc %d others %d\n", seen_calc,
               seen_other, hooked, other);
        int first = fr_hook_unregister(id), again = fr_hook_unregister(id);
        printf("unregister %d %d\n", first, again);
        calc_add(1, 1);
        printf("after unregister: calc %d\n", seen_calc);
    }
    return 0;
}
