/*
 * text.c - module "text" (restartable), its string functions.  The module
 * spans two files: textfd.c holds its descriptor functions.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

FRACTURE_MODULE(text, FR_RESTARTABLE);

size_t text_count_vowels(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += strchr("aeiouAEIOU", *s) != NULL;
    return n;
}

size_t text_count_char(char *s, char c)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

char *text_upper(const char *s)
{
    char *u = strdup(s);
    for (char *p = u; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

const char *text_shape_name(enum shape s)
{
    static const char *const names[] = { "none", "point", "segment", "polygon" };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

void text_reverse(char *buf, size_t cap)
{
    size_t n = strnlen(buf, cap);
    for (size_t i = 0; i < n / 2; i++) {
        char t = buf[i];
        buf[i] = buf[n - 1 - i];
        buf[n - 1 - i] = t;
    }
}

const int *text_primes(size_t n)
{
    static const int primes[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
    return n <= sizeof primes / sizeof primes[0] ? primes : NULL;
}

size_t *text_word_lengths(const char *s, size_t n)
{
    size_t *lens = calloc(n ? n : 1, sizeof *lens);
    for (size_t i = 0; lens && i < n; i++) {
        while (*s == ' ')
            s++;
        while (*s && *s != ' ') {
            lens[i]++;
            s++;
        }
    }
    return lens;
}
