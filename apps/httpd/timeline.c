/*
 * timeline.c - a profile (`profile:`, README "Profiler") drawn as an SVG
 * timeline: one lane per thread that ran a span in the window, grouped by
 * process (its process_name, then its thread_name), each span a box (a
 * call, the caller's stub, in blue; a serve, the callee's dispatch, in
 * orange) stacked under the spans it nests in, and each flow an arrow
 * from a call to its serve.  Used for the picture of an apps/httpd
 * request in the README (profile.sh).
 *
 *   profile-timeline PROFILE.json [FROM_US TO_US] > timeline.svg
 *
 * Without a window, the whole file.  Exit 0, 1 on a file it cannot read
 * as a profile, 2 on bad usage.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 1100.0          /* of the drawing, px */
#define LABEL 190.0           /* the lanes' names, left of it */
#define BOX 15.0              /* one nesting level's height */
#define GAP 8.0               /* between lanes */
#define TOP 34.0

struct span {
    const char *name, *cat;
    long long pid, tid;
    double ts, dur;
    int level;                /* nesting on its lane */
    int lane;
};

struct lane {
    long long pid, tid;
    const char *pname, *tname;
    long long sort;
    int levels;
    double y;
};

static json_t *evs;

static const char *meta(const char *what, long long pid, long long tid)
{
    size_t i;
    json_t *e;

    json_array_foreach(evs, i, e) {
        const char *ph = json_string_value(json_object_get(e, "ph"));
        const char *name = json_string_value(json_object_get(e, "name"));
        if (!ph || !name || strcmp(ph, "M") != 0 || strcmp(name, what) != 0 ||
            json_integer_value(json_object_get(e, "pid")) != pid ||
            (tid >= 0 && json_integer_value(json_object_get(e, "tid")) != tid))
            continue;
        return json_string_value(json_object_get(json_object_get(e, "args"), "name"));
    }
    return NULL;
}

static long long sort_index(long long pid)
{
    size_t i;
    json_t *e;

    json_array_foreach(evs, i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        if (name && strcmp(name, "process_sort_index") == 0 &&
            json_integer_value(json_object_get(e, "pid")) == pid)
            return json_integer_value(json_object_get(json_object_get(e, "args"), "sort_index"));
    }
    return pid;
}

static int by_lane_then_ts(const void *a, const void *b)
{
    const struct span *x = a, *y = b;

    if (x->lane != y->lane)
        return x->lane - y->lane;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->dur > y->dur ? -1 : x->dur < y->dur;   /* the outer one first */
}

static int by_sort(const void *a, const void *b)
{
    const struct lane *x = a, *y = b;

    if (x->sort != y->sort)
        return x->sort < y->sort ? -1 : 1;
    return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static void text(const char *s)
{
    for (; *s; s++)
        if (*s == '<')
            fputs("&lt;", stdout);
        else if (*s == '&')
            fputs("&amp;", stdout);
        else
            putchar(*s);
}

int main(int argc, char **argv)
{
    json_error_t err;
    json_t *root, *e;
    struct span *sp;
    struct lane *ln;
    size_t n = 0, nl = 0, i;
    double from = -INFINITY, to = INFINITY, t0 = INFINITY, t1 = -INFINITY, y;

    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: profile-timeline PROFILE.json [FROM_US TO_US] > out.svg\n");
        return 2;
    }
    if (argc == 4) {
        from = strtod(argv[2], NULL);
        to = strtod(argv[3], NULL);
    }
    root = json_load_file(argv[1], 0, &err);
    evs = root ? json_object_get(root, "traceEvents") : NULL;
    if (!json_is_array(evs)) {
        fprintf(stderr, "profile-timeline: %s: not a trace-event file: %s\n", argv[1],
                root ? "no traceEvents" : err.text);
        return 1;
    }
    sp = calloc(json_array_size(evs) + 1, sizeof *sp);
    ln = calloc(json_array_size(evs) + 1, sizeof *ln);
    if (!sp || !ln)
        return 1;
    json_array_foreach(evs, i, e) {
        const char *ph = json_string_value(json_object_get(e, "ph"));
        struct span s;
        size_t l;
        if (!ph || strcmp(ph, "X") != 0)
            continue;
        s = (struct span){ json_string_value(json_object_get(e, "name")),
                           json_string_value(json_object_get(e, "cat")),
                           json_integer_value(json_object_get(e, "pid")),
                           json_integer_value(json_object_get(e, "tid")),
                           json_number_value(json_object_get(e, "ts")),
                           json_number_value(json_object_get(e, "dur")), 0, 0 };
        if (!s.name || !s.cat || s.ts < from || s.ts + s.dur > to)
            continue;
        for (l = 0; l < nl && (ln[l].pid != s.pid || ln[l].tid != s.tid); l++)
            ;
        if (l == nl) {
            const char *pn = meta("process_name", s.pid, -1), *tn = meta("thread_name", s.pid, s.tid);
            ln[nl++] = (struct lane){ s.pid, s.tid, pn ? pn : "?", tn ? tn : "?", sort_index(s.pid),
                                      1, 0 };
        }
        s.lane = (int)l;
        sp[n++] = s;
        t0 = fmin(t0, s.ts);
        t1 = fmax(t1, s.ts + s.dur);
    }
    if (n == 0) {
        fprintf(stderr, "profile-timeline: %s: no span in the window\n", argv[1]);
        return 1;
    }
    /* lanes in process order; the spans' lane numbers follow */
    struct lane *sorted = calloc(nl, sizeof *sorted);
    int *rank = calloc(nl, sizeof *rank);
    if (!sorted || !rank)
        return 1;
    memcpy(sorted, ln, nl * sizeof *ln);
    qsort(sorted, nl, sizeof *sorted, by_sort);
    for (size_t a = 0; a < nl; a++)
        for (size_t b = 0; b < nl; b++)
            if (ln[a].pid == sorted[b].pid && ln[a].tid == sorted[b].tid)
                rank[a] = (int)b;
    for (i = 0; i < n; i++)
        sp[i].lane = rank[sp[i].lane];
    /* nesting on each lane: a stack of the open spans' ends */
    qsort(sp, n, sizeof *sp, by_lane_then_ts);
    double stack[64];
    int depth = 0, cur = -1;
    for (i = 0; i < n; i++) {
        if (sp[i].lane != cur) {
            cur = sp[i].lane;
            depth = 0;
        }
        while (depth > 0 && stack[depth - 1] <= sp[i].ts + 1e-4)
            depth--;
        sp[i].level = depth;
        if (depth < 64)
            stack[depth++] = sp[i].ts + sp[i].dur;
        if (sorted[cur].levels < depth)
            sorted[cur].levels = depth;
    }
    y = TOP;
    for (size_t l = 0; l < nl; l++) {
        sorted[l].y = y;
        y += sorted[l].levels * BOX + GAP;
    }
    double scale = (WIDTH - LABEL - 20) / (t1 - t0 > 0 ? t1 - t0 : 1);
#define X(t) (LABEL + ((t) - t0) * scale)

    printf("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
           "font-family=\"sans-serif\" font-size=\"10\">\n", WIDTH, y + 24);
    printf("<defs><marker id=\"a\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" "
           "markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444\"/>"
           "</marker></defs>\n");
    printf("<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    printf("<text x=\"%.0f\" y=\"16\" font-size=\"12\">%.1f us; blue: the caller's stub "
           "(call), orange: the callee's dispatch (serve), arrows: flows</text>\n", LABEL,
           t1 - t0);
    /* lanes, named, shaded by process */
    for (size_t l = 0; l < nl; l++) {
        int first = l == 0 || sorted[l].pid != sorted[l - 1].pid;   /* of its process */
        printf("<rect x=\"0\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"%s\"/>\n",
               sorted[l].y - GAP / 2, WIDTH, sorted[l].levels * BOX + GAP,
               (sorted[l].sort / 1000) % 2 ? "#f4f4f4" : "#e8eef4");
        printf("<text x=\"4\" y=\"%.1f\">", sorted[l].y + 11);
        if (first) {
            printf("<tspan font-weight=\"bold\">");
            text(sorted[l].pname);
            printf("</tspan> ");
        }
        text(sorted[l].tname);
        printf("</text>\n");
    }
    /* time ticks */
    double step = pow(10, floor(log10(t1 - t0 > 0 ? t1 - t0 : 1))) / 2;
    for (double t = 0; t <= t1 - t0; t += step) {
        printf("<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#ccc\"/>\n",
               X(t0 + t), TOP - 10, X(t0 + t), y);
        printf("<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" fill=\"#666\">%g us</text>\n",
               X(t0 + t), y + 14, t);
    }
    for (i = 0; i < n; i++) {
        const struct span *s = &sp[i];
        double bx = X(s->ts), bw = fmax(s->dur * scale, 1), by = sorted[s->lane].y + s->level * BOX;
        int call = strcmp(s->cat, "call") == 0;
        printf("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
               "stroke=\"%s\"><title>", bx, by, bw, BOX - 2, call ? "#9cc3e6" : "#f6b26b",
               call ? "#3d6fa3" : "#b45f06");
        text(s->cat);
        printf(" ");
        text(s->name);
        printf(" %.3f us</title></rect>\n", s->dur);
        if (bw > 6.0 * (double)strlen(s->name))
            printf("<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", bx + 2,
                   by + 10, s->name);
    }
    /* flows: from the call's box to its serve's */
    json_array_foreach(evs, i, e) {
        const char *ph = json_string_value(json_object_get(e, "ph"));
        size_t j;
        json_t *g;
        if (!ph || strcmp(ph, "s") != 0)
            continue;
        json_int_t id = json_integer_value(json_object_get(e, "id"));
        json_array_foreach(evs, j, g) {
            const char *gph = json_string_value(json_object_get(g, "ph"));
            if (!gph || strcmp(gph, "f") != 0 || json_integer_value(json_object_get(g, "id")) != id)
                continue;
            const struct span *a = NULL, *b = NULL;
            double ta = json_number_value(json_object_get(e, "ts")),
                   tb = json_number_value(json_object_get(g, "ts"));
            for (size_t k = 0; k < n; k++) {
                if (sp[k].ts == ta && strcmp(sp[k].cat, "call") == 0 &&
                    sp[k].pid == json_integer_value(json_object_get(e, "pid")) &&
                    sp[k].tid == json_integer_value(json_object_get(e, "tid")))
                    a = &sp[k];
                if (sp[k].ts == tb && strcmp(sp[k].cat, "serve") == 0 &&
                    sp[k].pid == json_integer_value(json_object_get(g, "pid")) &&
                    sp[k].tid == json_integer_value(json_object_get(g, "tid")))
                    b = &sp[k];
            }
            if (!a || !b || (a->lane == b->lane))
                continue;     /* out of the window, or a local call on one lane */
            double ya = sorted[a->lane].y + a->level * BOX + (BOX - 2) / 2,
                   yb = sorted[b->lane].y + b->level * BOX + (b->lane > a->lane ? 0 : BOX - 2);
            printf("<line class=\"flow\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "stroke=\"#444\" stroke-width=\"0.8\" marker-end=\"url(#a)\"/>\n",
                   X(a->ts), ya, X(b->ts), yb);
        }
    }
    printf("</svg>\n");
    free(sorted);
    free(rank);
    free(sp);
    free(ln);
    json_decref(root);
    return 0;
}
