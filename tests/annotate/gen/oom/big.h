#ifndef BIG_H
#define BIG_H
#include <stddef.h>
#include <fracture.h>
size_t big_fill(FR_OUT(n) char *out, size_t n);
#endif
