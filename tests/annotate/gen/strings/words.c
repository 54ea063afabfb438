/* Strings: inferred const char *, FR_STRING on a char * read only,
 * FR_STRING with FR_INOUT(cap) on a buffer the callee writes, returned
 * strings owned by the caller and not. */
#include <fracture.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "words.h"

FRACTURE_MODULE(words, FR_RESTARTABLE);

size_t words_count(const char *s)
{
    size_t n = 0;
    for (int in = 0; s && *s; s++) {
        if (isspace((unsigned char)*s))
            in = 0;
        else if (!in && ++n)
            in = 1;
    }
    return n;
}

int words_first(FR_STRING char *s)
{
    return s ? s[0] : -1;
}

void words_upper(FR_INOUT(cap) FR_STRING char *buf, size_t cap)
{
    size_t n = strlen(buf);
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)toupper((unsigned char)buf[i]);
    if (n + 2 < cap)
        strcat(buf, "!");
}

FR_RET_STRING const char *words_name(int i)
{
    static const char *names[] = {"zero", "one", "two"};
    return i >= 0 && i < 3 ? names[i] : NULL;
}

FR_RET_STRING FR_RET_OWNED char *words_join(const char *a, const char *b)
{
    char *s = malloc(strlen(a) + strlen(b) + 2);
    if (s) {
        strcpy(s, a);
        strcat(s, "-");
        strcat(s, b);
    }
    return s;
}
