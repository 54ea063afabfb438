/*
 * child.h - the life of a child FMP's process: from the plan it is given
 * to serving, and its end when the root closes the control socket.
 */
#ifndef FR_CHILD_H
#define FR_CHILD_H

#include <fracture/abi.h>

FR_NORETURN void fr__child_main(const char *plan);

#endif /* FR_CHILD_H */
