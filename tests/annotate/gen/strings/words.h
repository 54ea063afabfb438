#ifndef WORDS_H
#define WORDS_H
#include <stddef.h>
#include <fracture.h>
size_t words_count(const char *s);
int words_first(FR_STRING char *s);
void words_upper(FR_INOUT(cap) FR_STRING char *buf, size_t cap);
FR_RET_STRING const char *words_name(int i);
FR_RET_STRING FR_RET_OWNED char *words_join(const char *a, const char *b);
#endif
