/*
 * perr.h - why a step of `fracture partition` failed: one message, the hint
 * that says what to do, and whether the user's arguments were wrong (exit
 * status 2) or an input or the machine failed (1).
 *
 * Every function of partition/ that can fail returns 0 or a negative errno
 * and, on failure, fills the struct fr_perr it was given, so that the CLI
 * prints one error the way every `fracture` command does.
 */
#ifndef FR_PERR_H
#define FR_PERR_H

enum fr_perr_kind {
    FR_PERR_FAILURE = 1,      /* an input file, the bench, the machine */
    FR_PERR_USAGE = 2,        /* an argument: unknown module, impossible constraint */
};

struct fr_perr {
    void *ctx;                /* talloc parent of msg and hint */
    enum fr_perr_kind kind;
    char *msg;                /* NULL until a failure is said */
    char *hint;               /* NULL or what to do */
};

/* fr__perr_init - no failure yet; messages will live in @ctx. */
void fr__perr_init(struct fr_perr *e, void *ctx);

/*
 * fr__perr_set - say why: @hint may be NULL.  A second failure does not
 * replace the first (the first is the cause).  Returns @rc, a negative
 * errno, for `return fr__perr_set(...)`.
 */
int fr__perr_set(struct fr_perr *e, int rc, enum fr_perr_kind kind, const char *hint,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* fr__perr_oom - out of memory: said as such; returns -ENOMEM. */
int fr__perr_oom(struct fr_perr *e);

#endif /* FR_PERR_H */
