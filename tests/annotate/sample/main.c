/*
 * main.c - module "main" of the sample app (no FRACTURE_MODULE: the root
 * FMP's module, which holds main()).  Eight threads call every other module
 * at once; each writes what it got into its own buffer, printed in thread
 * order after all have joined, so that the output is the same in every
 * deployment and in the plain build.
 *
 * The sample exists to exercise every annotation and inference rule of
 * DESIGN.md across modules; tests/annotate/sample/CMakeLists.txt builds it
 * plain and fractured and compares the two.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "geom.h"
#include "store.h"
#include "text.h"

#define NTHREADS 8

struct worker {
    pthread_t tid;
    int id;
    int events_seen;
    long squares_sum;
    size_t windows;
    size_t len;
    char out[4096];
};

static void say(struct worker *w, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (w->len >= sizeof w->out)
        return;
    va_start(ap, fmt);
    n = vsnprintf(w->out + w->len, sizeof w->out - w->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        w->len += (size_t)n < sizeof w->out - w->len ? (size_t)n : sizeof w->out - w->len;
}

/* Kept by module events and called later, from events_fire: in a split
 * deployment it runs here, in main's FMP, on the thread that fired. */
static int on_event(FR_OPAQUE void *ctx, int code)
{
    struct worker *w = ctx;
    w->events_seen++;
    return code * 10 + w->id;
}

static void on_squares(FR_IN(count) const int *vals, size_t count, FR_OPAQUE void *ctx)
{
    struct worker *w = ctx;
    for (size_t i = 0; i < count; i++)
        w->squares_sum += vals[i];
    w->windows++;
}

static void do_geom(struct worker *w)
{
    int t = w->id;
    struct vec a = { t, 1 }, b = { 2, t - 3 }, pts[6], moved[6], d = { 0.5, -1 };

    say(w, "  dot %.3f\n", geom_dot(a, b));
    struct vec s = geom_scale(a, 1.5);
    say(w, "  scaled (%.3f, %.3f)\n", s.x, s.y);
    for (int i = 0; i < 6; i++) {
        pts[i].x = (t * 7 + i * 5) % 11;
        pts[i].y = (i * 3 + t) % 7;
    }
    say(w, "  %s of %d points, perimeter %.3f\n", text_shape_name(geom_classify((size_t)t % 4)),
        t % 4, geom_perimeter(pts, 6));
    geom_translate(pts, 6, d, moved);
    say(w, "  moved[5] (%.3f, %.3f)\n", moved[5].x, moved[5].y);
    geom_sort_x(pts + 2, 2, 6);
    say(w, "  sorted x:");
    for (int i = 0; i < 6; i++)
        say(w, " %.0f", pts[i].x);
    struct vec c = geom_centroid(pts, 6);
    say(w, "\n  centroid (%.3f, %.3f), hash %08x\n", c.x, c.y, (unsigned)geom_hash(pts, 6));
    geom_normalize(&a);
    say(w, "  unit (%.3f, %.3f), length %.3f\n", a.x, a.y, geom_length(&b));
    double xs[3] = { t, t * 2.0, 1.0 };
    say(w, "  mean %.3f\n", stats_mean(xs, 3));
}

static void do_text(struct worker *w)
{
    static const char *const phrases[NTHREADS] = {
        "split one program", "into modules", "composed into processes", "as a file says",
        "without touching", "the source again", "copy by value result", "over shared memory",
    };
    const char *phrase = phrases[w->id];
    char mutable[64], buf[32], back[64];

    snprintf(mutable, sizeof mutable, "%s", phrase);
    say(w, "  '%s': %zu vowels, %zu spaces\n", phrase, text_count_vowels(phrase),
        text_count_char(mutable, ' '));
    char *up = text_upper(phrase);
    say(w, "  upper '%s'\n", up ? up : "(null)");
    free(up);
    snprintf(buf, sizeof buf, "%s", phrase);
    text_reverse(buf, sizeof buf);
    say(w, "  reversed '%s'\n", buf);
    const int *primes = text_primes((size_t)w->id + 1);
    int psum = 0;
    for (int i = 0; primes && i <= w->id; i++)
        psum += primes[i];
    say(w, "  sum of %d primes %d\n", w->id + 1, psum);
    size_t *lens = text_word_lengths(phrase, 3);
    if (lens)
        say(w, "  word lengths %zu %zu %zu\n", lens[0], lens[1], lens[2]);
    free(lens);

    int fd = textfd_render(phrase);
    long size = textfd_append(fd, "!");
    ssize_t n = size > 0 && (size_t)size < sizeof back ? pread(fd, back, (size_t)size, 0) : -1;
    back[n > 0 ? n : 0] = '\0';
    say(w, "  file of %ld bytes: '%s'\n", size, back);
    if (fd >= 0)
        close(fd);
    /* no descriptor (-1: the one just closed may be another thread's by
     * now): the call fails with the function's FR_ON_FAILURE value, as the
     * plain function fails */
    say(w, "  no file: %ld\n", textfd_append(-1, "!"));
}

static void do_store(struct worker *w)
{
    char name[16], keys[4][8];
    struct entry entries[4];
    struct batch b = { 0 };
    int v = -1;

    snprintf(name, sizeof name, "store%d", w->id);
    struct store *s = store_open(name);
    if (!s) {
        say(w, "  store_open failed\n");
        return;
    }
    for (int i = 0; i < 4; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        entries[i].key = keys[i];
        entries[i].value = w->id * 100 + i;
    }
    b.n = (size_t)(w->id % 4) + 1;
    b.entries = entries;
    b.label = name;
    b.owner = s;
    say(w, "  batch added %d", store_put_batch(s, &b));
    b.owner = NULL;
    say(w, ", misdirected batch %d", store_put_batch(s, &b));
    int found = store_get(s, "k0", &v);
    say(w, ", k0 %d (%d)", v, found);
    v = -1;
    found = store_get(s, "k3", &v);
    say(w, ", k3 %d (%d)\n", v, found);
    say(w, "  name %s\n", store_name(s));
    char *desc = store_describe(s);
    say(w, "  %s\n", desc ? desc : "(null)");
    free(desc);
    void *cur = store_cursor(s);
    say(w, "  values:");
    while (cur && store_cursor_next(cur, &v))
        say(w, " %d", v);
    say(w, "\n");
    store_cursor_free(cur);
    store_close(s);
}

static void do_events(struct worker *w)
{
    if (events_subscribe(w->id, on_event, w) != 0) {
        say(w, "  subscribe failed\n");
        return;
    }
    int sum = events_fire(w->id, 4);
    events_unsubscribe(w->id);
    say(w, "  events: sum %d, seen %d, after unsubscribe %d\n", sum, w->events_seen,
        events_fire(w->id, 1));
    events_each_square(w->id + 3, 3, on_squares, w);
    say(w, "  squares: %zu windows, sum %ld\n", w->windows, w->squares_sum);
}

static void *work(void *arg)
{
    struct worker *w = arg;

    do_geom(w);
    do_text(w);
    do_store(w);
    do_events(w);
    return NULL;
}

int main(void)
{
    static struct worker workers[NTHREADS];

    geom_init(3);
    for (int i = 0; i < NTHREADS; i++) {
        workers[i].id = i;
        if (pthread_create(&workers[i].tid, NULL, work, &workers[i]) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(workers[i].tid, NULL);
    for (int i = 0; i < NTHREADS; i++)
        printf("thread %d\n%s", i, workers[i].out);
    return 0;
}
