/*
 * sample.h - a sampled FMP (sample.c): the caller's half is the sample
 * policy (policy.h); here, an instance's count of the calls it served
 * before it is recycled, and the root's side of recycling.
 */
#ifndef FR_SAMPLE_H
#define FR_SAMPLE_H

#include <stdint.h>

#include <fracture/abi.h>

struct fr_group;
/* The next of the choices this process makes for group @g: the i-th is
 * splitmix64(seed + (i+1) * golden), so the same seed gives the same
 * sequence (the caller maps it onto its weights). */
uint64_t fr__sample_next(struct fr_group *g);

void fr__sample_served(void);          /* instance: one top-level call done */
int fr__sample_retiring(void);         /* instance: ending, take no new call */
FR_NORETURN void fr__sample_park(void);
void fr__sample_recycle_asked(int k);  /* root */
int fr__sample_recycling(int k);       /* root */
void fr__sample_recycle(int k);        /* root: start instance k afresh */

#endif /* FR_SAMPLE_H */
