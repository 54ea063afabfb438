#ifndef ACC_H
#define ACC_H
#include <stddef.h>
#include <fracture.h>
struct big {
    long v[5];                  /* 40 bytes */
};
FR_ON_FAILURE(-2, EIO) int acc_fill(FR_INOUT(k) struct big *b, size_t k);
FR_ON_FAILURE(-2, EIO) int acc_cat(FR_STRING FR_INOUT(cap) char *s, size_t cap,
                                   FR_IN(n) const char *more, size_t n);
int acc_cat_or_die(FR_STRING FR_INOUT(cap) char *s, size_t cap, FR_IN(n) const char *more,
                   size_t n);
#endif
