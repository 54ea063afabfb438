/*
 * render_html.c - the ranked classes as one self-contained HTML page
 * (render.h): inline CSS, an inline SVG bar chart of the top classes (bar:
 * deployments that saw the class; label: occurrences and bytes), then one
 * section per class.  No script, font, image or style is fetched from
 * anywhere, so the page can be mailed or archived as it is.
 */
#include "render.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <talloc.h>

/* Append to @out; NULL stays NULL (talloc's append would start a new
 * string under no parent). */
static char *app(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *app(char *out, const char *fmt, ...)
{
    va_list ap;

    if (!out)
        return NULL;
    va_start(ap, fmt);
    out = talloc_vasprintf_append_buffer(out, fmt, ap);
    va_end(ap);
    return out;
}

/* @s with &, <, >, " and ' escaped, appended to @out. */
static char *esc(char *out, const char *s)
{
    for (; out && s && *s; s++) {
        switch (*s) {
        case '&': out = talloc_strdup_append_buffer(out, "&amp;"); break;
        case '<': out = talloc_strdup_append_buffer(out, "&lt;"); break;
        case '>': out = talloc_strdup_append_buffer(out, "&gt;"); break;
        case '"': out = talloc_strdup_append_buffer(out, "&quot;"); break;
        case '\'': out = talloc_strdup_append_buffer(out, "&#39;"); break;
        default: out = talloc_strndup_append_buffer(out, s, 1);
        }
    }
    return out;
}

static char *list(char *out, const struct fr_strset *s)
{
    for (size_t i = 0; out && i < s->n; i++) {
        if (i)
            out = app(out, "%s", ", ");
        out = esc(out, s->v[i]);
    }
    return out;
}

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:70em}"
    "h1{font-size:1.5em}h2{font-size:1.1em;margin-top:1.6em}"
    "code,pre{font:12px/1.4 ui-monospace,monospace}"
    "pre{background:#f6f6f6;padding:.6em;overflow-x:auto}"
    ".meta{color:#555}"
    ".trunc{background:#fff4e5;padding:.6em}";

/* The chart: one bar per class, as long as its share of the deployments. */
static char *chart(char *out, const struct fr_classes *c)
{
    size_t n = c->n < FR_RENDER_CHART ? c->n : FR_RENDER_CHART;
    const unsigned row = 26, left = 360, width = 300;
    size_t all = c->deployments.n ? c->deployments.n : 1;
    /* the chart's look in attributes, not the page's CSS: it stays the
     * same when the SVG is taken out of the page */
    static const char font[] = "font-family=\"monospace\" font-size=\"12\" fill=\"#222\"";

    out = app(out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%zu\" role=\"img\" "
        "aria-label=\"top bug classes by deployments\">\n", left + width + 220, n * row + 30);
    for (size_t i = 0; out && i < n; i++) {
        const struct fr_class *k = &c->v[i];
        unsigned w = (unsigned)((double)width * (double)k->deployments.n / (double)all);
        char label[128];
        const char *sig = strchr(k->signature, '|');

        /* "#1 Leak_DefinitelyLost: malloc | leak_one | main", cut to fit
         * left of the bars (12px monospace: about 7 px a character) */
        snprintf(label, sizeof label, "#%zu %s:%s", i + 1, k->kind, sig ? sig + 1 : "");
        if (strlen(label) > 48)
            memcpy(label + 45, "...", 4);
        out = app(out, "<text x=\"0\" y=\"%zu\" %s>", i * row + 17, font);
        out = esc(out, label);
        out = app(out,
            "</text><rect x=\"%u\" y=\"%zu\" width=\"%u\" height=\"%u\" fill=\"#c0392b\"/>"
            "<text x=\"%u\" y=\"%zu\" %s>%zu/%zu deployments, %" PRId64
            " occurrences, %" PRId64 " bytes</text>\n",
            left, i * row + 4, w ? w : 1, row - 8, left + (w ? w : 1) + 6, i * row + 17, font,
            k->deployments.n, c->deployments.n, k->occurrences, k->bytes);
    }
    return app(out, "</svg>\n");
}

char *fr__render_html(void *ctx, const struct fr_classes *c, size_t *len)
{
    char *out = talloc_asprintf(ctx,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>fracture report</title><style>%s</style></head><body>\n"
        "<h1>fracture report</h1>\n<p class=\"meta\">%zu bug class%s from %zu deployment%s "
        "(%zu report%s, %zu truncated); ranked by deployments, then occurrences, then bytes; "
        "first/last seen are the report files' modification times (UTC).</p>\n",
        style, c->n, c->n == 1 ? "" : "es", c->deployments.n,
        c->deployments.n == 1 ? "" : "s", c->nreports, c->nreports == 1 ? "" : "s",
        c->ntruncated);

    if (out && c->n)
        out = chart(out, c);
    for (size_t i = 0; out && i < c->n; i++) {
        const struct fr_class *k = &c->v[i];
        char first[32], last[32];

        fr__render_time(k->first_seen, first);
        fr__render_time(k->last_seen, last);
        out = app(out, "<h2 id=\"c%zu\">#%zu ", i + 1, i + 1);
        out = esc(out, k->kind);
        out = app(out, ": %zu of %zu deployments, %" PRId64
                                            " occurrences, %" PRId64 " bytes</h2>\n<p>module ",
                                            k->deployments.n, c->deployments.n,
                                            k->occurrences, k->bytes);
        out = list(out, &k->modules);
        out = app(out, "%s", ", FMP ");
        out = list(out, &k->fmps);
        out = app(out, "%s", "<br>");
        out = esc(out, k->what);
        out = app(out, "%s", "<br>signature: <code>");
        out = esc(out, k->signature);
        out = app(out, "%s", "</code></p>\n<pre>");
        for (size_t j = 0; out && j < k->nstack; j++) {
            char *fr = fr__render_frame(out, &k->stack[j]);
            out = app(out, "%s", j ? "   " : "at ");
            out = esc(out, fr ? fr : "?");
            out = app(out, "%s", "\n");
        }
        out = app(out, "%s", "</pre>\n<p class=\"meta\">deployments: ");
        out = list(out, &k->deployments);
        out = app(out, "<br>first seen %s, last seen %s</p>\n",
                                            first, last);
    }
    if (out && c->ntruncated) {
        out = app(out, "%s", "<div class=\"trunc\"><h2>Truncated reports</h2>"
                                          "<p>Their process died before Valgrind finished; "
                                          "their complete errors are counted above.</p><ul>\n");
        for (size_t i = 0; out && i < c->ntruncated; i++) {
            out = app(out, "%s", "<li>");
            out = esc(out, c->truncated[i].deployment);
            out = app(out, "%s", ": <code>");
            out = esc(out, c->truncated[i].file);
            out = app(out, "</code> (%zu complete errors)</li>\n",
                                                c->truncated[i].nerrors);
        }
        out = app(out, "%s", "</ul></div>\n");
    }
    if (out)
        out = app(out, "%s", "</body></html>\n");
    if (out)
        *len = strlen(out);
    return out;
}
