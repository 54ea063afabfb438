/*
 * vgxml.c - read one Valgrind XML report with libxml2's streaming reader
 * (vgxml.h).
 *
 * The reader walks the children of <valgrindoutput> one at a time and
 * expands each into a small tree (an <error> and its stacks), so memory
 * stays that of one error however long the report.  A report whose
 * process was killed ends mid-way; cut back to its last complete element
 * and closed, it reads whole, where a file broken in its middle still
 * fails: that is how the two are told apart.
 */
#include "vgxml.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include <libxml/xmlreader.h>

#define MAX_FRAMES 64         /* Valgrind's own limit (--num-callers) is 500; the top is what counts */

struct xerr {
    bool set;
    int code, line, col;
    char msg[256];
};

static void on_error(void *arg, xmlErrorPtr err)
{
    struct xerr *x = arg;
    size_t n;

    if (x->set || !err)
        return;
    x->set = true;
    x->code = err->code;
    x->line = err->line;
    x->col = err->int2;
    snprintf(x->msg, sizeof x->msg, "%s", err->message ? err->message : "malformed XML");
    n = strlen(x->msg);
    while (n && (x->msg[n - 1] == '\n' || x->msg[n - 1] == ' '))
        x->msg[--n] = '\0';
}

/* The text of @n (its descendants' text), trimmed; a talloc string under
 * @ctx, "" when empty, NULL only out of memory. */
static char *text_of(void *ctx, xmlNodePtr n)
{
    xmlChar *c = xmlNodeGetContent(n);
    const char *s = c ? (const char *)c : "";
    size_t len;
    char *out;

    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t' ||
                   s[len - 1] == '\r'))
        len--;
    out = talloc_strndup(ctx, s, len);
    xmlFree(c);
    return out;
}

static bool is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

/* A whole number from an element's text: @dflt when absent or not one. */
static int64_t number_of(xmlNodePtr n, int64_t dflt)
{
    xmlChar *c;
    char *end;
    long long v;

    if (!n)
        return dflt;
    c = xmlNodeGetContent(n);
    if (!c)
        return dflt;
    errno = 0;
    v = strtoll((const char *)c, &end, 0);
    if (end == (char *)c || errno)
        v = dflt;
    xmlFree(c);
    return v;
}

/* A count from a file anyone may have edited: within what Valgrind could
 * write, so that sums over many reports cannot overflow. */
static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static char *opt_text(void *ctx, xmlNodePtr n, bool *oom)
{
    char *s;

    if (!n)
        return NULL;
    s = text_of(ctx, n);
    if (!s)
        *oom = true;
    return s && *s ? s : NULL;
}

static int read_stack(void *ctx, xmlNodePtr stack, struct fr_vg_error *er)
{
    size_t n = 0;
    bool oom = false;

    for (xmlNodePtr f = stack->children; f; f = f->next)
        n += is(f, "frame");
    if (n > MAX_FRAMES)
        n = MAX_FRAMES;
    er->frames = talloc_zero_array(ctx, struct fr_vg_frame, n ? n : 1);
    if (!er->frames)
        return -ENOMEM;
    for (xmlNodePtr f = stack->children; f && er->nframes < n; f = f->next) {
        struct fr_vg_frame *fr = &er->frames[er->nframes];

        if (!is(f, "frame"))
            continue;
        fr->fn = opt_text(er->frames, child(f, "fn"), &oom);
        fr->obj = opt_text(er->frames, child(f, "obj"), &oom);
        fr->file = opt_text(er->frames, child(f, "file"), &oom);
        fr->dir = opt_text(er->frames, child(f, "dir"), &oom);
        fr->line = (long)number_of(child(f, "line"), 0);
        er->nframes++;
    }
    return oom ? -ENOMEM : 0;
}

static int add_error(struct fr_vg_report *r, xmlNodePtr n)
{
    struct fr_vg_error *er, *grown;
    xmlNodePtr xwhat = child(n, "xwhat"), stack = child(n, "stack");
    bool oom = false;

    grown = talloc_realloc(r, r->errors, struct fr_vg_error, r->nerrors + 1);
    if (!grown)
        return -ENOMEM;
    r->errors = grown;
    er = &r->errors[r->nerrors];
    *er = (struct fr_vg_error){ .count = 1 };
    er->unique = opt_text(r->errors, child(n, "unique"), &oom);
    er->kind = opt_text(r->errors, child(n, "kind"), &oom);
    er->what = opt_text(r->errors, xwhat ? child(xwhat, "text") : child(n, "what"), &oom);
    if (xwhat)
        er->bytes = clamp(number_of(child(xwhat, "leakedbytes"), 0), 0, FR_VG_MAX_COUNT);
    if (oom || (stack && read_stack(r->errors, stack, er) < 0))
        return -ENOMEM;
    if (!er->kind)
        er->kind = "Unknown";   /* static: never freed through the report */
    r->nerrors++;
    return 0;
}

/* <errorcounts>: how often each non-leak error happened. */
static void apply_counts(struct fr_vg_report *r, xmlNodePtr n)
{
    for (xmlNodePtr p = n->children; p; p = p->next) {
        xmlNodePtr u = child(p, "unique");
        xmlChar *id;

        if (!is(p, "pair") || !u || !(id = xmlNodeGetContent(u)))
            continue;
        for (size_t i = 0; i < r->nerrors; i++)
            if (r->errors[i].unique && strcmp(r->errors[i].unique, (const char *)id) == 0)
                r->errors[i].count = clamp(number_of(child(p, "count"), 1), 1, FR_VG_MAX_COUNT);
        xmlFree(id);
    }
}

/* The runtime's comment (launch.c passes --xml-user-comment):
 * <fracture fmp="NAME" member="instanceJ"><module>M</module>...</fracture>. */
static int read_comment(struct fr_vg_report *r, xmlNodePtr n)
{
    xmlNodePtr fr = child(n, "fracture");
    xmlChar *a;
    size_t k = 0;

    if (!fr)
        return 0;
    if ((a = xmlGetProp(fr, (const xmlChar *)"fmp"))) {
        r->fmp = talloc_strdup(r, (const char *)a);
        xmlFree(a);
        if (!r->fmp)
            return -ENOMEM;
    }
    if ((a = xmlGetProp(fr, (const xmlChar *)"member"))) {
        r->member = *a ? talloc_strdup(r, (const char *)a) : NULL;
        xmlFree(a);
    }
    for (xmlNodePtr m = fr->children; m; m = m->next)
        k += is(m, "module");
    /* a second comment (a hand-edited file) replaces the first */
    talloc_free(r->modules);
    r->nmodules = 0;
    r->modules = talloc_zero_array(r, char *, k ? k : 1);
    if (!r->modules)
        return -ENOMEM;
    for (xmlNodePtr m = fr->children; m; m = m->next) {
        if (!is(m, "module"))
            continue;
        if (!(r->modules[r->nmodules] = text_of(r->modules, m)))
            return -ENOMEM;
        r->nmodules += *r->modules[r->nmodules] != '\0';
    }
    return 0;
}

/* FMP[.instanceJ|.replicaJ].PID.xml: the runtime's names (group.c,
 * launch.c).  Anything else names no FMP. */
static int name_fmp(struct fr_vg_report *r, const char *name)
{
    const char *base = strrchr(name, '/'), *colon = strrchr(name, ':'), *dot1, *pid;
    size_t len;

    /* "ARCHIVE:member" names an archive's member, which may lack a '/' */
    if (colon && (!base || colon > base))
        base = colon;
    base = base ? base + 1 : name;
    len = strlen(base);
    if (len < 7 || strcmp(base + len - 4, ".xml") != 0)
        return 0;
    pid = base + len - 4;
    while (pid > base && pid[-1] >= '0' && pid[-1] <= '9')
        pid--;
    if (pid == base + len - 4 || pid == base || pid[-1] != '.')
        return 0;
    dot1 = strchr(base, '.');
    if (dot1 == base)
        return 0;
    if (!(r->fmp = talloc_strndup(r, base, (size_t)(dot1 - base))))
        return -ENOMEM;
    if (dot1 + 1 < pid - 1 && !(r->member = talloc_strndup(r, dot1 + 1,
                                                           (size_t)(pid - 1 - dot1 - 1))))
        return -ENOMEM;
    return 0;
}

static int refuse(struct fr_perr *e, const char *name, const struct xerr *x, const char *what,
                  const char *hint)
{
    if (x && x->set)
        return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE, hint, "%s:%d:%d: %s: %s", name,
                            x->line, x->col, what, x->msg);
    return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE, hint, "%s: %s", name, what);
}

static int top_element(struct fr_vg_report *r, xmlNodePtr n, struct xerr *x, struct fr_perr *e)
{
    if (is(n, "protocolversion")) {
        int64_t v = number_of(n, -1);
        if (v != 4) {
            x->set = true;
            x->line = n->line;
            x->col = 1;
            snprintf(x->msg, sizeof x->msg, "protocol version %lld", (long long)v);
            return refuse(e, r->name, x, "a Valgrind XML protocol this reader does not know",
                          "fracture report reads protocol 4 (Valgrind 3.5 and later)");
        }
    } else if (is(n, "protocoltool")) {
        char *t = text_of(r, n);
        if (!t)
            return -ENOMEM;
        if (strcmp(t, "memcheck") != 0 && strcmp(t, "helgrind") != 0) {
            return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE,
                                "fracture report reads memcheck's and helgrind's reports: "
                                "leave this file out, or run that FMP under one of them",
                                "%s:%d: a report of Valgrind's tool '%.60s', not memcheck's "
                                "or helgrind's", r->name, n->line, t);
        }
        r->tool = t;
    } else if (is(n, "pid")) {
        r->pid = (long)number_of(n, 0);
    } else if (is(n, "usercomment")) {
        return read_comment(r, n);
    } else if (is(n, "error")) {
        return add_error(r, n);
    } else if (is(n, "errorcounts")) {
        apply_counts(r, n);
    }
    return 0;
}

/* One pass of the reader over @len bytes of @data into @r: 1 the document
 * was read whole, 0 it failed (the reason in @x: at its end, or not), or
 * a negative errno already said in @e (not Valgrind's, another tool, out
 * of memory). */
static int parse(struct fr_vg_report *r, const char *data, size_t len, struct xerr *x,
                 struct fr_perr *e)
{
    xmlTextReaderPtr rd;
    bool root = false;
    int rc = 0, st;

    rd = xmlReaderForMemory(data, (int)len, r->name, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!rd)
        return fr__perr_oom(e);
    xmlTextReaderSetStructuredErrorHandler(rd, on_error, x);
    st = xmlTextReaderRead(rd);
    while (st == 1) {
        int type = xmlTextReaderNodeType(rd), depth = xmlTextReaderDepth(rd);
        xmlNodePtr n;

        if (type != XML_READER_TYPE_ELEMENT) {
            st = xmlTextReaderRead(rd);
            continue;
        }
        if (depth == 0) {
            const char *nm = (const char *)xmlTextReaderConstLocalName(rd);
            if (!nm || strcmp(nm, "valgrindoutput") != 0) {
                x->set = true;
                xmlNodePtr cur = xmlTextReaderCurrentNode(rd);
                x->line = cur ? cur->line : xmlTextReaderGetParserLineNumber(rd);
                x->col = 1;
                snprintf(x->msg, sizeof x->msg, "its root element is <%.60s>", nm ? nm : "?");
                rc = refuse(e, r->name, x, "not a Valgrind XML report",
                            "give the reports dir Valgrind wrote with --xml=yes "
                            "(an FMP under env: {valgrind: ...}), or leave this file out");
                goto out;
            }
            root = true;
            st = xmlTextReaderRead(rd);
            continue;
        }
        if (!(n = xmlTextReaderExpand(rd))) {
            st = -1;
            break;
        }
        if ((rc = top_element(r, n, x, e)) < 0)
            goto out;
        st = xmlTextReaderNext(rd);
    }
    if (st < 0 && !x->set) {
        x->set = true;
        snprintf(x->msg, sizeof x->msg, "malformed XML");
    }
    (void)root;   /* a failure before the root came through: the caller tells why */
    rc = st == 0;
out:
    xmlFreeTextReader(rd);
    return rc;
}

/*
 * A report cut short, made whole again for a second pass: up to the end
 * of the last line that closes a top-level element ("</error>" and the
 * like, which Valgrind writes at the start of a line), then the root's
 * closing tag.  What follows that line is an element the process did not
 * live to finish.  Under @ctx; NULL out of memory.
 */
static char *mended(void *ctx, const char *data, size_t len, size_t *mlen)
{
    static const char close[] = "</valgrindoutput>\n";
    size_t cut = 0;
    char *m;

    *mlen = 1;    /* NULL with *mlen 0: there is no <valgrindoutput> to mend */
    for (size_t i = 0; i + 2 < len; i++)
        if ((i == 0 || data[i - 1] == '\n') && data[i] == '<' && data[i + 1] == '/') {
            const char *nl = memchr(data + i, '\n', len - i);
            if (nl)
                cut = (size_t)(nl - data) + 1;
        }
    if (!cut) {
        /* not even the preamble was finished: keep up to the root's start */
        const char *root = memmem(data, len, "<valgrindoutput>", strlen("<valgrindoutput>"));
        if (!root) {
            *mlen = 0;
            return NULL;
        }
        cut = (size_t)(root - data) + strlen("<valgrindoutput>");
        m = talloc_size(ctx, cut + sizeof "\n" + sizeof close);
        if (!m)
            return NULL;
        memcpy(m, data, cut);
        memcpy(m + cut, "\n", 1);
        memcpy(m + cut + 1, close, sizeof close);
        *mlen = cut + 1 + sizeof close - 1;
        return m;
    }
    m = talloc_size(ctx, cut + sizeof close);
    if (!m)
        return NULL;
    memcpy(m, data, cut);
    memcpy(m + cut, close, sizeof close);
    *mlen = cut + sizeof close - 1;
    return m;
}

/* A fresh report named @name (the FMP from the name), under @ctx. */
static struct fr_vg_report *new_report(void *ctx, const char *name)
{
    struct fr_vg_report *r = talloc_zero(ctx, struct fr_vg_report);

    if (!r || !(r->name = talloc_strdup(r, name)) || name_fmp(r, name) < 0) {
        talloc_free(r);
        return NULL;
    }
    return r;
}

int fr__vgxml_read(void *ctx, const char *name, const char *data, size_t len,
                   struct fr_vg_report **out, struct fr_perr *e)
{
    struct fr_vg_report *r = new_report(ctx, name), *again;
    struct xerr x = { 0 }, x2 = { 0 };
    size_t blank = 0, mlen = 0;
    char *m;
    int rc;

    *out = NULL;
    if (!r)
        return fr__perr_oom(e);
    while (blank < len && (data[blank] == ' ' || data[blank] == '\n' || data[blank] == '\t'))
        blank++;
    if (blank == len) {
        /* Valgrind writes its header at once: nothing at all means the
         * process died before that, which is a cut, not a broken file. */
        r->truncated = true;
        *out = r;
        return 0;
    }
    if (len > INT_MAX / 2) {
        talloc_free(r);
        return fr__perr_set(e, -EFBIG, FR_PERR_FAILURE, NULL, "%s: larger than 1 GiB", name);
    }
    if ((rc = parse(r, data, len, &x, e)) != 0) {
        if (rc < 0)
            talloc_free(r);
        else
            *out = r;
        return rc < 0 ? rc : 0;
    }
    if (!memmem(data, len, "<valgrindoutput", strlen("<valgrindoutput"))) {
        talloc_free(r);
        return refuse(e, name, &x, "not a Valgrind XML report",
                      "give the reports dir Valgrind wrote with --xml=yes (an FMP under env: "
                      "{valgrind: ...}), or leave this file out");
    }
    talloc_free(r);
    /* Valgrind that panics (its allocator asserts on a heap the program
     * overran) closes the document and then writes its threads' stacks
     * after it: up to the close the report is whole, but for the end of
     * the run (no leak check), so it counts as cut short. */
    if ((m = memmem(data, len, "</valgrindoutput>", strlen("</valgrindoutput>"))) != NULL) {
        size_t upto = (size_t)(m - data) + strlen("</valgrindoutput>");
        if (!(again = new_report(ctx, name)))
            return fr__perr_oom(e);
        rc = parse(again, data, upto, &x2, e);
        if (rc < 0) {
            talloc_free(again);
            return rc;
        }
        if (rc > 0) {
            again->truncated = true;
            *out = again;
            return 0;
        }
        talloc_free(again);
        x2 = (struct xerr){ 0 };
    }
    /* A process that died mid-report, or a file broken somewhere: mended
     * at its last complete top-level element, the first reads whole and
     * the second still fails where it failed (before that element). */
    if (!(again = new_report(ctx, name)))
        return fr__perr_oom(e);
    if (!(m = mended(again, data, len, &mlen))) {
        talloc_free(again);
        if (mlen == 0)
            return refuse(e, name, &x, "not a Valgrind XML report",
                          "give the reports dir Valgrind wrote with --xml=yes, or leave this "
                          "file out");
        return fr__perr_oom(e);
    }
    rc = parse(again, m, mlen, &x2, e);
    talloc_free(m);
    if (rc <= 0) {
        talloc_free(again);
        return rc < 0 ? rc : refuse(e, name, &x, "broken XML before its end (not a cut-short "
                                    "report)", "the file was damaged after Valgrind wrote it: "
                                    "leave it out, or take it again from the deployment");
    }
    again->truncated = true;
    *out = again;
    return 0;
}
