/* The ledger's metadata types, registered by a constructor so that every
 * FMP (each a process of this program) registers the same ones; and the
 * causeway mode's: one of each merge, with a transfer-point callback at
 * every point that rewrites the item by the point and the function, so
 * that the values the mode prints depend on every callback having run
 * where it should, and on each merge. */
#include <fracture/meta.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"

uint32_t ledger_trail, ledger_high, ledger_here;

__attribute__((constructor)) static void ledger_meta_types(void)
{
    static const struct fr_meta_type types[] = {
        { "ledger.trail", FR_META_BYTES, FR_MERGE_REPLACE, NULL, FR_META_CALLS },
        { "ledger.high", FR_META_U64, FR_MERGE_MAX, NULL, FR_META_CALLS },
        { "ledger.here", FR_META_U64, FR_MERGE_SUM, NULL, 0 },
    };
    uint32_t *ids[] = { &ledger_trail, &ledger_high, &ledger_here };

    for (unsigned i = 0; i < 3; i++) {
        if (fr_meta_type_register(&types[i], ids[i]) < 0) {
            fprintf(stderr, "ledger: cannot register %s\n", types[i].name);
            exit(1);
        }
    }
}

uint32_t cw_type[CW_NTYPES];

static void cw_user(uint32_t type, uint64_t id, const struct fr_meta_value *mine,
                    const struct fr_meta_value *in, struct fr_meta_value *out)
{
    (void)type;
    (void)id;
    out->u64 = mine->u64 * 3 + in->u64;   /* not commutative: the order counts */
}

static void cw_transfer(const struct fr_meta_transfer *t, void *ctx)
{
    unsigned w = t->point == FR_META_CALL_OUT ? 1 : t->point == FR_META_CALL_IN ? 2
                 : t->point == FR_META_REPLY_OUT ? 3 : 4;
    size_t fl = t->function ? strlen(t->function) : 0;

    (void)ctx;
    if (t->type == cw_type[CW_HOPS]) {        /* counts each point apart */
        static const uint64_t unit[] = { 0, 1, 100, 10000, 1000000 };
        t->value->u64 += unit[w];
    } else if (t->type == cw_type[CW_CAT]) {  /* the callee's initial in, the point back */
        if (t->value->len < FR_META_BYTES_MAX && (w == 2 || w == 4))
            t->value->bytes[t->value->len++] =
                w == 2 ? (unsigned char)(t->function ? t->function[0] : '?') : '<';
    } else {
        t->value->u64 = (t->value->u64 * 7 + w * 10 + fl) % 100003;
    }
}

__attribute__((constructor)) static void ledger_causeway_types(void)
{
    static const struct fr_meta_type types[CW_NTYPES] = {
        { "cw.replace", FR_META_U64, FR_MERGE_REPLACE, NULL, FR_META_CALLS },
        { "cw.min", FR_META_U64, FR_MERGE_MIN, NULL, FR_META_CALLS },
        { "cw.max", FR_META_U64, FR_MERGE_MAX, NULL, FR_META_CALLS },
        { "cw.sum", FR_META_U64, FR_MERGE_SUM, NULL, FR_META_CALLS },
        { "cw.user", FR_META_U64, FR_MERGE_USER, cw_user, FR_META_CALLS },
        { "cw.concat", FR_META_BYTES, FR_MERGE_CONCAT, NULL, FR_META_CALLS },
        { "cw.hops", FR_META_U64, FR_MERGE_REPLACE, NULL, FR_META_CALLS },
    };
    const unsigned all = FR_META_CALL_OUT | FR_META_CALL_IN | FR_META_REPLY_OUT |
                         FR_META_REPLY_IN;

    for (unsigned i = 0; i < CW_NTYPES; i++) {
        if (fr_meta_type_register(&types[i], &cw_type[i]) < 0 ||
            fr_meta_on_transfer(cw_type[i], all, cw_transfer, NULL) < 0) {
            fprintf(stderr, "ledger: cannot register %s\n", types[i].name);
            exit(1);
        }
    }
}
