/* driver.c - the jansson workload (our code, not jansson's): jansson's own
 * test suite data (test/suites/{valid,invalid,encoding-flags}/CASE/: an
 * input, the env its runner sets, the output or error expected), run the
 * way its runner test/bin/json_process.c runs it, but with the input read
 * here and given as a buffer (json_loadb: a FILE * cannot cross an FMP).
 * Prints one line per case and a summary.
 *
 * The trees are touched only through jansson's functions: split, a json_t
 * lives in the library's FMP and the program holds handles.  So no
 * json_decref (an inline function that writes the refcount): each root
 * is freed with json_delete, which is what json_decref does for a root
 * nobody else holds.
 *
 * Each valid case is three calls (load, dump, delete) and an invalid one
 * is one, none holding a handle from one case to the next, so a crash of
 * the library between two cases loses nothing (restart.yaml).
 *
 *   jansson TREE     (TREE: the unpacked jansson source package) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jansson.h"

/* FILE's whole content, NUL-terminated, its length in *len; NULL if it
 * cannot be read.  The caller frees it. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    FILE *f;
    char *buf = NULL;
    long n;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* The value of VAR=N in the case's env file, or 0. */
static int env_int(const char *env, const char *var)
{
    const char *p = env;
    size_t l = strlen(var);

    while (p && (p = strstr(p, var))) {
        if ((p == env || p[-1] == '\n') && p[l] == '=')
            return atoi(p + l + 1);
        p += l;
    }
    return 0;
}

static size_t dump_flags(const char *env)
{
    size_t flags = 0;
    int indent = env_int(env, "JSON_INDENT"), precision = env_int(env, "JSON_REAL_PRECISION");

    if (indent > 0)
        flags |= JSON_INDENT(indent);
    if (env_int(env, "JSON_COMPACT") > 0)
        flags |= JSON_COMPACT;
    if (env_int(env, "JSON_ENSURE_ASCII"))
        flags |= JSON_ENSURE_ASCII;
    if (env_int(env, "JSON_PRESERVE_ORDER"))
        flags |= JSON_PRESERVE_ORDER;
    if (env_int(env, "JSON_SORT_KEYS"))
        flags |= JSON_SORT_KEYS;
    if (precision > 0)
        flags |= JSON_REAL_PRECISION(precision);
    return flags;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every case of SUITES/suite; returns how many did not give what
 * the case expects. */
static int run_suite(const char *suites, const char *suite, int valid)
{
    char dir[4096], *names[256];
    int n = 0, failed = 0;
    DIR *d;
    struct dirent *e;

    snprintf(dir, sizeof dir, "%s/%s", suites, suite);
    d = opendir(dir);
    if (!d) {
        printf("%s: cannot open %s\n", suite, dir);
        return 1;
    }
    while ((e = readdir(d)) && n < 256)
        if (e->d_name[0] != '.' && strcmp(e->d_name, "run") != 0 &&
            strcmp(e->d_name, "Makefile.am") != 0)
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_name);

    for (int i = 0; i < n; i++) {
        char cdir[4096 + 256], line[512];
        size_t len = 0, elen = 0, envlen = 0;
        char *input, *expect, *env, *got = NULL;
        json_error_t error;
        json_t *json;

        snprintf(cdir, sizeof cdir, "%s/%s", dir, names[i]);
        input = slurp(cdir, "input", &len);
        /* The runner's "normal" variant reads the input as it is, as here. */
        expect = slurp(cdir, valid ? "output" : "error", &elen);
        if (!expect)
            expect = slurp(cdir, valid ? "output.normal" : "error.normal", &elen);
        env = slurp(cdir, "env", &envlen);
        if (!input || !expect) {
            printf("%s/%s: no input or expectation\n", suite, names[i]);
            failed++;
            goto next;
        }
        json = json_loadb(input, len, 0, &error);
        if (json) {
            got = json_dumps(json, dump_flags(env ? env : ""));
            json_delete(json);
        } else {
            snprintf(line, sizeof line, "%d %d %d\n%s\n", error.line, error.column,
                     error.position, error.text);
            got = strdup(line);
        }
        /* The runner's output has no newline of its own; the expectations
         * may end with one. */
        while (elen && expect[elen - 1] == '\n' && valid)
            expect[--elen] = '\0';
        {
            int ok = got && (valid ? json != NULL : json == NULL) && strcmp(got, expect) == 0;
            printf("%s %s/%s", ok ? "PASS" : "FAIL", suite, names[i]);
            if (!ok)
                printf(": got '%s'", got ? got : "(nothing)");
            printf("\n");
            failed += !ok;
        }
        free(got);
next:
        free(input);
        free(expect);
        free(env);
        free(names[i]);
    }
    return failed;
}

int main(int argc, char **argv)
{
    char suites[4096];
    int failed = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s JANSSON_TREE\n", argv[0]);
        return 2;
    }
    snprintf(suites, sizeof suites, "%s/test/suites", argv[1]);
    printf("jansson %s\n", jansson_version_str());
    json_object_seed(1);      /* the suite's HASHSEED=1, for every case */
    failed += run_suite(suites, "valid", 1);
    failed += run_suite(suites, "invalid", 0);
    failed += run_suite(suites, "invalid-unicode", 0);
    printf("%d cases failed\n", failed);
    return failed ? 1 : 0;
}
