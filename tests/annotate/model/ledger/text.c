/* text module: calls math (with a callback of its own) and store */
#include "ledger.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
FRACTURE_MODULE(text, FR_SAMPLABLE);

long text_weight(long acc, int x) { return acc * 2 + x; }
long text_render(const char *key)
{
    int v[3] = {1, 2, 3};
    char buf[16];
    size_t len = 0;
    store_get(key, buf, sizeof buf, &len);
    return math_fold(text_weight, v, 3) + (long)len;
}
char *text_upper(const char *s)
{
    char *u = strdup(s);
    for (char *p = u; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}
ssize_t text_write(int fd, const char *s) { return write(fd, s, strlen(s)); }
