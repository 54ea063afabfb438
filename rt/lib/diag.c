/*
 * diag.c - collect and print compiler-style diagnostics, and find the
 * "did you mean" suggestion for a misspelt name.
 */
#include "diag.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <talloc.h>

void fr__diag_init(struct fr_diag *d, void *ctx)
{
    d->ctx = ctx;
    d->items = NULL;
    d->n = 0;
}

int fr__diag_add(struct fr_diag *d, const char *file, unsigned line,
                 unsigned col, const char *hint, const char *fmt, ...)
{
    struct fr_diag_item *items;
    char *msg, *text;
    va_list ap;

    va_start(ap, fmt);
    msg = talloc_vasprintf(d->ctx, fmt, ap);
    va_end(ap);
    if (line)
        text = talloc_asprintf(d->ctx, "%s:%u:%u: error: %s", file, line,
                               col ? col : 1, msg ? msg : "(out of memory)");
    else
        text = talloc_asprintf(d->ctx, "%s: error: %s", file,
                               msg ? msg : "(out of memory)");
    items = talloc_realloc(d->ctx, d->items, struct fr_diag_item, d->n + 1);
    if (!items || !text)
        return -EINVAL;       /* the error is lost, but the failure is not */
    d->items = items;
    d->items[d->n] = (struct fr_diag_item){
        .text = text,
        .hint = hint ? talloc_strdup(d->ctx, hint) : NULL,
        .file = talloc_strdup(d->ctx, file),
        .line = line,
        .col = line && !col ? 1 : col,
        .msg = msg,
    };
    d->n++;
    return -EINVAL;
}

void fr__diag_print(const struct fr_diag *d, FILE *f)
{
    for (size_t i = 0; i < d->n; i++) {
        fprintf(f, "%s\n", d->items[i].text);
        if (d->items[i].hint)
            fprintf(f, "  hint: %s\n", d->items[i].hint);
    }
}

void fr__json_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void fr__diag_print_json(const struct fr_diag *d, FILE *f)
{
    fputc('[', f);
    for (size_t i = 0; i < d->n; i++) {
        const struct fr_diag_item *it = &d->items[i];
        fprintf(f, "%s{\"file\": ", i ? ", " : "");
        fr__json_string(f, it->file);
        fprintf(f, ", \"line\": %u, \"col\": %u, \"severity\": \"error\", \"message\": ",
                it->line, it->col);
        fr__json_string(f, it->msg ? it->msg : "(out of memory)");
        fputs(", \"hint\": ", f);
        fr__json_string(f, it->hint);
        fputc('}', f);
    }
    fputc(']', f);
}

/* Edit distance counting a swap of two neighbours as one edit (optimal
 * string alignment): "fial" is one typo away from "fail".  Names here are
 * short identifiers; longer ones are never close. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t d[65][65];

    if (la > 64 || lb > 64)
        return (size_t)-1;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *fr__suggest(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t len = strlen(word);
    size_t limit = len < 8 ? 1 : len / 4;   /* about one typo per 4 letters */

    for (size_t i = 0; i < n; i++) {
        size_t dist = edit_distance(word, cands[i]);
        size_t lc = strlen(cands[i]);
        /* "rx-allocator" for "rx-alloc", "window" for "window_s": one is
         * the other cut short */
        size_t shorter = lc < len ? lc : len;
        if (dist > limit && shorter >= 4 && strncmp(word, cands[i], shorter) == 0)
            dist = limit;
        if (dist < best_d) {
            best_d = dist;
            best = cands[i];
        }
    }
    return best_d <= limit && best_d > 0 ? best : NULL;
}
