/*
 * lthread.h - logical threads: the application thread that follows its calls
 * into other FMPs, and the worker threads (and the acceptor that starts
 * them) that serve it in each FMP.
 */
#ifndef FR_LTHREAD_H
#define FR_LTHREAD_H

#include "state.h"

struct fr_lt *fr__lt_current(int *err);
struct fr_lt *fr__lt_get(uint32_t id);
int fr__acceptor_start(void);   /* shut until fr__acceptor_open */
void fr__acceptor_open(void);
/* Name the calling thread fr:FMP (what ps -L, top -H and perf show): a
 * child's threads are made while it still bears a spare's name. */
void fr__thread_name(void);

#endif /* FR_LTHREAD_H */
