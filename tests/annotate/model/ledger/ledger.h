/* ledger.h - the e2e ledger's interface, annotated for the annotator. */
#ifndef LEDGER_H
#define LEDGER_H
#include <fracture.h>
#include <stddef.h>
#include <sys/types.h>

int store_put(const char *key, FR_IN(len) const void *val, size_t len);
int store_get(const char *key, FR_OUT(cap) void *out, size_t cap, size_t *len);
int store_each(FR_CALLBACK int (*visit)(const char *key, size_t len));
FR_INIT void store_init(const char *path);

long math_sum(FR_IN(n) const int *v, size_t n);
void math_scale(FR_INOUT(n) int *v, size_t n, int k);
long math_fold(FR_CALLBACK long (*f)(long acc, int x), FR_IN(n) const int *v, size_t n);

long text_render(const char *key);
FR_RET_STRING FR_RET_OWNED char *text_upper(const char *s);
ssize_t text_write(FR_FD int fd, const char *s);
long text_weight(long acc, int x);

FR_ON_FAILURE(-1, EIO) int evil_fill(FR_OUT(n) void *out, size_t n);

int main_visit(const char *key, size_t len);
#endif
