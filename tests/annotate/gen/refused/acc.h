#ifndef ACC_H
#define ACC_H
#include <stddef.h>
#include <fracture.h>
struct big {
    long v[5];                  /* 40 bytes */
};
FR_ON_FAILURE(-2, EIO) int acc_fill(FR_INOUT(k) struct big *b, size_t k);
FR_ON_FAILURE(-2, EIO) int acc_add(int *a, int *b);
int acc_add_or_die(int *a, int *b);
#endif
