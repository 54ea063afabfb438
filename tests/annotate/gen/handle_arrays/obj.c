/* Arrays of handles: FR_OUT(n) fills the caller's array with new handles
 * (NULL elements among them), FR_IN(n) hands them in, FR_INOUT(n) both;
 * each element is carried as a single handle is (tags, a replica's
 * numbers, ESTALE after a restart), and so is each element of an array
 * of handles returned (FR_RET(n), the caller's to free with FR_RET_OWNED).
 * obj_crash() kills the FMP where
 * OBJ_CRASH is set (stale.yaml: its first incarnation). */
#include <signal.h>
#include <stdlib.h>

#include "obj.h"

FRACTURE_MODULE(obj, FR_REPLICABLE | FR_RESTARTABLE);

struct obj {
    int v;
};

/* No heap: nothing for a leak checker to find when the program ends. */
static struct obj pool[64];
static int npool;

int obj_make(int n, struct obj **out, int base)
{
    int made = 0;

    for (int i = 0; i < n; i++) {
        out[i] = NULL;
        if (i % 3 != 2 && npool < 64) {
            out[i] = &pool[npool++];
            out[i]->v = base + i;
            made++;
        }
    }
    return made;
}

/* what obj_list made last, for obj_recent */
static struct obj *recent[64];
static int nrecent;

struct obj **obj_list(int n, int base)
{
    struct obj **v = malloc((size_t)n * sizeof *v);

    if (v) {
        obj_make(n, v, base);
        for (int i = 0; i < n && nrecent < 64; i++)
            recent[nrecent++] = v[i];
    }
    return v;
}

struct obj *const *obj_recent(int n)
{
    return n <= nrecent ? &recent[nrecent - n] : NULL;
}

int obj_sum(int n, struct obj *const *in)
{
    int s = 0;

    for (int i = 0; i < n; i++)
        s += in[i] ? in[i]->v * (i + 1) : 0;
    return s;
}

void obj_reverse(int n, struct obj **io)
{
    for (int i = 0; i < n / 2; i++) {
        struct obj *t = io[i];
        io[i] = io[n - 1 - i];
        io[n - 1 - i] = t;
    }
}

int obj_index(int n, struct obj *const *in, struct obj *o)
{
    for (int i = 0; i < n; i++)
        if (in[i] == o)
            return i;
    return -1;
}

int obj_get(struct obj *o)
{
    return o ? o->v : -1;
}

void obj_crash(void)
{
    const char *c = getenv("OBJ_CRASH");

    if (c && *c == '1')
        raise(SIGKILL);
}
