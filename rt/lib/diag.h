/*
 * diag.h - compiler-style diagnostics: "file:line:col: error: message"
 * followed by an optional "  hint: ..." line.
 *
 * Checks add every problem they find to one fr_diag, so that a user sees
 * all of them in one run; the caller prints them once.  Memory hangs off the
 * talloc context given to fr__diag_init.
 */
#ifndef FR_DIAG_H
#define FR_DIAG_H

#include <stddef.h>
#include <stdio.h>

/* A place in a file a diagnostic names. */
struct fr_pos {
    unsigned line, col;       /* 1-based; 0 when unknown */
};

struct fr_diag_item {
    char *text;               /* "file:line:col: error: msg" (no newline) */
    char *hint;               /* NULL or the hint, without "hint: " */
    char *file;               /* the parts of text, for JSON */
    unsigned line, col;       /* line 0: no position */
    char *msg;
};

struct fr_diag {
    void *ctx;                /* talloc parent of everything below */
    struct fr_diag_item *items;
    size_t n;
};

/* fr__diag_init - an empty list whose memory is owned by @ctx. */
void fr__diag_init(struct fr_diag *d, void *ctx);

/* fr__diag_add - add one error at file:line:col (line 0: no position).
 * @hint may be NULL.  Returns -EINVAL, for `return fr__diag_add(...)`. */
int fr__diag_add(struct fr_diag *d, const char *file, unsigned line,
                 unsigned col, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* fr__diag_print - write every item to @f, hints on their own lines. */
void fr__diag_print(const struct fr_diag *d, FILE *f);

/* fr__diag_print_json - write every item to @f as one JSON array of
 * {"file", "line", "col", "severity": "error", "message", "hint"} (line and
 * col 0 when there is no position, hint null when there is none). */
void fr__diag_print_json(const struct fr_diag *d, FILE *f);

/* fr__json_string - write @s to @f as a JSON string literal (NULL: null). */
void fr__json_string(FILE *f, const char *s);

/* fr__suggest - the candidate closest to @word by edit distance, if close
 * enough to be a likely misspelling; NULL otherwise.  Returns one of
 * @cands (not a copy). */
const char *fr__suggest(const char *word, const char *const *cands, size_t n);

#endif /* FR_DIAG_H */
