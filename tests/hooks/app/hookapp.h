/* hookapp.h - the program the hook tests run (tests/hooks): three modules
 * that call each other, a callback, a string, a buffer and a call that
 * fails through FR_ON_FAILURE. */
#ifndef HOOKAPP_H
#define HOOKAPP_H
#include <stddef.h>
#include <fracture.h>

FR_ON_FAILURE(-1, EIO) int calc_add(int a, int b);
FR_ON_FAILURE(-1, EIO) int calc_len(const char *s);
/* nested: calc calls store */
int calc_keep(FR_IN(n) const int *v, int n);
/* a callback into main's module */
int calc_each(FR_CALLBACK int (*visit)(int i), int n);
FR_ON_FAILURE(-1, EIO) int calc_slow(int ms);

int store_put(FR_IN(n) const int *v, int n);
int store_sum(void);
#endif
