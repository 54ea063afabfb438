/*
 * crowdbug.h - the crowd test program's modules (tests/crowd): two with a
 * known memory bug each, one clean, one that may not be sampled.
 */
#ifndef CROWDBUG_H
#define CROWDBUG_H

int leaky_keep(int n);        /* leaky: loses n blocks of 48 bytes */
int reader_peek(int i);       /* reader: reads element i of a 4-element block */
int clean_sum(int n);         /* clean: no bug */
int fixed_twice(int n);       /* fixed: no bug, not samplable */

#endif
