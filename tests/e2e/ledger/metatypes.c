/* The ledger's metadata types, registered by a constructor so that every
 * FMP (each a process of this program) registers the same ones. */
#include <fracture/meta.h>
#include <stdio.h>
#include <stdlib.h>

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
