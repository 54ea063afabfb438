/*
 * test_config.c - unit tests of the deployment config parser and checker
 * (rt/lib/config.c, yaml_walk.c, env.c, config_check.c).
 *
 * configs/good/NN-name.yaml are valid configs; each has an assertion function
 * below that checks the values parsed, defaults included.
 * configs/bad/NN-name.yaml each come with NN-name.expect: the exact output
 * of fr__diag_print after parsing (and, when parsing succeeds, checking
 * against fake_app).  To add a case, write the .yaml, run this test, read
 * the output it prints for the new case, and save it as the .expect only
 * once every line of it is what a user should see (FR_WRITE_EXPECT=1 in
 * the environment writes every .expect from what the cases print; review
 * the diff).
 *
 * Usage: test_config CONFIGS_DIR (or FRACTURE_TEST_CONFIGS in the
 * environment).  The test chdir()s there, so that messages name the files
 * as bad/NN-name.yaml wherever the tree is.  The checker looks valgrind up
 * in PATH; the test puts a fake one there so that results do not depend on
 * the machine, and none at all for the bad/ *no-valgrind* cases.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <talloc.h>

#include "config.h"
#include "crowd.h"
#include "fake_app.h"

struct fixture {
    char bindir[64];          /* holds the fake valgrind, its tools (vglib/)
                               * and the shipped agent (preload/) */
    char *old_path;
};

/* What setup makes under bindir, removed in reverse order by teardown. */
static const char *const fixture_files[] = {
    "valgrind", "vglib", "vglib/memcheck-amd64-linux",
    "vglib/helgrind-amd64-linux", "vglib/none-amd64-linux",
    "vglib/getoff-amd64-linux", "vglib/vgpreload_memcheck-amd64-linux.so",
    "preload", "preload/rx-alloc.so",
};

/* ---- helpers ----------------------------------------------------------- */

/* Load and (when that succeeds) check @file; the diagnostics printed. */
static int run(void *ctx, const char *file, struct fr_config **cfg,
               char **printed)
{
    struct fr_diag d;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    int ret;

    fr__diag_init(&d, ctx);
    ret = fr__config_read(ctx, file, &fake_app, cfg, &d);
    f = open_memstream(&buf, &len);
    assert_non_null(f);
    fr__diag_print(&d, f);
    fclose(f);
    *printed = talloc_strndup(ctx, buf, len);
    free(buf);
    assert_non_null(*printed);
    return ret;
}

static char *slurp(void *ctx, const char *file)
{
    struct stat sb;
    char *buf;
    int fd = open(file, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return NULL;
    if (fstat(fd, &sb) || sb.st_size > (1 << 20)) {
        close(fd);
        return NULL;
    }
    buf = talloc_zero_size(ctx, (size_t)sb.st_size + 1);
    if (buf && read(fd, buf, (size_t)sb.st_size) != sb.st_size) {
        talloc_free(buf);
        buf = NULL;
    }
    close(fd);
    return buf;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && !strcmp(s + n - m, suffix);
}

static void assert_pos(struct fr_pos p, unsigned line, unsigned col)
{
    assert_int_equal(p.line, line);
    assert_int_equal(p.col, col);
}

static void assert_var(const struct fr_env *e, size_t i, const char *name,
                       const char *value)
{
    assert_true(i < e->nvars);
    assert_string_equal(e->var_names[i], name);
    assert_string_equal(e->var_values[i], value);
}

static void assert_env_empty(const struct fr_env *e)
{
    assert_false(e->has_valgrind);
    assert_int_equal(e->npreload, 0);
    assert_int_equal(e->nvars, 0);
    assert_int_equal(e->limits.memory_mb, -1);
    assert_int_equal(e->limits.cpu_s, -1);
    assert_int_equal(e->limits.open_files, -1);
    assert_int_equal(e->limits.core, -1);
    assert_false(e->has_nice);
    assert_int_equal(e->ncpus, 0);
}

static void assert_defaults(const struct fr_config *c)
{
    assert_int_equal(c->version, 1);
    assert_int_equal(c->spin_us, 50);
    assert_int_equal(c->call_timeout_ms, 0);
    assert_int_equal(c->max_threads, 128);
    assert_int_equal(c->max_payload_mb, 64);
    assert_int_equal(c->channel_kb, 256);
}

static void assert_no_policy(const struct fr_fmp_conf *f)
{
    assert_false(f->restart.present);
    assert_false(f->replicate.present);
    assert_false(f->sample.present);
}

static void assert_restart_defaults(const struct fr_restart *r)
{
    assert_int_equal(r->max, 5);
    assert_int_equal(r->window_s, 60);
    assert_int_equal(r->retries, 2);
    assert_int_equal(r->on_exhausted, FR_EXHAUSTED_FAIL);
}

/* ---- good configs ------------------------------------------------------ */

static void good_minimal(const struct fr_config *c)
{
    assert_defaults(c);
    assert_string_equal(c->file, "good/01-minimal.yaml");
    assert_int_equal(c->nfmps, 0);
    assert_false(c->has_trace);
    assert_null(c->trace_file);
    assert_false(c->has_reports);
    assert_string_equal(c->reports_dir, "fracture-reports");
}

static void good_design(const struct fr_config *c)
{
    const struct fr_fmp_conf *f;
    const struct fr_env *e;

    assert_defaults(c);
    assert_int_equal(c->nfmps, 4);

    f = &c->fmps[0];
    assert_string_equal(f->name, "ui");
    assert_pos(f->pos, 7, 5);
    assert_int_equal(f->nmodules, 2);
    assert_string_equal(f->modules[0], "main");
    assert_string_equal(f->modules[1], "gui");
    assert_pos(f->module_pos[1], 8, 21);
    assert_false(f->env.present);
    assert_env_empty(&f->env);
    assert_no_policy(f);
    assert_restart_defaults(&f->restart);

    f = &c->fmps[1];
    assert_string_equal(f->name, "parsing");
    assert_int_equal(f->nmodules, 2);
    assert_string_equal(f->modules[0], "parser");
    assert_string_equal(f->modules[1], "lexer");
    e = &f->env;
    assert_true(e->present);
    assert_pos(e->pos, 11, 5);
    assert_true(e->has_valgrind);
    assert_pos(e->valgrind_pos, 12, 7);
    assert_string_equal(e->valgrind_tool, "memcheck");
    assert_int_equal(e->nvalgrind_args, 1);
    assert_string_equal(e->valgrind_args[0], "--leak-check=full");
    assert_int_equal(e->npreload, 1);
    assert_string_equal(e->preload[0], "rx-alloc");
    assert_pos(e->preload_pos[0], 13, 17);
    assert_int_equal(e->nvars, 1);
    assert_var(e, 0, "RX_PAD", "64");
    assert_int_equal(e->limits.memory_mb, 256);
    assert_int_equal(e->limits.cpu_s, 60);
    assert_int_equal(e->limits.open_files, 256);
    assert_int_equal(e->limits.core, 0);
    assert_true(e->has_nice);
    assert_int_equal(e->nice, 10);
    assert_int_equal(e->ncpus, 1);
    assert_int_equal(e->cpus[0], 1);
    assert_true(f->restart.present);
    assert_pos(f->restart.pos, 18, 5);
    assert_restart_defaults(&f->restart);
    assert_int_equal(f->restart.nenvironments, 2);
    assert_true(f->restart.environments[0].present);
    assert_pos(f->restart.environments[0].pos, 23, 11);
    assert_env_empty(&f->restart.environments[0]);
    e = &f->restart.environments[1];
    assert_int_equal(e->npreload, 1);
    assert_string_equal(e->preload[0], "rx-alloc");
    assert_int_equal(e->nvars, 2);
    assert_var(e, 0, "RX_PAD", "256");
    assert_var(e, 1, "RX_ZERO", "1");
    assert_false(e->has_valgrind);
    assert_false(f->replicate.present);
    assert_false(f->sample.present);

    f = &c->fmps[2];
    assert_string_equal(f->name, "crypto");
    assert_false(f->env.present);
    assert_true(f->replicate.present);
    assert_pos(f->replicate.pos, 28, 5);
    assert_int_equal(f->replicate.count, 3);
    assert_int_equal(f->replicate.on_divergence, FR_DIVERGE_VOTE);
    assert_int_equal(f->replicate.nenvironments, 0);

    f = &c->fmps[3];
    assert_string_equal(f->name, "codec");
    assert_true(f->sample.present);
    assert_int_equal(f->sample.seed, 42);
    assert_int_equal(f->sample.ninstances, 2);
    assert_int_equal(f->sample.instances[0].weight, 95);
    assert_false(f->sample.instances[0].env.present);
    assert_int_equal(f->sample.instances[0].recycle_after_calls, 0);
    assert_int_equal(f->sample.instances[1].weight, 5);
    assert_int_equal(f->sample.instances[1].recycle_after_calls, 1000);
    e = &f->sample.instances[1].env;
    assert_true(e->present);
    assert_true(e->has_valgrind);
    assert_string_equal(e->valgrind_tool, "memcheck");
    assert_int_equal(e->nvalgrind_args, 0);

    assert_true(c->has_trace);
    assert_pos(c->trace_pos, 36, 1);
    assert_string_equal(c->trace_file, "trace.json");
    assert_true(c->has_reports);
    assert_string_equal(c->reports_dir, "fracture-reports");
}

static void good_defaults_edges(const struct fr_config *c)
{
    assert_int_equal(c->spin_us, 0);
    assert_int_equal(c->call_timeout_ms, 86400000);
    assert_int_equal(c->max_threads, 4096);
    assert_int_equal(c->max_payload_mb, 1);
    assert_int_equal(c->channel_kb, 16);
    assert_int_equal(c->nfmps, 0);
    assert_true(c->has_trace);
    assert_string_equal(c->trace_file, "/dev/null");
    assert_true(c->has_reports);
    assert_string_equal(c->reports_dir, "reports/run 1");
}

static void good_env_full(const struct fr_config *c)
{
    const struct fr_fmp_conf *f;
    const struct fr_env *e;

    assert_int_equal(c->spin_us, 1000000);
    assert_int_equal(c->max_threads, 1);
    assert_int_equal(c->max_payload_mb, 4096);
    assert_int_equal(c->channel_kb, 65536);
    assert_int_equal(c->call_timeout_ms, 0);
    assert_int_equal(c->nfmps, 1);
    f = &c->fmps[0];
    assert_string_equal(f->name, "Lexing_2-b");
    assert_int_equal(f->nmodules, 1);
    assert_string_equal(f->modules[0], "lexer");
    assert_no_policy(f);
    e = &f->env;
    assert_true(e->present);
    assert_true(e->has_valgrind);
    assert_string_equal(e->valgrind_tool, "helgrind");
    assert_int_equal(e->nvalgrind_args, 2);
    assert_string_equal(e->valgrind_args[0], "--history-level=approx");
    assert_string_equal(e->valgrind_args[1], "--suppressions=/etc/x y.supp");
    assert_int_equal(e->npreload, 2);
    assert_string_equal(e->preload[0], "rx-alloc");
    assert_string_equal(e->preload[1], "/proc/self/exe");
    assert_int_equal(e->nvars, 5);
    assert_var(e, 0, "RX_PAD", "64");
    assert_var(e, 1, "RX_ZERO", "yes");
    assert_var(e, 2, "_LOG", "a: b");
    assert_var(e, 3, "EMPTY", "");
    assert_var(e, 4, "PI", "3.14");
    assert_int_equal(e->limits.memory_mb, 1048576);
    assert_int_equal(e->limits.cpu_s, 31536000);
    assert_int_equal(e->limits.open_files, 16);
    assert_int_equal(e->limits.core, 1);
    assert_true(e->has_nice);
    assert_int_equal(e->nice, -20);
    assert_int_equal(e->ncpus, 1);
    assert_int_equal(e->cpus[0], 0);
    assert_pos(e->cpu_pos[0], 33, 14);
    assert_pos(e->limits.memory_pos, 28, 20);
}

static void good_restart(const struct fr_config *c)
{
    const struct fr_restart *r;
    const struct fr_env *e;

    assert_int_equal(c->nfmps, 2);
    r = &c->fmps[0].restart;
    assert_true(r->present);
    assert_int_equal(r->max, 0);
    assert_int_equal(r->window_s, 86400);
    assert_int_equal(r->retries, 100);
    assert_int_equal(r->on_exhausted, FR_EXHAUSTED_ABORT);
    assert_int_equal(r->nenvironments, 3);
    assert_true(r->environments[0].present);
    assert_env_empty(&r->environments[0]);
    e = &r->environments[1];
    assert_int_equal(e->npreload, 1);
    assert_string_equal(e->preload[0], "rx-alloc");
    assert_var(e, 0, "RX_PAD", "256");
    assert_var(e, 1, "RX_ZERO", "1");
    assert_int_equal(e->limits.memory_mb, -1);
    e = &r->environments[2];
    assert_int_equal(e->limits.memory_mb, 4096);
    assert_int_equal(e->limits.cpu_s, -1);
    assert_int_equal(e->limits.open_files, -1);
    assert_int_equal(e->limits.core, 0);
    assert_true(e->has_nice);
    assert_int_equal(e->nice, 19);
    assert_int_equal(e->ncpus, 0);
    assert_false(c->fmps[0].env.present);

    r = &c->fmps[1].restart;
    assert_string_equal(c->fmps[1].name, "codec");
    assert_true(r->present);
    assert_restart_defaults(r);
    assert_int_equal(r->nenvironments, 0);
}

static void good_replicate(const struct fr_config *c)
{
    const struct fr_replicate *r;

    assert_int_equal(c->nfmps, 1);
    r = &c->fmps[0].replicate;
    assert_true(r->present);
    assert_false(c->fmps[0].restart.present);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->on_divergence, FR_DIVERGE_LOG);
    assert_int_equal(r->nenvironments, 2);
    assert_var(&r->environments[0], 0, "REPLICA", "0");
    assert_false(r->environments[0].has_nice);
    assert_var(&r->environments[1], 0, "REPLICA", "1");
    assert_true(r->environments[1].has_nice);
    assert_int_equal(r->environments[1].nice, 5);
}

static void good_sample(const struct fr_config *c)
{
    const struct fr_sample *s;

    assert_int_equal(c->nfmps, 1);
    s = &c->fmps[0].sample;
    assert_true(s->present);
    assert_true(s->seed == UINT64_MAX);
    assert_int_equal(s->ninstances, 3);
    assert_int_equal(s->instances[0].weight, 1000000);
    assert_false(s->instances[0].env.present);
    assert_int_equal(s->instances[0].recycle_after_calls, 0);
    assert_int_equal(s->instances[1].weight, 1);
    assert_true(s->instances[1].recycle_after_calls == UINT64_MAX);
    assert_true(s->instances[1].env.present);
    assert_true(s->instances[1].env.has_valgrind);
    assert_string_equal(s->instances[1].env.valgrind_tool, "memcheck");
    assert_int_equal(s->instances[1].env.limits.core, 1);
    assert_int_equal(s->instances[2].weight, 3);
    assert_int_equal(s->instances[2].env.npreload, 1);
    assert_pos(s->instances[2].pos, 15, 11);
}

/* Isolation keys, in an env and in a restart overlay. */
static void good_isolation(const struct fr_config *c)
{
    assert_int_equal(c->nfmps, 2);
    assert_int_equal(c->fmps[0].env.privileges, FR_PRIV_KEEP);
    assert_string_equal(c->fmps[0].env.sandbox, "strict");
    assert_int_equal(c->fmps[0].restart.nenvironments, 1);
    assert_string_equal(c->fmps[0].restart.environments[0].sandbox, "none");
    assert_int_equal(c->fmps[0].restart.environments[0].privileges, FR_PRIV_DROP);
    assert_string_equal(c->fmps[1].env.sandbox, "profile.yaml");
    assert_int_equal(c->fmps[1].env.privileges, 0);
    assert_pos(c->fmps[1].env.sandbox_pos, 10, 11);
}

static void good_yaml_features(const struct fr_config *c)
{
    const struct fr_restart *r;
    const struct fr_replicate *p;

    assert_int_equal(c->spin_us, 10);
    assert_int_equal(c->max_threads, 128);
    assert_int_equal(c->nfmps, 2);
    r = &c->fmps[0].restart;
    assert_restart_defaults(r);
    assert_int_equal(r->nenvironments, 3);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(r->environments[i].npreload, 1);
        assert_string_equal(r->environments[i].preload[0], "rx-alloc");
        assert_int_equal(r->environments[i].limits.core, 1);
    }
    assert_int_equal(r->environments[2].npreload, 0);
    assert_int_equal(r->environments[2].limits.core, 0);
    p = &c->fmps[1].replicate;
    assert_int_equal(p->count, 16);
    assert_int_equal(p->on_divergence, FR_DIVERGE_ABORT);
    assert_int_equal(p->nenvironments, 2);
    assert_string_equal(p->environments[0].preload[0], "rx-alloc");
    assert_int_equal(p->environments[1].limits.core, 0);
}

struct good_case {
    const char *file;
    void (*assert_cfg)(const struct fr_config *c);
    const char *check_output;  /* what check prints; NULL: nothing */
};

static const struct good_case good_cases[] = {
    { "good/01-minimal.yaml", good_minimal, NULL },
    /* DESIGN's example names a module, gui, that the fake app lacks */
    { "good/02-design-example.yaml", good_design,
      "good/02-design-example.yaml:8:21: error: unknown module 'gui'\n"
      "  hint: the app's modules: main, parser, lexer, crypto, codec\n"
      /* ... and its memory_mb: 256 cannot hold what the parsing FMP maps
       * with the default max_threads (regions alone are 6 x 224 MiB) */
      "good/02-design-example.yaml:15:27: error: memory_mb 256 leaves FMP "
      "'parsing' too little address space to start: it needs about 7804 MiB\n"
      "  hint: it maps 6 shared-memory regions of 224 MiB (one per FMP it "
      "talks to: 7 FMPs x max_threads 128 x channel_kb 256 each), 771 thread "
      "stacks of 8196 KiB (a worker for each logical thread that may call "
      "in), about 32 MiB for the program and 256 MiB for Valgrind; raise "
      "memory_mb to at least 7804, or lower defaults.max_threads\n" },
    { "good/03-defaults-edges.yaml", good_defaults_edges, NULL },
    { "good/04-env-full.yaml", good_env_full, NULL },
    { "good/05-restart.yaml", good_restart, NULL },
    { "good/06-replicate.yaml", good_replicate, NULL },
    { "good/07-sample.yaml", good_sample, NULL },
    { "good/08-yaml-features.yaml", good_yaml_features, NULL },
    { "good/60-isolation.yaml", good_isolation, NULL },
};

static void test_good(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
        const struct good_case *g = &good_cases[i];
        void *ctx = talloc_new(NULL);
        struct fr_config *cfg = NULL;
        struct fr_diag d;
        char *buf = NULL;
        size_t len = 0;
        FILE *f;
        int ret;

        print_message("good: %s\n", g->file);
        fr__diag_init(&d, ctx);
        ret = fr__config_load(ctx, g->file, &cfg, &d);
        if (ret)
            fr__diag_print(&d, stderr);
        assert_int_equal(ret, 0);
        assert_non_null(cfg);
        g->assert_cfg(cfg);
        ret = fr__config_check(cfg, &fake_app, &d);
        f = open_memstream(&buf, &len);
        assert_non_null(f);
        fr__diag_print(&d, f);
        fclose(f);
        if (g->check_output) {
            assert_int_equal(ret, -EINVAL);
            assert_string_equal(buf, g->check_output);
        } else {
            if (ret)
                fprintf(stderr, "%s", buf);
            assert_int_equal(ret, 0);
        }
        free(buf);
        talloc_free(ctx);
    }
}

/* Every good/ file has its assertions: none is only parsed. */
static void test_good_all_asserted(void **state)
{
    struct dirent **ents;
    int n = scandir("good", &ents, NULL, alphasort);

    (void)state;
    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        bool known = false;
        char path[PATH_MAX];

        snprintf(path, sizeof(path), "good/%s", ents[i]->d_name);
        for (size_t g = 0; g < sizeof(good_cases) / sizeof(good_cases[0]); g++)
            known = known || !strcmp(good_cases[g].file, path);
        if (ends_with(path, ".yaml") && !known)
            fail_msg("%s has no entry in good_cases", path);
        free(ents[i]);
    }
    free(ents);
}

/* ---- bad configs ------------------------------------------------------- */

static int yaml_only(const struct dirent *e)
{
    return ends_with(e->d_name, ".yaml");
}

static void test_bad_corpus(void **state)
{
    struct fixture *fx = *state;
    struct dirent **ents;
    int n = scandir("bad", &ents, yaml_only, alphasort);
    int failed = 0;

    assert_true(n >= 30);
    for (int i = 0; i < n; i++) {
        void *ctx = talloc_new(NULL);
        char *file = talloc_asprintf(ctx, "bad/%s", ents[i]->d_name);
        char *expfile = talloc_strndup(ctx, file, strlen(file) - 5);
        struct fr_config *cfg = NULL;
        char *got, *want;
        int ret;

        expfile = talloc_asprintf_append(expfile, ".expect");
        setenv("PATH", strstr(file, "no-valgrind") ? "/nonexistent" :
               fx->bindir, 1);
        ret = run(ctx, file, &cfg, &got);
        setenv("PATH", fx->bindir, 1);
        /* FR_WRITE_EXPECT=1 writes what each case printed as its .expect,
         * for review with git diff before it is committed. */
        if (getenv("FR_WRITE_EXPECT")) {
            FILE *w = fopen(expfile, "w");
            assert_non_null(w);
            fputs(got, w);
            fclose(w);
        }
        want = slurp(ctx, expfile);
        if (!want) {
            print_error("%s: cannot read %s; its output is:\n%s", file,
                        expfile, got);
            failed++;
        } else if (ret == 0 || strcmp(got, want)) {
            print_error("%s: returned %d, output differs.\n--- expected:\n%s"
                        "--- got:\n%s---\n", file, ret, want, got);
            failed++;
        }
        talloc_free(ctx);
        free(ents[i]);
    }
    free(ents);
    print_message("bad: %d cases, %d failed\n", n, failed);
    assert_int_equal(failed, 0);
}

/* ---- the rest ---------------------------------------------------------- */

static void test_load_errors(void **state)
{
    void *ctx = talloc_new(NULL);
    struct fr_config *cfg = (void *)1;
    char tmpl[] = "/tmp/fr-test-config-big-XXXXXX";
    char *got, *want, *big;
    int fd;

    (void)state;
    assert_int_equal(run(ctx, "no-such-file.yaml", &cfg, &got), -ENOENT);
    assert_null(cfg);
    assert_string_equal(got, "no-such-file.yaml: error: cannot read: No such "
                        "file or directory\n");

    assert_int_equal(run(ctx, "good", &cfg, &got), -EISDIR);
    assert_string_equal(got, "good: error: cannot read: Is a directory\n");

    /* Past 1 MiB, even a valid config is refused. */
    fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    big = talloc_size(ctx, (1 << 20) + 1);
    assert_non_null(big);
    memset(big, '#', (1 << 20) + 1);
    memcpy(big, "version: 1\n", 11);
    assert_int_equal(write(fd, big, (1 << 20) + 1), (1 << 20) + 1);
    close(fd);
    assert_int_equal(run(ctx, tmpl, &cfg, &got), -EINVAL);
    want = talloc_asprintf(ctx, "%s: error: the config is larger than 1 MiB "
                           "(1048577 bytes)\n", tmpl);
    assert_string_equal(got, want);
    /* ... and exactly 1 MiB is fine */
    assert_int_equal(truncate(tmpl, 1 << 20), 0);
    assert_int_equal(run(ctx, tmpl, &cfg, &got), 0);
    assert_string_equal(got, "");
    unlink(tmpl);
    talloc_free(ctx);
}

/* The parser reads exactly len bytes: no NUL needed after them, and NUL
 * bytes inside are an error, not the end.  (Run under valgrind or ASan to
 * see the first part.) */
static void test_parse_buffer(void **state)
{
    static const char text[] = "version: 1\nfmps: []\n";
    void *ctx = talloc_new(NULL);
    char *buf = talloc_memdup(ctx, text, sizeof(text) - 1);
    struct fr_config *cfg;
    struct fr_diag d;

    (void)state;
    fr__diag_init(&d, ctx);
    assert_int_equal(fr__config_parse(ctx, NULL, buf, sizeof(text) - 1, &cfg,
                                      &d), 0);
    assert_string_equal(cfg->file, "<config>");
    assert_int_equal(d.n, 0);

    assert_int_equal(fr__config_parse(ctx, "x.yaml", "version: 1\0\n", 12,
                                      &cfg, &d), -EINVAL);
    assert_null(cfg);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.items[0].text, "x.yaml:1:11: error: invalid YAML: "
                        "control characters are not allowed");

    assert_int_equal(fr__config_parse(ctx, "x.yaml", "", 0, &cfg, &d), -EINVAL);
    assert_int_equal(d.n, 2);
    talloc_free(ctx);
}

/* A failed parse leaves nothing behind under ctx; a tree is freed whole
 * with its root. */
static void test_memory(void **state)
{
    void *ctx = talloc_new(NULL);
    void *dctx = talloc_new(NULL);
    struct fr_config *cfg;
    struct fr_diag d;
    char *bad = slurp(dctx, "bad/30-many-errors.yaml");
    char *good = slurp(dctx, "good/02-design-example.yaml");

    (void)state;
    assert_non_null(bad);
    assert_non_null(good);
    fr__diag_init(&d, dctx);
    assert_int_equal(talloc_total_blocks(ctx), 1);
    assert_int_equal(fr__config_parse(ctx, "b", bad, strlen(bad), &cfg, &d),
                     -EINVAL);
    assert_int_equal(talloc_total_blocks(ctx), 1);
    assert_int_equal(fr__config_parse(ctx, "g", good, strlen(good), &cfg, &d),
                     0);
    assert_ptr_equal(talloc_parent(cfg), ctx);
    fr__config_check(cfg, &fake_app, &d);
    talloc_free(cfg);
    assert_int_equal(talloc_total_blocks(ctx), 1);
    talloc_free(ctx);
    talloc_free(dctx);
}

/* The "unknown module" hint lists at most 10 of the app's modules. */
static void test_check_many_modules(void **state)
{
    static const struct fr_module mods[] = {
        { "main", 0 }, { "m01", 0 }, { "m02", 0 }, { "m03", 0 }, { "m04", 0 },
        { "m05", 0 }, { "m06", 0 }, { "m07", 0 }, { "m08", 0 }, { "m09", 0 },
        { "m10", 0 }, { "m11", 0 },
    };
    static const struct fr_app app = {
        .abi_version = FR_ABI_VERSION, .name = "many", .modules = mods,
        .nmodules = sizeof(mods) / sizeof(mods[0]),
    };
    static const struct fr_app empty = {
        .abi_version = FR_ABI_VERSION, .name = "empty",
    };
    static const char text[] =
        "version: 1\nfmps: [{name: a, modules: [renderer, m11]}]\n";
    void *ctx = talloc_new(NULL);
    struct fr_config *cfg;
    struct fr_diag d;

    (void)state;
    fr__diag_init(&d, ctx);
    assert_int_equal(fr__config_parse(ctx, "m.yaml", text, strlen(text), &cfg,
                                      &d), 0);
    assert_int_equal(fr__config_check(cfg, &app, &d), -EINVAL);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.items[0].text, "m.yaml:2:28: error: unknown module "
                        "'renderer'");
    assert_string_equal(d.items[0].hint, "the app's modules: main, m01, m02, "
                        "m03, m04, m05, m06, m07, m08, m09, and 2 more");

    assert_int_equal(fr__config_check(cfg, &empty, &d), -EINVAL);
    assert_int_equal(d.n, 3);
    assert_null(d.items[1].hint);
    talloc_free(ctx);
}

/* 80,000 nested flow sequences (160 KB) took 17 s in libyaml's scanner,
 * quadratic in depth: the depth limit stops it at once, whatever the
 * depth.  (A second is far more than it takes; the test machine may be
 * slow and shared.) */
static void test_deep_is_refused_at_once(void **state)
{
    enum { DEPTH = 80000 };
    void *ctx = talloc_new(NULL);
    char *text = talloc_size(ctx, 2 * DEPTH + 32);
    struct fr_config *cfg;
    struct fr_diag d;
    struct timespec t0, t1;
    size_t n;
    double secs;

    (void)state;
    assert_non_null(text);
    n = (size_t)sprintf(text, "version: 1\nfmps: ");
    memset(text + n, '[', DEPTH);
    memset(text + n + DEPTH, ']', DEPTH);
    n += 2 * DEPTH;
    text[n++] = '\n';
    fr__diag_init(&d, ctx);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(fr__config_parse(ctx, "deep.yaml", text, n, &cfg, &d), -EINVAL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_int_equal(d.n, 1);
    assert_string_equal(d.items[0].text, "deep.yaml:2:38: error: the config nests deeper "
                        "than 32 levels");
    if (secs > 1.0)
        fail_msg("refusing an 80,000-deep config took %.2f s", secs);
    talloc_free(ctx);
}

/* A plan holds at most 129 FMPs (the root and 128 others): 129 configured
 * FMPs besides the root are refused at `fmps`, 128 are not. */
/* An app of @n modules, "main" and m1..m(n-1) with @caps. */
static struct fr_app wide_app(struct fr_module *mods, char (*names)[16], unsigned n, unsigned caps)
{
    mods[0].name = "main";
    for (unsigned i = 1; i < n; i++) {
        snprintf(names[i], sizeof(names[i]), "m%u", i);
        mods[i].name = names[i];
        mods[i].caps = caps;
    }
    return (struct fr_app){
        .abi_version = FR_ABI_VERSION, .name = "wide", .modules = mods, .nmodules = n,
    };
}

static void test_check_too_many_fmps(void **state)
{
    static struct fr_module mods[130];
    static char names[130][16];
    struct fr_app app = wide_app(mods, names, 130, 0);
    void *ctx = talloc_new(NULL);
    struct fr_config *cfg;
    struct fr_diag d;

    (void)state;
    for (unsigned nf = 128; nf <= 129; nf++) {
        /* one thread each: the regions stay small on any machine */
        char *text = talloc_strdup(ctx, "version: 1\ndefaults: {max_threads: 1}\nfmps:\n");

        for (unsigned i = 1; i <= nf; i++)
            text = talloc_asprintf_append(text, "  - {name: f%u, modules: [m%u]}\n", i, i);
        assert_non_null(text);
        fr__diag_init(&d, ctx);
        assert_int_equal(fr__config_parse(ctx, "w.yaml", text, strlen(text), &cfg, &d), 0);
        if (nf == 128) {
            assert_int_equal(fr__config_check(cfg, &app, &d), 0);
        } else {
            assert_int_equal(fr__config_check(cfg, &app, &d), -EINVAL);
            assert_int_equal(d.n, 1);
            assert_string_equal(d.items[0].text, "w.yaml:3:1: error: the config makes "
                                "more than 129 FMPs (the root and 128 others)");
        }
    }
    talloc_free(ctx);
}

/* Every replicated or sampled FMP has a pin in each call's metadata header
 * (meta.h): 24 fit, the 25th is refused where its policy is written. */
static void test_check_too_many_groups(void **state)
{
    static struct fr_module mods[27];
    static char names[27][16];
    struct fr_app app = wide_app(mods, names, 27, FR_REPLICABLE | FR_SAMPLABLE);
    void *ctx = talloc_new(NULL);
    struct fr_config *cfg;
    struct fr_diag d;

    (void)state;
    for (unsigned ng = 24; ng <= 25; ng++) {
        char *text = talloc_strdup(ctx, "version: 1\ndefaults: {max_threads: 1}\nfmps:\n");

        /* alternate the two policies, and one plain FMP first that does not count */
        text = talloc_asprintf_append(text, "  - {name: plain, modules: [m26]}\n");
        for (unsigned i = 1; i <= ng; i++)
            text = talloc_asprintf_append(text, i % 2 ?
                                          "  - {name: f%u, modules: [m%u], replicate: {count: 2}}\n" :
                                          "  - {name: f%u, modules: [m%u], sample: {instances: [{weight: 1}]}}\n",
                                          i, i);
        assert_non_null(text);
        fr__diag_init(&d, ctx);
        assert_int_equal(fr__config_parse(ctx, "g.yaml", text, strlen(text), &cfg, &d), 0);
        if (ng == 24) {
            assert_int_equal(fr__config_check(cfg, &app, &d), 0);
        } else {
            assert_int_equal(fr__config_check(cfg, &app, &d), -EINVAL);
            assert_int_equal(d.n, 1);
            /* f25 (a replicate) is on line 29 */
            assert_non_null(strstr(d.items[0].text, "g.yaml:29:"));
            assert_non_null(strstr(d.items[0].text, "FMP 'f25': more than 24 FMPs "
                                   "replicated or sampled"));
        }
    }
    talloc_free(ctx);
}

/* ---- main -------------------------------------------------------------- */

static int setup(void **state)
{
    static const char script[] = "#!/bin/sh\nexit 0\n";
    struct fixture *fx = calloc(1, sizeof(*fx));
    char path[128];
    const char *old = getenv("PATH");
    int fd;

    if (!fx)
        return -1;
    strcpy(fx->bindir, "/tmp/fr-test-config-XXXXXX");
    if (!mkdtemp(fx->bindir))
        return -1;
    snprintf(path, sizeof(path), "%s/valgrind", fx->bindir);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    if (fd < 0 || write(fd, script, sizeof(script) - 1) < 0)
        return -1;
    close(fd);
    /* Valgrind's tools as valgrind finds them (VALGRIND_LIB): getoff and
     * the vgpreload libraries are not tools.  The names are those of
     * x86-64; elsewhere the checker finds no tools and says nothing. */
    for (size_t i = 1; i < 7; i++) {
        snprintf(path, sizeof(path), "%s/%s", fx->bindir, fixture_files[i]);
        if (i == 1 ? mkdir(path, 0755) : (fd = open(path, O_WRONLY | O_CREAT |
                                                    O_CLOEXEC, 0755)) < 0)
            return -1;
        if (i > 1)
            close(fd);
    }
    snprintf(path, sizeof(path), "%s/vglib", fx->bindir);
    setenv("VALGRIND_LIB", path, 1);
    /* The shipped agent: any real shared object of this machine will do
     * for the checker (an ELF .so of this class and machine); libtalloc's. */
    {
        Dl_info info;
        char link[128];

        snprintf(path, sizeof(path), "%s/preload", fx->bindir);
        snprintf(link, sizeof(link), "%s/preload/rx-alloc.so", fx->bindir);
        if (mkdir(path, 0755) || !dladdr((void *)talloc_strdup, &info) ||
            !info.dli_fname || symlink(info.dli_fname, link))
            return -1;
        setenv("FRACTURE_PRELOAD_DIR", path, 1);
    }
    fx->old_path = old ? strdup(old) : NULL;
    setenv("PATH", fx->bindir, 1);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    char path[128];

    for (size_t i = sizeof(fixture_files) / sizeof(fixture_files[0]); i-- > 0;) {
        snprintf(path, sizeof(path), "%s/%s", fx->bindir, fixture_files[i]);
        if (unlink(path))
            rmdir(path);
    }
    rmdir(fx->bindir);
    if (fx->old_path)
        setenv("PATH", fx->old_path, 1);
    else
        unsetenv("PATH");
    free(fx->old_path);
    free(fx);
    return 0;
}

/* `crowd:`: the id picks the slot (a number mod n, a text by its hash, the
 * same every time), and the pick becomes one more FMP, sampled. */
static void test_crowd(void **state)
{
    static const char *const want_mod[] = { "parser", "codec" };
    void *ctx = talloc_new(NULL);
    struct fr_config *cfg;
    char *got;
    size_t hits[3] = { 0, 0, 0 };
    bool num;
    uint64_t v;

    (void)state;
    for (int id = 0; id < 6; id++) {
        char buf[16];
        const struct fr_fmp_conf *f;

        snprintf(buf, sizeof(buf), "%d", id);
        setenv(FR_CROWD_ID_VAR, buf, 1);
        assert_int_equal(run(ctx, "crowd/two.yaml", &cfg, &got), 0);
        assert_true(cfg->crowd->resolved && cfg->crowd->id_numeric);
        assert_int_equal(cfg->crowd->nlist, 2);
        assert_int_equal(cfg->crowd->slot, (size_t)id % 2);
        assert_int_equal(cfg->nfmps, 2);
        assert_int_equal(cfg->crowd->fmp, 1);
        f = &cfg->fmps[1];
        assert_string_equal(f->modules[0], want_mod[id % 2]);
        if (id % 2 == 0) {
            assert_string_equal(f->name, "crowd-parser");
            assert_int_equal(f->nmodules, 2);
            assert_string_equal(f->modules[1], "codec");
        } else {
            assert_string_equal(f->name, "crowd-codec");
            assert_int_equal(f->nmodules, 1);
        }
        assert_true(f->sample.present);
        assert_int_equal(f->sample.seed, (uint64_t)id);
        /* one instance, the instrumented copy: the plain share runs in
         * the root (crowdcall.c) */
        assert_true(f->sample.crowd);
        assert_int_equal(f->sample.ninstances, 1);
        assert_int_equal(f->sample.instances[0].weight, 5);
        assert_int_equal(f->sample.instances[0].recycle_after_calls, 7);
        assert_true(f->sample.instances[0].env.has_valgrind);
        assert_string_equal(f->sample.instances[0].env.valgrind_tool, "memcheck");
        assert_int_equal(f->sample.instances[0].env.nvalgrind_args, 1);
        assert_string_equal(f->sample.instances[0].env.valgrind_args[0], "--leak-check=full");
    }
    /* the plain copy: where `fmps:` places the module, or the root
     * (two.yaml does not place parser, nor codec) */
    assert_int_equal(cfg->crowd->plain, -1);
    assert_int_equal(cfg->fmps[cfg->crowd->fmp].sample.plain, -1);
    for (int id = 0; id < 2; id++) {
        const struct fr_fmp_conf *f;

        setenv(FR_CROWD_ID_VAR, id ? "1" : "0", 1);
        assert_int_equal(run(ctx, "crowd/placed.yaml", &cfg, &got), 0);
        assert_int_equal(cfg->nfmps, 3);
        f = &cfg->fmps[cfg->crowd->fmp];
        assert_string_equal(f->modules[0], want_mod[id]);
        assert_int_equal(f->nmodules, id ? 1 : 2);
        assert_true(f->sample.crowd);
        assert_int_equal(cfg->crowd->plain, 1);
        assert_string_equal(cfg->fmps[cfg->crowd->plain].name, "parsing");
        assert_int_equal(f->sample.plain, 1);
    }
    assert_int_equal(run(ctx, "crowd/with-main.yaml", &cfg, &got), 0);
    assert_int_equal(cfg->crowd->plain, -1);
    assert_int_equal(cfg->fmps[cfg->crowd->fmp].sample.plain, -1);
    unsetenv(FR_CROWD_ID_VAR);

    /* numbers: exactly mod n, up to 2^64-1; past it, a text */
    assert_int_equal(fr__crowd_slot("7", NULL, NULL, 3, &num, &v), 1);
    assert_true(num);
    assert_int_equal(fr__crowd_slot("18446744073709551615", NULL, NULL, 3, &num, &v), 0);
    assert_true(num);
    fr__crowd_slot("18446744073709551616", NULL, NULL, 3, &num, &v);
    assert_false(num);
    fr__crowd_slot("-1", NULL, NULL, 3, &num, &v);
    assert_false(num);
    /* a text: the same slot every time, host and user apart from their
     * concatenation, and 3000 texts spread within 10 % of even */
    assert_int_equal(fr__crowd_slot("alpha", NULL, NULL, 7, &num, &v),
                     fr__crowd_slot("alpha", NULL, NULL, 7, &num, &v));
    fr__crowd_slot(NULL, "ab", "c", 1, &num, &v);
    {
        uint64_t v2;

        fr__crowd_slot(NULL, "a", "bc", 1, &num, &v2);
        assert_true(v != v2);
    }
    for (int i = 0; i < 3000; i++) {
        char host[32];

        snprintf(host, sizeof(host), "host%d", i);
        hits[fr__crowd_slot(NULL, host, "user", 3, &num, &v)]++;
    }
    for (int k = 0; k < 3; k++)
        assert_true(hits[k] >= 900 && hits[k] <= 1100);
    talloc_free(ctx);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("FRACTURE_TEST_CONFIGS");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_good_all_asserted),
        cmocka_unit_test(test_bad_corpus),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_parse_buffer),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_check_many_modules),
        cmocka_unit_test(test_check_too_many_fmps),
        cmocka_unit_test(test_check_too_many_groups),
        cmocka_unit_test(test_deep_is_refused_at_once),
        cmocka_unit_test(test_crowd),
    };

    if (!dir) {
        fprintf(stderr, "usage: %s CONFIGS_DIR (or set FRACTURE_TEST_CONFIGS)\n",
                argv[0]);
        return 2;
    }
    if (chdir(dir)) {
        fprintf(stderr, "%s: cannot enter %s: %s\n", argv[0], dir,
                strerror(errno));
        return 2;
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
