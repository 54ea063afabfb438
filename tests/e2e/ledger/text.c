/* text module: render() goes text -> math -> text (callback) -> store. */
#include <ctype.h>
#include <fracture/meta.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger.h"

long __fr_impl_text_weight(long acc, int x)
{
    /* nested: called back from math, and calls store */
    char key[32];
    size_t len = 0;
    int v = 0;

    strcpy(key, "weight");
    if (store_get(key, &v, sizeof v, &len) != 0)
        v = 1;
    return acc + (long)x * v;
}

long __fr_impl_text_render(const char *key)
{
    int buf[64];
    size_t len = 0;

    if (strcmp(key, "big") == 0) {
        /* a chunked request from this child to another (the crash-point
         * harness kills this FMP mid-transfer) */
        size_t n = (size_t)1 << 14;
        int *v = malloc(n * sizeof *v);
        long s;
        if (!v)
            return -1;
        for (size_t i = 0; i < n; i++)
            v[i] = (int)(i % 13);
        s = math_sum(v, n);
        free(v);
        return s;
    }
    if (store_get(key, buf, sizeof buf, &len) != 0)
        return -1;
    return math_fold(text_weight, buf, len / sizeof(int));
}

char *__fr_impl_text_upper(const char *s)
{
    char *u = strdup(s);
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

ssize_t __fr_impl_text_write(int fd, const char *s)
{
    return write(fd, s, strlen(s));
}

int __fr_impl_text_meta(void)
{
    uint64_t v = 0, w = 0;

    fr_meta_get(1, &v);
    fr_meta_get(2, &w);
    fr_meta_set(2, w + 1);

    /* Typed items (ledger_meta_types): the trail grows by this hop, the
     * high mark may only rise, whatever the callee's FMP. */
    struct fr_meta_value trail;
    if (fr_meta_lookup(ledger_trail, 0, &trail) == 0 && trail.len + 5 <= FR_META_BYTES_MAX) {
        memcpy(trail.bytes + trail.len, ">text", 5);
        fr_meta_insert(ledger_trail, 0, trail.bytes, trail.len + 5);
    }
    fr_meta_insert_u64(ledger_high, 0, 9);
    return (int)v;
}

void __fr_impl_text_setup(int base)
{
    math_init(base);          /* FR_INIT, made from the text module's FMP */
}

static int inits;             /* text_init calls this incarnation served */

int __fr_impl_text_init(int k, size_t n)
{
    /* an FR_INIT function of a child FMP that makes an FR_INIT call of
     * its own: n ints (n > 32 KiB / 4: more than one control message)
     * summing to k */
    int *v = calloc(n ? n : 1, sizeof *v);
    int r;

    if (!v)
        return -1;
    v[0] = k;
    inits++;
    r = tally_add(v, n ? n : 1);
    free(v);
    return r;
}

long __fr_impl_text_report(int what)
{
    if (what == 0)
        return inits;
    if (what == 1)
        return (long)getpid();
    return tally_report(what - 2);
}
