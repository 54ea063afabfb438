/*
 * events.h - the events module of the sample app: handlers registered now
 * and called later, and a visitor called back at once.
 */
#ifndef SAMPLE_EVENTS_H
#define SAMPLE_EVENTS_H

#include <fracture.h>
#include <stddef.h>

#define EVENTS_SLOTS 16

typedef int (*event_handler)(void *ctx, int code);

/* Keeps h and ctx in slot; events_fire calls them.  0, or -1 for a bad slot. */
int events_subscribe(int slot, FR_CALLBACK event_handler h, FR_OPAQUE void *ctx);
/* Calls the handler of slot with each code below ncodes; the sum of what
 * it returned, or -1 if the slot is empty. */
int events_fire(int slot, int ncodes);
void events_unsubscribe(int slot);

/* Calls visit once per window of the first n squares (window values at a
 * time), with ctx. */
void events_each_square(int n, int window,
                        FR_CALLBACK void (*visit)(const int *vals, size_t count, void *ctx),
                        FR_OPAQUE void *ctx);

#endif
