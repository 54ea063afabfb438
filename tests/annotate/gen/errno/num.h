#ifndef NUM_H
#define NUM_H
#include <fracture.h>
int num_parse(const char *s, FR_OUT(1) long *out);
int num_quiet(int x);
int num_seen(void);
int num_each(FR_CALLBACK int (*f)(int i), int n);
#endif
