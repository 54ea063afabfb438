/* A small library written as if by someone else: no Fracture anywhere in
 * it.  spec.h annotates it from outside. */
#ifndef STATS_H
#define STATS_H

int stats_sum(const int *v, int n);
double stats_mean(const int *v, int n);
int stats_name(char *buf, int cap, int id);
const char *stats_version(void);
int stats_each(int (*visit)(int i, int v, void *ctx), void *ctx, const int *v, int n);
int fmt_pad(char *dst, int cap, const char *s, int width);

#endif
