/*
 * fault.h - fault injection for the crash tests: a child FMP started with
 * FRACTURE_FAULT=POINT[:N] kills itself (SIGKILL) the N-th time (default 1)
 * it reaches POINT.  Unset, a point costs one predictable branch.
 *
 * Points: before-request (a worker woke for a request, read nothing yet),
 * reply-chunk (a long reply is half written), after-reply (the reply is
 * out), nested-call (a callee called back and waits for it).
 *
 * Points that fail instead of killing (fr__fault_fails): worker-start (a
 * thread to serve a logical thread cannot be made, from the N-th on).
 */
#ifndef FR_FAULT_H
#define FR_FAULT_H

extern int fr__fault_armed;
void fr__fault_init(void);
void fr__fault_point(const char *point);
/* Whether failure point @point fails now: from the N-th time on. */
int fr__fault_fails(const char *point);

#define FR_FAULT_POINT(p)                                                      \
    do {                                                                       \
        if (__builtin_expect(fr__fault_armed, 0))                              \
            fr__fault_point(p);                                                \
    } while (0)

#endif /* FR_FAULT_H */
