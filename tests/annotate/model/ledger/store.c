/* store module */
#include "ledger.h"
#include <string.h>
FRACTURE_MODULE(store, FR_RESTARTABLE | FR_REPLICABLE);

static char vals[4][16];
static size_t lens[4];

FR_INIT void store_init(const char *path) { (void)path; memset(lens, 0, sizeof lens); }
int store_put(const char *key, const void *val, size_t len)
{
    size_t i = (size_t)key[0] % 4;
    memcpy(vals[i], val, len < 16 ? len : 16);
    lens[i] = len;
    return 0;
}
int store_get(const char *key, void *out, size_t cap, size_t *len)
{
    size_t i = (size_t)key[0] % 4;
    memcpy(out, vals[i], cap < lens[i] ? cap : lens[i]);
    *len = lens[i];
    return 0;
}
int store_each(int (*visit)(const char *key, size_t len))
{
    int n = 0;
    for (size_t i = 0; i < 4; i++)
        n += visit("k", lens[i]);
    return n;
}
