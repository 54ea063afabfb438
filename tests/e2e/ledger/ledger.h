/*
 * ledger.h - the end-to-end test program: four modules (main, store, math,
 * text) and a misbehaving one (evil), called through hand-written stubs on
 * the stub ABI (stubs.c), as fracture-annotate would generate them.
 */
#ifndef LEDGER_H
#define LEDGER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum { MOD_main, MOD_store, MOD_math, MOD_text, MOD_evil, MOD_tally, NMODULES };

/* store: a thread-safe key-value store */
int store_put(const char *key, const void *val, size_t len);            /* FR_IN(len) */
int store_get(const char *key, void *out, size_t cap, size_t *len);     /* FR_OUT(cap), FR_OUT(1) */
int store_each(int (*visit)(const char *key, size_t len));             /* FR_CALLBACK */
long store_total(void);

/* math */
void math_init(int base);                                                /* FR_INIT */
long math_sum(const int *v, size_t n);                                   /* FR_IN(n) */
void math_scale(int *v, size_t n, int k);                                /* FR_INOUT(n) */
long math_fold(long (*f)(long acc, int x), const int *v, size_t n);      /* FR_CALLBACK, FR_IN(n) */
int math_whoami(void);                                                   /* which instance serves */

/* text */
long text_render(const char *key);        /* text -> math -> text (callback) -> store */
char *text_upper(const char *s);          /* FR_RET_STRING FR_RET_OWNED */
ssize_t text_write(int fd, const char *s);/* FR_FD */
int text_meta(void);                      /* reads and bumps metadata */

/* Metadata types (metatypes.c): a bytes trail (replace), a high mark
 * (max), an item that stays on its thread. */
extern uint32_t ledger_trail, ledger_high, ledger_here;
/* The causeway mode's types: one per merge, and a count of the points. */
enum { CW_REPLACE, CW_MIN, CW_MAX, CW_SUM, CW_USER, CW_CAT, CW_HOPS, CW_NTYPES };
extern uint32_t cw_type[CW_NTYPES];

/* tally: built by FR_INIT calls only, made from text's FR_INIT function */
int tally_add(const int *v, size_t n);    /* FR_INIT, FR_IN(n): how many adds so far */
long tally_report(int what);              /* 0: total, 1: adds, 2: its pid */

/* evil: replies with more bytes than asked for when split */
int evil_fill(void *out, size_t n);       /* FR_OUT(n); FR_ON_FAILURE(-1, EIO) */

/* callbacks (their own modules) */
int main_visit(const char *key, size_t len);   /* module main */
long main_probe(long acc, int x);              /* module main: asks math who serves */
long text_weight(long acc, int x);             /* module text */
void text_setup(int base);                     /* text -> math_init (FR_INIT from a child) */
int text_init(int k, size_t n);                /* FR_INIT, FR_ON_FAILURE(-1, EIO): calls
                                                * tally_add (n ints summing to k) */
long text_report(int what);                    /* 0: text_init calls served, 1: its pid,
                                                * 2 + w: tally_report(w) */

/* implementations */
int __fr_impl_store_put(const char *key, const void *val, size_t len);
int __fr_impl_store_get(const char *key, void *out, size_t cap, size_t *len);
int __fr_impl_store_each(int (*visit)(const char *key, size_t len));
long __fr_impl_store_total(void);
void __fr_impl_math_init(int base);
long __fr_impl_math_sum(const int *v, size_t n);
void __fr_impl_math_scale(int *v, size_t n, int k);
long __fr_impl_math_fold(long (*f)(long acc, int x), const int *v, size_t n);
int __fr_impl_math_whoami(void);
long __fr_impl_text_render(const char *key);
char *__fr_impl_text_upper(const char *s);
ssize_t __fr_impl_text_write(int fd, const char *s);
int __fr_impl_text_meta(void);
int __fr_impl_evil_fill(void *out, size_t n);
int __fr_impl_main_visit(const char *key, size_t len);
long __fr_impl_main_probe(long acc, int x);
long __fr_impl_text_weight(long acc, int x);
void __fr_impl_text_setup(int base);
int __fr_impl_text_init(int k, size_t n);
long __fr_impl_text_report(int what);
int __fr_impl_tally_add(const int *v, size_t n);
long __fr_impl_tally_report(int what);

int ledger_main(int argc, char **argv);

#endif
