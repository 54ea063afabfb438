/*
 * test_trace_read.c - unit tests of the trace reader
 * (partition/trace_read.c): a trace read whole, traces of one build added
 * up, and every refusal with its exact message.
 *
 * bad/NAME.json each come with NAME.expect: exactly what `fracture
 * partition` prints for it on stderr.  To add a case, write the .json, run
 * with FR_WRITE_EXPECT=1 (which writes every .expect from what the cases
 * print) and review the diff.
 *
 * Usage: test_trace_read DIR (tests/partition); the test chdir()s there, so
 * that messages name the files as bad/NAME.json wherever the tree is.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <talloc.h>

#include "lib/slurp.h"
#include "trace_read.h"

/* A new sum holding traces/web.json, under @ctx; @e ready for more. */
static struct fr_trace *web(void *ctx, struct fr_perr *e)
{
    struct fr_trace *t = fr__trace_new(ctx);

    fr__perr_init(e, ctx);
    assert_int_equal(fr__trace_add_file(t, "traces/web.json", e), 0);
    return t;
}

static void one(void **state)
{
    (void)state;
    void *ctx = talloc_new(NULL);
    struct fr_perr e;
    struct fr_trace *t = web(ctx, &e);

    assert_string_equal(t->app_name, "web");
    assert_string_equal(t->app_id, "9f2c4e1a7b3d5f60");
    assert_int_equal(t->runs, 1);
    assert_int_equal(t->wall_ns, 2034518211);
    assert_int_equal(t->nmodules, 5);
    assert_int_equal(t->main_index, 0);
    assert_string_equal(t->modules[1].name, "files");
    assert_int_equal(t->modules[1].caps,
                     FR_CAP_RESTARTABLE | FR_CAP_REPLICABLE | FR_CAP_SAMPLABLE);
    assert_int_equal(t->modules[3].caps, FR_CAP_RESTARTABLE);
    assert_int_equal(t->modules[4].caps, 0);
    assert_int_equal(t->nedges, 5);
    assert_int_equal(t->edges[4].from, 3);
    assert_int_equal(t->edges[4].to, 0);
    assert_true(t->edges[4].callback);
    assert_string_equal(t->edges[4].function, "conn_write");
    assert_int_equal(t->edges[0].fds, 100000);
    talloc_free(ctx);
}

/* Two runs add up; an edge only the second saw joins; a trace of another
 * build, or one that moves a function to another module, is refused and
 * leaves the sum as it was. */
static void add_up(void **state)
{
    (void)state;
    void *ctx = talloc_new(NULL);
    struct fr_perr e;
    struct fr_trace *t = web(ctx, &e);

    assert_int_equal(fr__trace_add_file(t, "traces/web-2.json", &e), 0);
    assert_int_equal(t->nfiles, 2);
    assert_int_equal(t->runs, 2);
    assert_int_equal(t->wall_ns, 2034518211LL + 1965481789LL);
    assert_int_equal(t->modules[0].cpu_ns, 180000000);
    assert_int_equal(t->nedges, 6);
    assert_int_equal(t->edges[1].calls, 150000);
    assert_int_equal(t->edges[1].bytes_out, 2400000);
    assert_int_equal(t->edges[5].from, 2);     /* mime -> main, the second run's */
    assert_int_equal(t->edges[5].calls, 7);

    assert_int_equal(fr__trace_add_file(t, "traces/web-other-build.json", &e), -EINVAL);
    assert_string_equal(e.msg, "traces/web-other-build.json: app.id: "
                        "traces/web-other-build.json is a trace of app 'web' (id "
                        "0000000000000001), but traces/web.json is of app 'web' (id "
                        "9f2c4e1a7b3d5f60): traces add up only for the same build of the "
                        "same app");
    assert_int_equal(t->nfiles, 2);
    assert_int_equal(t->runs, 2);
    assert_int_equal(t->edges[1].calls, 150000);

    /* consistent alone, but its mime_type is in another module than the
     * sum's: refused naming the edge, and nothing added */
    fr__perr_init(&e, ctx);
    assert_int_equal(fr__trace_add_file(t, "traces/web-moved.json", &e), -EINVAL);
    assert_string_equal(e.msg, "traces/web-moved.json: edges[1].to: function 'mime_type' is "
                        "in module 'respond' here but in 'mime' in the traces read before");
    assert_int_equal(t->nfiles, 2);
    assert_int_equal(t->runs, 2);
    assert_int_equal(t->nedges, 6);
    assert_int_equal(t->edges[1].calls, 150000);
    talloc_free(ctx);
}

/* A sum past 2^63-1 is refused and changes nothing. */
static void overflow(void **state)
{
    (void)state;
    static const char big[] =
        "{\"format\": \"fracture-trace\", \"version\": 1, \"app\": {\"name\": \"x\", \"id\": "
        "\"00000000000000aa\"}, \"runs\": 1, \"wall_ns\": 5, \"modules\": [{\"name\": "
        "\"main\", \"caps\": [], \"cpu_ns\": 1}, {\"name\": \"a\", \"caps\": [], \"cpu_ns\": "
        "1}], \"edges\": [{\"from\": \"main\", \"to\": \"a\", \"function\": \"f\", "
        "\"callback\": false, \"calls\": 9223372036854775000, \"bytes_in\": 0, "
        "\"bytes_out\": 0, \"fds\": 0}]}";
    void *ctx = talloc_new(NULL);
    struct fr_trace *t = fr__trace_new(ctx);
    struct fr_perr e;

    fr__perr_init(&e, ctx);
    assert_int_equal(fr__trace_add_text(t, "a.json", big, strlen(big), &e), 0);
    assert_int_equal(fr__trace_add_text(t, "b.json", big, strlen(big), &e), -EINVAL);
    assert_string_equal(e.msg, "b.json: edges[0].calls: the sum over the traces exceeds "
                        "2^63-1");
    assert_int_equal(t->runs, 1);
    assert_int_equal(t->wall_ns, 5);
    assert_int_equal(t->modules[1].cpu_ns, 1);
    talloc_free(ctx);
}

/* What the CLI prints for a failure. */
static char *printed(void *ctx, const struct fr_perr *e)
{
    return talloc_asprintf(ctx, "fracture: error: %s\n%s%s%s", e->msg, e->hint ? "  hint: " : "",
                           e->hint ? e->hint : "", e->hint ? "\n" : "");
}

static void bad_corpus(void **state)
{
    (void)state;
    DIR *d = opendir("bad");
    struct dirent *de;
    int cases = 0, failed = 0;
    bool write = getenv("FR_WRITE_EXPECT") != NULL;

    assert_non_null(d);
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        void *ctx = talloc_new(NULL);
        char *json = talloc_asprintf(ctx, "bad/%s", de->d_name);
        char *expect = talloc_asprintf(ctx, "bad/%.*s.expect", (int)(len - 5), de->d_name);
        struct fr_trace *t = fr__trace_new(ctx);
        struct fr_perr e;
        size_t elen;

        fr__perr_init(&e, ctx);
        cases++;
        if (fr__trace_add_file(t, json, &e) == 0) {
            fprintf(stderr, "%s: accepted\n", json);
            failed++;
        } else if (write) {
            FILE *f = fopen(expect, "w");
            fputs(printed(ctx, &e), f);
            fclose(f);
        } else {
            char *want = fr__slurp_file(ctx, expect, FR_SLURP_ALL, &elen), *got = printed(ctx, &e);
            if (!want || strcmp(want, got) != 0) {
                fprintf(stderr, "%s: printed\n%s--- expected (%s)\n%s", json, got, expect,
                        want ? want : "(missing)\n");
                failed++;
            }
            /* a refused trace adds nothing */
            assert_int_equal(t->nfiles, 0);
        }
        talloc_free(ctx);
    }
    closedir(d);
    assert_true(cases >= 20);
    assert_int_equal(failed, 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one),
        cmocka_unit_test(add_up),
        cmocka_unit_test(overflow),
        cmocka_unit_test(bad_corpus),
    };

    if (argc != 2 || chdir(argv[1]) != 0) {
        fprintf(stderr, "usage: test_trace_read DIR\n");
        return 2;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
