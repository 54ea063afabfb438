/*
 * lib.h - the one module of the tracelocal app besides main: a callee that
 * shows what it was handed (main.c says why).
 */
#ifndef TRACELOCAL_LIB_H
#define TRACELOCAL_LIB_H

#include <stddef.h>

#include <fracture.h>

/* The first byte of @out as the callee found it; then fills @out. */
int lib_peek_out(FR_OUT(n) char *out, size_t n);
/* 1 when the callee sees @fd as descriptor number @number, else 0. */
int lib_fd_is(FR_FD int fd, int number);

#endif
