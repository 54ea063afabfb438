#ifndef EVENTS_H
#define EVENTS_H
#include <fracture.h>
int events_on(FR_CALLBACK int (*h)(const char *name, int v));
int events_fire(const char *name, int v);
long events_fold(FR_CALLBACK int (*f)(int acc, int x), FR_IN(n) const int *v, int n);
#endif
