/*
 * initlog.h - FR_INIT calls, logged by their caller and replayed, in
 * order, into a restarted FMP before anything else reaches it
 * (initlog.c).  Every FMP keeps the log of the FR_INIT calls it made.
 */
#ifndef FR_INITLOG_H
#define FR_INITLOG_H

struct fr_call;

/* Log @c, an FR_INIT call that succeeded; a child tells the root once per
 * peer (FR_CTL_INIT_LOGGED) that it has something to replay. */
void fr__init_log(const struct fr_call *c);
/* Replay, into FMP @peer's new incarnation, the FR_INIT calls logged for
 * it, in order.  How many were replayed, or the first failure's negative
 * errno. */
int fr__init_replay(int peer);
/* Whether this FMP made FR_INIT calls to @peer. */
int fr__init_logged(int peer);

#endif /* FR_INITLOG_H */
