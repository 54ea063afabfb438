/*
 * state.c - the runtime's state in this process (state.h): one per FMP,
 * filled by start.c in the root and child.c in a child.
 */
#include "state.h"

#include <fracture/abi.h>

struct fr_rt fr__rt = { .ctl = -1 };

/* Per module: whether a call to it leaves this FMP; read by every stub's
 * one branch (fracture/abi.h), so it lives apart from fr__rt. */
FR_API unsigned char fr__remote[FR_MAX_MODULES];
