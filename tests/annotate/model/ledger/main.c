/* main module: drives the others */
#include "ledger.h"
#include <stdlib.h>

int main_visit(const char *key, size_t len) { return key[0] + (int)len; }

int main(void)
{
    int v[4] = {1, 2, 3, 4};
    char out[8];
    char *u;
    store_init("/tmp/x");
    store_put("a", "value", 5);
    math_scale(v, 4, 2);
    long s = math_sum(v, 4) + text_render("a") + store_each(main_visit);
    u = text_upper("abc");
    text_write(1, u);
    free(u);
    return (int)(s + evil_fill(out, sizeof out)) & 0;
}
