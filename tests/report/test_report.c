/*
 * test_report.c - units of `fracture report` (rt/report/): SHA-256 on the
 * standard's vectors; frame names and Fracture's frames; the normalised
 * text; the FMP from a report's name; reading real reports (the crowd
 * make_crowd.sh wrote at test time: argv[1]) whole, cut short and after
 * Valgrind's own panic; the
 * classes and their ranking over the crowd; the ranking's order on made
 * up classes; helgrind's reports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <talloc.h>

#include "classes.h"
#include "inputs.h"
#include "sha256.h"
#include "signature.h"
#include "vgxml.h"

static const char *crowd;

static void sha256_vectors(void **state)
{
    char h[65], *million = malloc(1000000);

    (void)state;
    fr__sha256_hex("", 0, h);
    assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    fr__sha256_hex("abc", 3, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* 56 bytes: the length no longer fits the first block */
    fr__sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, h);
    assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    assert_non_null(million);
    memset(million, 'a', 1000000);
    fr__sha256_hex(million, 1000000, h);
    assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
}

static void frame_names(void **state)
{
    void *ctx = talloc_new(NULL);
    struct fr_vg_frame f = { 0 };

    (void)state;
    f.fn = "parse_line.constprop.0";
    assert_string_equal(fr__sig_frame_name(ctx, &f), "parse_line");
    f.fn = "parse_line.isra.3.cold";
    assert_string_equal(fr__sig_frame_name(ctx, &f), "parse_line");
    f.fn = "__fr_user_main";
    assert_string_equal(fr__sig_frame_name(ctx, &f), "main");
    f.fn = "__fr_impl_math_sum";
    assert_string_equal(fr__sig_frame_name(ctx, &f), "math_sum");
    f.fn = "UnknownInlinedFun";
    f.file = "math.c";
    assert_string_equal(fr__sig_frame_name(ctx, &f), "inlined@math.c");
    f = (struct fr_vg_frame){ .obj = "/usr/lib/x86_64-linux-gnu/libc.so.6" };
    assert_string_equal(fr__sig_frame_name(ctx, &f), "libc.so.6+?");
    f = (struct fr_vg_frame){ 0 };
    assert_string_equal(fr__sig_frame_name(ctx, &f), "???");
    talloc_free(ctx);
}

static void fracture_frames(void **state)
{
    static const struct {
        struct fr_vg_frame f;
        bool fracture;
    } cases[] = {
        { { .fn = "fr_call_invoke" }, true },
        { { .fn = "fr__serve_logged" }, true },
        { { .fn = "__fr_stub_math_sum" }, true },
        { { .fn = "__fr_disp_math_sum" }, true },
        { { .fn = "worker_main", .obj = "/opt/lib/libfracture.so.0.1.0" }, true },
        { { .fn = "worker_main", .obj = "/app", .dir = "/src/fracture/rt/lib" }, true },
        { { .fn = "main", .file = "fracture_app.c" }, true },
        { { .fn = "__fr_user_main" }, false },
        { { .fn = "__fr_impl_math_sum" }, false },
        { { .fn = "free_list" }, false },     /* "fr" is not "fr_" */
        { { .fn = "math_sum", .obj = "/app", .dir = "/src/app/lib" }, false },
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (fr__sig_frame_is_fracture(&cases[i].f) != cases[i].fracture)
            fail_msg("case %zu (%s): expected %s", i, cases[i].f.fn,
                     cases[i].fracture ? "Fracture's" : "the program's");
    }
}

/* The module boundary: a leak in module x isolated (under its dispatcher
 * and a worker thread) and in an FMP with module y (under x's stub, y's
 * code) is one class; Fracture frames above the program's are passed over. */
static void module_boundary(void **state)
{
    static const char *const vgpre = "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so";
    struct fr_vg_frame isolated[] = {
        { .fn = "malloc", .obj = (char *)vgpre }, { .fn = "x_parse", .obj = "/app" },
        { .fn = "__fr_disp_x_parse", .obj = "/app" },
        { .fn = "worker_main", .obj = "/lib/libfracture.so.0" },
        { .fn = "start_thread", .obj = "/lib/libc.so.6" },
    };
    struct fr_vg_frame with_y[] = {
        { .fn = "malloc", .obj = (char *)vgpre }, { .fn = "x_parse", .obj = "/app" },
        { .fn = "__fr_stub_x_parse", .obj = "/app" }, { .fn = "y_load", .obj = "/app" },
        { .fn = "main", .obj = "/app" },
    };
    struct fr_vg_frame in_runtime[] = {
        { .fn = "memcpy", .obj = (char *)vgpre }, { .fn = "fr__wire_put", .obj = "/app" },
        { .fn = "fr__wire_encode", .obj = "/app" }, { .fn = "y_save", .obj = "/app" },
        { .fn = "main", .obj = "/app" },
    };
    struct fr_vg_error a = { .kind = "Leak_DefinitelyLost", .frames = isolated, .nframes = 5 };
    struct fr_vg_error b = { .kind = "Leak_DefinitelyLost", .frames = with_y, .nframes = 5 };
    struct fr_vg_error c = { .kind = "InvalidRead", .frames = in_runtime, .nframes = 5 };
    void *ctx = talloc_new(NULL);

    (void)state;
    assert_string_equal(fr__sig_of(ctx, &a), "Leak_DefinitelyLost | malloc | x_parse");
    assert_string_equal(fr__sig_of(ctx, &b), "Leak_DefinitelyLost | malloc | x_parse");
    assert_string_equal(fr__sig_of(ctx, &c), "InvalidRead | memcpy | y_save | main");
    talloc_free(ctx);
}

static void normalised_what(void **state)
{
    void *ctx = talloc_new(NULL);
    struct fr_vg_error er = { .kind = "InvalidRead" };

    (void)state;
    er.what = "Address 0x4a5b040 is 0 bytes after a block of size 16 alloc'd";
    assert_string_equal(fr__sig_what(ctx, &er), "Address 0x? is 0 bytes after a block of size "
                                                "16 alloc'd");
    er.what = "64 bytes in 1 blocks are definitely lost in loss record 3 of 9";
    assert_string_equal(fr__sig_what(ctx, &er), "64 bytes in 1 blocks are definitely lost");
    er.what = "ends in 0x";
    assert_string_equal(fr__sig_what(ctx, &er), "ends in 0x");
    er.what = NULL;
    assert_string_equal(fr__sig_what(ctx, &er), "");
    talloc_free(ctx);
}

static const char head[] =
    "<?xml version=\"1.0\"?>\n<valgrindoutput>\n<protocolversion>4</protocolversion>\n"
    "<protocoltool>memcheck</protocoltool>\n<pid>7</pid>\n";

static void names_say_the_fmp(void **state)
{
    static const struct {
        const char *name, *fmp, *member;
    } cases[] = {
        { "d/maths.instance1.123.xml", "maths", "instance1" },
        { "d/maths.replica2.9.xml", "maths", "replica2" },
        { "a.tar.gz:x/parsing.55.xml", "parsing", NULL },
        { "up/a.tar.gz:parsing.replica1.55.xml", "parsing", "replica1" },
        { "d/report.xml", NULL, NULL },
        { "d/maths.x.xml", NULL, NULL },
        { "d/.5.xml", NULL, NULL },
    };
    void *ctx = talloc_new(NULL);
    char *doc = talloc_asprintf(ctx, "%s</valgrindoutput>\n", head);

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fr_vg_report *r;
        struct fr_perr e;

        fr__perr_init(&e, ctx);
        assert_int_equal(fr__vgxml_read(ctx, cases[i].name, doc, strlen(doc), &r, &e), 0);
        if (cases[i].fmp)
            assert_string_equal(r->fmp, cases[i].fmp);
        else
            assert_null(r->fmp);
        if (cases[i].member)
            assert_string_equal(r->member, cases[i].member);
        else
            assert_null(r->member);
        assert_false(r->truncated);
        assert_int_equal(r->pid, 7);
    }
    talloc_free(ctx);
}

static void the_runtimes_comment(void **state)
{
    void *ctx = talloc_new(NULL);
    char *doc = talloc_asprintf(ctx, "%s<usercomment><fracture fmp=\"codec\" member=\"instance2\">"
                                "<module>codec</module><module>huff</module></fracture>"
                                "</usercomment>\n</valgrindoutput>\n", head);
    struct fr_vg_report *r;
    struct fr_perr e;

    (void)state;
    fr__perr_init(&e, ctx);
    assert_int_equal(fr__vgxml_read(ctx, "d/x.xml", doc, strlen(doc), &r, &e), 0);
    assert_string_equal(r->fmp, "codec");
    assert_string_equal(r->member, "instance2");
    assert_int_equal(r->nmodules, 2);
    assert_string_equal(fr__classes_module(ctx, r), "codec|huff");
    /* two comments (a hand-edited file): the second replaces the first;
     * the fuzzer found the first one's count kept over the second's array */
    doc = talloc_asprintf(ctx, "%s<usercomment><fracture fmp=\"a\"><module>m1</module>"
                          "<module>m2</module><module>m3</module></fracture></usercomment>\n"
                          "<usercomment><fracture fmp=\"b\"><module>n1</module></fracture>"
                          "</usercomment>\n</valgrindoutput>\n", head);
    fr__perr_init(&e, ctx);
    assert_int_equal(fr__vgxml_read(ctx, "d/x.xml", doc, strlen(doc), &r, &e), 0);
    assert_string_equal(r->fmp, "b");
    assert_int_equal(r->nmodules, 1);
    assert_string_equal(fr__classes_module(ctx, r), "n1");
    talloc_free(ctx);
}

/* Every bad document is refused with its exact reason, and no report. */
static void bad_documents(void **state)
{
    static const struct {
        const char *doc, *msg;
    } cases[] = {
        { "<?xml version=\"1.0\"?>\n<valgrindoutput>\n<protocolversion>3</protocolversion>\n"
          "</valgrindoutput>\n",
          "x.xml:3:1: a Valgrind XML protocol this reader does not know: protocol version 3" },
        { "<?xml version=\"1.0\"?>\n<valgrindoutput>\n<protocolversion>4</protocolversion>\n"
          "<protocoltool>massif</protocoltool>\n</valgrindoutput>\n",
          "x.xml:4: a report of Valgrind's tool 'massif', not memcheck's or helgrind's" },
        { "<?xml version=\"1.0\"?>\n<testsuite/>\n",
          "x.xml:2:1: not a Valgrind XML report: its root element is <testsuite>" },
        { "{\"not\": \"xml\"}\n", "x.xml:1:1: not a Valgrind XML report: " },
        { "<?xml version=\"1.0\"?>\n<valgrindoutput>\n<pid>1<pid>\n<x>\n</valgrindoutput>\n",
          "x.xml:5:18: broken XML before its end (not a cut-short report): Opening and ending tag mismatch" },
    };
    void *ctx = talloc_new(NULL);

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fr_vg_report *r = (void *)1;
        struct fr_perr e;

        fr__perr_init(&e, ctx);
        assert_int_equal(fr__vgxml_read(ctx, "x.xml", cases[i].doc, strlen(cases[i].doc), &r,
                                        &e), -EINVAL);
        assert_null(r);
        assert_non_null(e.msg);
        if (strncmp(e.msg, cases[i].msg, strlen(cases[i].msg)) != 0)
            fail_msg("case %zu: '%s', expected '%s...'", i, e.msg, cases[i].msg);
    }
    talloc_free(ctx);
}

struct walk {
    void *ctx;
    const char *deployment;
    struct fr_classes *c;
    struct fr_vg_report *last;
};

static int take(void *arg, const char *name, const char *data, size_t len, int64_t mtime)
{
    struct walk *w = arg;
    struct fr_perr e;

    fr__perr_init(&e, w->ctx);
    if (fr__vgxml_read(w->ctx, name, data, len, &w->last, &e) < 0)
        fail_msg("%s: %s", name, e.msg);
    return w->c ? fr__classes_add(w->c, w->deployment, w->last, mtime) : 0;
}

static struct fr_vg_report *read_one(void *ctx, const char *dep)
{
    struct walk w = { .ctx = ctx };
    char *path = talloc_asprintf(ctx, "%s/%s", crowd, dep);
    struct fr_perr e;

    fr__perr_init(&e, ctx);
    if (fr__input_walk(ctx, path, take, &w, &e) < 0)
        fail_msg("%s: %s", path, e.msg);
    return w.last;
}

static void real_reports(void **state)
{
    void *ctx = talloc_new(NULL);
    struct fr_vg_report *r = read_one(ctx, "d2");

    (void)state;
    assert_string_equal(r->tool, "memcheck");
    assert_string_equal(r->fmp, "prog");
    assert_string_equal(r->member, "instance1");
    assert_false(r->truncated);
    assert_int_equal(r->nerrors, 1);
    assert_string_equal(r->errors[0].kind, "InvalidRead");
    assert_int_equal(r->errors[0].count, 2);           /* <errorcounts> */
    assert_true(r->errors[0].nframes >= 3);
    assert_string_equal(r->errors[0].frames[0].fn, "read_past");
    assert_string_equal(r->errors[0].frames[1].fn, "fr__shim");
    assert_string_equal(r->errors[0].frames[0].file, "buggy.c");
    assert_true(r->errors[0].frames[0].line > 0);
    assert_string_equal(fr__sig_of(ctx, &r->errors[0]), "InvalidRead | read_past");

    r = read_one(ctx, "d1");
    assert_string_equal(r->fmp, "prog");
    assert_null(r->member);
    assert_int_equal(r->nerrors, 1);
    assert_string_equal(r->errors[0].kind, "Leak_DefinitelyLost");
    assert_int_equal(r->errors[0].bytes, 64);
    assert_int_equal(r->errors[0].count, 1);
    assert_string_equal(fr__sig_of(ctx, &r->errors[0]), "Leak_DefinitelyLost | malloc | leak_one");
    talloc_free(ctx);
}

static void killed_report(void **state)
{
    void *ctx = talloc_new(NULL);
    struct fr_vg_report *r = read_one(ctx, "d6");

    (void)state;
    assert_true(r->truncated);
    assert_int_equal(r->nerrors, 1);
    assert_string_equal(r->errors[0].kind, "InvalidRead");
    assert_int_equal(r->errors[0].count, 1);           /* no <errorcounts> yet */
    talloc_free(ctx);
}

struct whole {
    void *ctx;
    char *data;
    size_t len;
};

static int keep(void *arg, const char *name, const char *data, size_t len, int64_t mtime)
{
    struct whole *w = arg;

    (void)name;
    (void)mtime;
    w->data = talloc_memdup(w->ctx, data, len + 1);
    w->len = len;
    return 0;
}

/* A whole report cut at every 7th byte past its root's start tag: never
 * refused, never more errors than the whole, and each error it keeps is
 * the whole report's. */
static void cut_anywhere(void **state)
{
    void *ctx = talloc_new(NULL);
    struct whole w = { .ctx = ctx };
    char *path = talloc_asprintf(ctx, "%s/d5", crowd);
    struct fr_vg_report *full = read_one(ctx, "d5");
    const char *root, *end;
    struct fr_perr e;

    (void)state;
    fr__perr_init(&e, ctx);
    assert_int_equal(fr__input_walk(ctx, path, keep, &w, &e), 0);
    assert_non_null(w.data);
    assert_int_equal(full->nerrors, 2);
    root = strstr(w.data, "<valgrindoutput>");
    end = strstr(w.data, "</valgrindoutput>");
    assert_non_null(root);
    assert_non_null(end);
    for (size_t n = (size_t)(root - w.data) + 16; n < w.len; n += 7) {
        struct fr_vg_report *r;

        fr__perr_init(&e, ctx);
        if (fr__vgxml_read(ctx, "d5/prog.1.xml", w.data, n, &r, &e) < 0)
            fail_msg("cut at %zu of %zu: refused: %s", n, w.len, e.msg);
        assert_true(r->truncated || n >= (size_t)(end - w.data) + 17);
        assert_true(r->nerrors <= full->nerrors);
        for (size_t i = 0; i < r->nerrors; i++)
            assert_string_equal(r->errors[i].kind, full->errors[i].kind);
        talloc_free(r);
    }
    talloc_free(ctx);
}

/* Valgrind that panics (its allocator asserting on a heap the program
 * overran, as apps/chat's overflows do under the crowd) closes the
 * document and then writes its threads' stacks after the close: read as
 * whole up to the close, and counted as cut short. */
static void panicked_report(void **state)
{
    void *ctx = talloc_new(NULL);
    struct whole w = { .ctx = ctx };
    char *path = talloc_asprintf(ctx, "%s/d5", crowd), *doc;
    struct fr_vg_report *full = read_one(ctx, "d5"), *r;
    struct fr_perr e;

    (void)state;
    fr__perr_init(&e, ctx);
    assert_int_equal(fr__input_walk(ctx, path, keep, &w, &e), 0);
    doc = talloc_asprintf(ctx, "%s  <stack>\n    <frame>\n      <ip>0x4A09AE7</ip>\n"
                          "      <fn>recvmsg</fn>\n    </frame>\n  </stack>\n  <stack>\n", w.data);
    fr__perr_init(&e, ctx);
    if (fr__vgxml_read(ctx, "d5/prog.1.xml", doc, strlen(doc), &r, &e) < 0)
        fail_msg("refused: %s", e.msg);
    assert_true(r->truncated);
    assert_int_equal(r->nerrors, full->nerrors);
    for (size_t i = 0; i < r->nerrors; i++)
        assert_string_equal(r->errors[i].kind, full->errors[i].kind);
    talloc_free(ctx);
}

static void crowd_ranked(void **state)
{
    static const char *const deps[] = { "d1", "d2", "d3", "d4", "d5", "d6", "d7" };
    void *ctx = talloc_new(NULL);
    struct fr_classes *c = fr__classes_new(ctx);
    struct fr_perr e;

    (void)state;
    for (size_t i = 0; i < 7; i++) {
        struct walk w = { .ctx = ctx, .deployment = deps[i], .c = c };
        char *path = talloc_asprintf(ctx, "%s/%s", crowd, deps[i]);

        fr__perr_init(&e, ctx);
        assert_int_equal(fr__input_walk(ctx, path, take, &w, &e), 0);
    }
    fr__classes_rank(c);
    assert_int_equal(c->n, 2);
    assert_int_equal(c->deployments.n, 7);
    assert_int_equal(c->nreports, 8);
    assert_int_equal(c->ntruncated, 1);
    assert_string_equal(c->truncated[0].deployment, "d6");
    /* the leak first: more deployments, though fewer occurrences */
    assert_string_equal(c->v[0].signature, "Leak_DefinitelyLost | malloc | leak_one");
    assert_int_equal(c->v[0].deployments.n, 5);
    assert_int_equal(c->v[0].occurrences, 6);
    assert_int_equal(c->v[0].bytes, 384);
    assert_int_equal(c->v[0].first_seen, 1714557600);
    assert_int_equal(c->v[0].last_seen, 1714557600 + 6 * 86400);
    assert_string_equal(c->v[1].signature, "InvalidRead | read_past");
    assert_int_equal(c->v[1].deployments.n, 4);
    assert_int_equal(c->v[1].occurrences, 7);
    assert_string_equal(c->v[1].deployments.v[3], "d6");
    /* the representative stack: the program's frames only */
    for (size_t i = 0; i < c->v[1].nstack; i++)
        assert_string_not_equal(c->v[1].stack[i].fn, "fr__shim");
    assert_string_equal(c->v[1].stack[0].fn, "read_past");
    assert_string_equal(c->v[1].fmps.v[0], "prog");
    assert_string_equal(c->v[1].modules.v[0], "?");
    talloc_free(ctx);
}

/* Deployments, then occurrences, then bytes, then the signature. */
static void rank_order(void **state)
{
    static const struct {
        const char *sig;
        size_t deps;
        int64_t occ, bytes;
    } in[] = {
        { "B", 1, 9, 0 }, { "A", 2, 1, 0 }, { "D", 1, 9, 5 }, { "C", 1, 9, 5 }, { "E", 2, 3, 0 },
    };
    static const char *const want[] = { "E", "A", "C", "D", "B" };
    void *ctx = talloc_new(NULL);
    struct fr_classes *c = fr__classes_new(ctx);

    (void)state;
    for (size_t i = 0; i < 5; i++) {
        struct fr_class *k = fr__classes_find_or_add(c, in[i].sig);
        assert_non_null(k);
        for (size_t d = 0; d < in[i].deps; d++)
            assert_int_equal(fr__strset_add(c->v, &k->deployments, d ? "y" : "x"), 0);
        k->occurrences = in[i].occ;
        k->bytes = in[i].bytes;
    }
    assert_ptr_equal(fr__classes_find_or_add(c, "A"), &c->v[1]);
    fr__classes_rank(c);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(c->v[i].signature, want[i]);
    talloc_free(ctx);
}

static void helgrind_report(void **state)
{
    void *ctx = talloc_new(NULL);
    struct fr_vg_report *r = read_one(ctx, "helgrind/h1");

    (void)state;
    assert_string_equal(r->tool, "helgrind");
    assert_true(r->nerrors >= 1);
    assert_string_equal(r->errors[0].kind, "Race");
    assert_string_equal(fr__sig_of(ctx, &r->errors[0]), "Race | bump | main");
    talloc_free(ctx);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_vectors),
        cmocka_unit_test(frame_names),
        cmocka_unit_test(fracture_frames),
        cmocka_unit_test(module_boundary),
        cmocka_unit_test(normalised_what),
        cmocka_unit_test(names_say_the_fmp),
        cmocka_unit_test(the_runtimes_comment),
        cmocka_unit_test(bad_documents),
        cmocka_unit_test(real_reports),
        cmocka_unit_test(killed_report),
        cmocka_unit_test(cut_anywhere),
        cmocka_unit_test(panicked_report),
        cmocka_unit_test(crowd_ranked),
        cmocka_unit_test(rank_order),
        cmocka_unit_test(helgrind_report),
    };

    if (argc < 2) {
        fprintf(stderr, "usage: test_report CROWD_DIR\n");
        return 2;
    }
    crowd = argv[1];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
