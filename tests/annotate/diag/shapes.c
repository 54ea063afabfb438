/* Shapes a copy cannot carry: a count that names its own parameter, a
 * struct ending in a flexible array member, a va_list, bytes without a
 * count. */
#include <fracture.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

FRACTURE_MODULE(lib, 0);

struct blob { int n; int data[]; };
struct list { FR_COUNT(n + 1) int *n; };

int lib_self(FR_STRING FR_INOUT(strlen(s) + 1) char *s) { return s[0]; }
int lib_blob(const struct blob *b) { return b->n ? b->data[0] : 0; }
int lib_vsay(const char *fmt, va_list ap) { return vprintf(fmt, ap); }
void lib_fill(unsigned char *dest, int n) { memset(dest, 1, (size_t)n); }
int lib_list(const struct list *l) { return l->n != 0; }

FR_MODULE(main, 0) static int say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = lib_vsay(fmt, ap);
    va_end(ap);
    return r;
}

FR_MODULE(main, 0) int main(void)
{
    char s[4] = "ab";
    unsigned char b[4];
    struct list l = {0};
    lib_fill(b, 4);
    return lib_self(s) + lib_blob(0) + say("%d\n", 1) + lib_list(&l);
}
