/* T ** cannot be copied by value-result. */
#include <fracture.h>

FRACTURE_MODULE(lex, 0);

int lex_next(const char **cursor) { (*cursor)++; return 0; }
int lex_handle(FR_OPAQUE void **slot) { return slot != 0; }

FR_MODULE(main, 0) int main(void)
{
    const char *s = "ab";
    void *h = 0;
    return lex_next(&s) + lex_handle(&h);
}
