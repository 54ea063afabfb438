/*
 * environment.c - --env and --slowdown (environment.h).
 *
 * An environment file is checked by the runtime's config parser, so that
 * what it accepts is exactly what `fracture check` will accept under
 * fmps[].env: the file's text is set, indented, under the `env:` of a
 * one-FMP config and parsed; positions in the parser's messages are moved
 * back by the lines and columns the wrapper added.  Indenting every line
 * the same keeps a YAML block's meaning; anything that is not a block
 * mapping (a second document, a directive) fails there with its position.
 */
#include "environment.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <talloc.h>

#include "config.h"
#include "diag.h"
#include "slurp.h"

/* Valgrind's manual gives ranges ("about 10-30x" for memcheck, "20-100x"
 * for cachegrind); these are their middles, the design's memcheck 20x and
 * about 100x for helgrind, which is the slowest in practice.  A factor
 * measured on the app beats all of them: --slowdown. */
static const struct {
    const char *tool;
    double factor;
} tools[] = {
    { "memcheck", 20 }, { "helgrind", 100 }, { "drd", 50 }, { "callgrind", 50 },
    { "cachegrind", 50 }, { "massif", 20 }, { "dhat", 20 }, { "lackey", 100 },
    { "exp-bbv", 20 },
};

/* Lines and columns the wrapper puts before the file's text. */
#define WRAP_LINES 5
#define WRAP_INDENT 6
static const char wrapper[] = "version: 1\n"
                              "fmps:\n"
                              "  - name: envfile\n"
                              "    modules: [envfile]\n"
                              "    env:\n";

double fr__valgrind_slowdown(const char *tool)
{
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++)
        if (strcmp(tools[i].tool, tool) == 0)
            return tools[i].factor;
    if (strcmp(tool, "none") == 0)
        return 5;             /* Valgrind's own "none" tool: the core alone */
    return 0;
}

/* @text with every line indented by @indent spaces, under @ctx. */
static char *indent_text(void *ctx, const char *text, size_t len, int indent)
{
    char *out = talloc_strdup(ctx, "");
    size_t i = 0;

    while (out && i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) + 1 : len - i;
        out = talloc_asprintf_append_buffer(out, "%*s%.*s%s", indent, "", (int)n, text + i,
                                            nl ? "" : "\n");
        i += n;
    }
    return out;
}

/* The first error of the parse, at the position in the user's file. */
static int file_error(const char *file, const struct fr_diag *d, struct fr_perr *e)
{
    const struct fr_diag_item *it = &d->items[0];
    char more[64] = "";

    if (d->n > 1)
        snprintf(more, sizeof more, " (and %zu more)", d->n - 1);
    if (it->line > WRAP_LINES)
        return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE, it->hint, "%s:%u:%u: %s%s", file,
                            it->line - WRAP_LINES,
                            it->col > WRAP_INDENT ? it->col - WRAP_INDENT : 1, it->msg, more);
    return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE,
                        it->hint ? it->hint : "an environment file holds the mapping of an "
                        "FMP's `env:` (valgrind, preload, vars, limits, ...: configs/README.md)",
                        "%s: %s%s", file, it->msg, more);
}

static int from_file(void *ctx, const char *file, struct fr_envspec *out, struct fr_perr *e)
{
    size_t len;
    char *text = fr__slurp_file(ctx, file, FR_SLURP_ALL, &len), *body, *cfg_text;
    struct fr_config *cfg;
    struct fr_diag d;
    int rc;

    if (!text)
        return fr__perr_set(e, -errno, FR_PERR_FAILURE, NULL, "%s: cannot read the "
                            "environment: %s", file, strerror(errno));
    if (strspn(text, " \t\r\n") == len || memchr(text, '\0', len))
        return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE, "write the mapping an FMP's `env:` "
                            "holds, e.g. `valgrind: {tool: memcheck}`", "%s: %s", file,
                            memchr(text, '\0', len) ? "not a text file" : "the file is empty");
    body = indent_text(ctx, text, len, WRAP_INDENT);
    cfg_text = body ? talloc_asprintf(ctx, "%s%s", wrapper, body) : NULL;
    if (!cfg_text)
        return fr__perr_oom(e);
    fr__diag_init(&d, ctx);
    rc = fr__config_parse(ctx, file, cfg_text, strlen(cfg_text), &cfg, &d);
    if (rc == -ENOMEM)
        return fr__perr_oom(e);
    if (rc || d.n)
        return d.n ? file_error(file, &d, e) : fr__perr_oom(e);
    if (cfg->nfmps != 1 || !cfg->fmps[0].env.present)
        return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE, "write the mapping an FMP's `env:` "
                            "holds, e.g. `valgrind: {tool: memcheck}`", "%s: no environment "
                            "in the file", file);
    out->from_file = true;
    out->name = talloc_strdup(ctx, file);
    out->yaml = talloc_strndup(ctx, text, len);
    if (cfg->fmps[0].env.has_valgrind)
        out->tool = talloc_strdup(ctx, cfg->fmps[0].env.valgrind_tool);
    return 0;
}

int fr__envspec_get(void *ctx, const char *arg, double slowdown, struct fr_envspec *out,
                    struct fr_perr *e)
{
    int rc;

    *out = (struct fr_envspec){ 0 };
    if (!arg || strcmp(arg, "none") == 0) {
        out->name = talloc_strdup(ctx, "none");
    } else if (strchr(arg, '/') || strstr(arg, ".yaml") || strstr(arg, ".yml")) {
        if ((rc = from_file(ctx, arg, out, e)))
            return rc;
    } else if (fr__valgrind_slowdown(arg) > 0 && strcmp(arg, "none") != 0) {
        out->name = talloc_strdup(ctx, arg);
        out->tool = talloc_strdup(ctx, arg);
        out->yaml = talloc_asprintf(ctx, "valgrind: {tool: %s}\n", arg);
    } else {
        const char *names[sizeof tools / sizeof tools[0] + 1];
        const char *best;
        char *hint;

        names[0] = "none";
        for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++)
            names[i + 1] = tools[i].tool;
        best = fr__suggest(arg, names, sizeof names / sizeof names[0]);
        hint = best ? talloc_asprintf(ctx, "did you mean '%s'?", best)
                    : talloc_strdup(ctx, "--env takes none, memcheck, helgrind, drd, "
                                    "callgrind, cachegrind, massif, dhat, or an environment "
                                    "file (FILE.yaml)");
        return fr__perr_set(e, -EINVAL, FR_PERR_USAGE, hint, "--env '%s': no such "
                            "environment", arg);
    }
    if (slowdown > 0) {
        out->slowdown = slowdown;
        out->slowdown_from = talloc_strdup(ctx, "--slowdown");
    } else if (out->tool) {
        out->slowdown = fr__valgrind_slowdown(out->tool);
        if (out->slowdown == 0) {
            /* a tool of the file that this table does not know */
            return fr__perr_set(e, -EINVAL, FR_PERR_USAGE, "say how much slower it runs a "
                                "module's code: --slowdown F", "%s: no default slowdown for "
                                "the Valgrind tool '%s'", out->name, out->tool);
        }
        out->slowdown_from = talloc_asprintf(ctx, "default for %s", out->tool);
    } else {
        out->slowdown = 1;
        out->slowdown_from = talloc_strdup(ctx, out->from_file ? "no Valgrind in the "
                                           "environment" : "no environment");
    }
    if (!out->name || !out->slowdown_from || (out->tool && !out->yaml))
        return fr__perr_oom(e);
    return 0;
}

char *fr__envspec_yaml(void *ctx, const struct fr_envspec *env, int indent)
{
    if (!env->yaml)
        return talloc_strdup(ctx, "");
    return indent_text(ctx, env->yaml, strlen(env->yaml), indent);
}
