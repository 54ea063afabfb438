/*
 * initlog.h - FR_INIT calls (initlog.c): logged, and replayed by the root,
 * in order, into a restarted FMP before anything else reaches it.  The
 * root keeps the log of every FMP's FR_INIT calls, a child's as a copy it
 * sends before its call returns; each FMP keeps the requests and replies
 * of its own (its records), so that an FR_INIT call made again, in a
 * replay, is fed the reply of the one it repeats instead of reaching its
 * callee twice.
 */
#ifndef FR_INITLOG_H
#define FR_INITLOG_H

struct fr_call;
struct fr_ctl_in;
struct fr_lt;

/* (call.c) @c, a call of an FR_INIT function on @lt: fed the recorded
 * reply of the call it repeats, if it repeats one; else made by the
 * callee's policy and, once it succeeded, logged (a child sends the root
 * its copy before it returns).  0 or the call's negative errno. */
int fr__init_call(struct fr_call *c, struct fr_lt *lt);

/* Whether the program has an FR_INIT function at all: without one, a
 * restart has no copy to wait for, no record to give, nothing to replay. */
int fr__init_exists(void);

/* Root: replay, into FMP @peer's new incarnation, the FR_INIT calls made
 * to it: the root's, then each child FMP's in the order of the FMPs, each
 * in the order it made them.  How many went, or the first failure's
 * negative errno. */
int fr__init_replay(int peer);
/* Root: whether FR_INIT calls were made to FMP @peer. */
int fr__init_logged(int peer);
/* Root: whether FMP @k (its group) made FR_INIT calls: its next
 * incarnation must get their records (fr__init_give) before it serves. */
int fr__init_made(int k);
/* Root: send FMP @k's new incarnation, on its control socket, the records
 * of the FR_INIT calls its predecessors made, then FR_CTL_RECORDS_END.
 * How many, or a negative errno (it has gone). */
int fr__init_give(int k);
/* Root: a datagram from child @from about its FR_INIT calls (a copy, the
 * logged once its last datagram is in, with the descriptors of @in; or
 * what became of one in flight: FR_CTL_INIT_CALL ... _OVER). */
void fr__init_note(int from, struct fr_ctl_in *in);
/* Root: child @k ended: a copy it had not finished sending is dropped, and
 * its FR_INIT calls in flight may have been served: orphans. */
void fr__init_child_ended(int k);
/* Root, before a replay into FMP @k, whose channels are wiped: wait until
 * every FR_INIT call in flight to it is copied, over, or waits for its
 * next incarnation (bounded; said if not); then say each call to it whose
 * maker ended during it, which is not made again. */
void fr__init_settle(int k);
/* (restart.c) @c, failed on its callee's death, waits for the next
 * incarnation (@waiting 1), or goes to it (0): if it is this thread's
 * innermost FR_INIT call, the root is told. */
void fr__init_waits(const struct fr_call *c, int waiting);
/* Child: a datagram of an FR_CTL_INIT_RECORD from the root. */
void fr__init_record_in(struct fr_ctl_in *in);

#endif /* FR_INITLOG_H */
