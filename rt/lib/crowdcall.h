/*
 * crowdcall.h - the caller's half of the crowd (crowdcall.c): which copy
 * of a crowd module a call runs in, the plain one (in the root, or in the
 * FMP `fmps:` places the module in: the group's `plain`) or the
 * instrumented one, the crowd's twin (group.h).
 */
#ifndef FR_CROWDCALL_H
#define FR_CROWDCALL_H

#include <fracture/abi.h>

/*
 * The copy call @c (to a module of crowd group @gi) runs in: the twin's
 * FMP index, or the plain copy's (the group's `plain`).  A pin of the thread (a
 * call to one copy in progress) keeps it there; else the objects it
 * passes choose (the copy that made them); else the group's draw,
 * weight[0] % of the calls to the twin.  -EXDEV (said, with a fix) when
 * the pin and its objects, or its objects, name both copies.
 */
int fr__crowd_route(struct fr_call *c, int gi);

/*
 * Where FR_INIT call @c to crowd group @gi runs: in both copies (*both
 * set) when it passes no object of either; else in the copy whose
 * objects it passes alone, returned as fr__crowd_route returns it; or
 * -EXDEV (said) when it passes objects of both.
 */
int fr__crowd_init_route(struct fr_call *c, int gi, int *both);

/* Pin this thread to copy @to (the plain copy's FMP; the twin pins
 * itself in its policy, sample.c) while a call to it is in progress,
 * unless it is pinned already: 1 when set, for fr__crowd_unpin. */
int fr__crowd_pin(int gi, int to);
void fr__crowd_unpin(int gi, int was_set);

#endif /* FR_CROWDCALL_H */
