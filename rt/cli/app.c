/*
 * app.c - the commands that act on an app: run, check, modules.  They pass
 * the config to the app through the environment (FRACTURE_CONFIG) and let
 * the app's own runtime do the work, so that what `fracture check` accepts
 * is exactly what the app will run.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* A program fit for FRACTURE_* variables links libfracture: dynamically
 * (it names libfracture.so) or statically (it holds the runtime's strings). */
int fr_check_app(const char *path)
{
    char *prog = NULL;
    FILE *f;
    int found = 0;

    if (!strchr(path, '/')) {
        /* resolve through PATH as execvp would */
        const char *p = getenv("PATH");
        char *copy = strdup(p && *p ? p : "/usr/bin:/bin"), *save = NULL;
        for (char *d = strtok_r(copy, ":", &save); d && !prog; d = strtok_r(NULL, ":", &save)) {
            char buf[PATH_MAX];
            snprintf(buf, sizeof buf, "%s/%s", d, path);
            if (access(buf, X_OK) == 0)
                prog = strdup(buf);
        }
        free(copy);
    } else {
        prog = strdup(path);
    }
    f = prog ? fopen(prog, "rb") : NULL;
    if (!f) {
        fprintf(stderr, "fracture: error: cannot open %s: %s\n", path,
                prog ? strerror(errno) : "not found in PATH");
        free(prog);
        return 1;
    }
    /* Scan for either marker, across buffer boundaries. */
    static const char *const marks[] = { "libfracture.so", "FRACTURE_PLAN" };
    char buf[65536 + 32];
    size_t keep = 0, n;
    while (!found && (n = fread(buf + keep, 1, 65536, f)) > 0) {
        size_t len = keep + n;
        for (size_t m = 0; m < 2 && !found; m++)
            found = memmem(buf, len, marks[m], strlen(marks[m])) != NULL;
        keep = len < 31 ? len : 31;
        memmove(buf, buf + len - keep, keep);
    }
    fclose(f);
    free(prog);
    if (!found)
        fprintf(stderr,
                "fracture: error: %s is not a fractured program (it does not link libfracture)\n"
                "  hint: build it with fracture_add_executable(), or link -lfracture\n",
                path);
    return !found;
}

static int run_and_wait(char **argv)
{
    pid_t pid = fork();
    int status;

    if (pid < 0) {
        fprintf(stderr, "fracture: error: fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "fracture: error: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Parse "-c FILE" / "--config FILE" at argv[1..]; returns the index after. */
static int config_opt(int argc, char **argv, const char **cfg)
{
    int i = 1;

    *cfg = NULL;
    if (i + 1 < argc && (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0)) {
        *cfg = argv[i + 1];
        i += 2;
    }
    return i;
}

static int set_config(const char *cfg)
{
    char abs[PATH_MAX];

    if (!realpath(cfg, abs)) {
        fprintf(stderr, "fracture: error: %s: %s\n", cfg, strerror(errno));
        return 1;
    }
    setenv("FRACTURE_CONFIG", abs, 1);
    return 0;
}

int fr_cmd_run(int argc, char **argv)
{
    const char *cfg;
    int i;

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: fracture run [-c deploy.yaml] [--] ./app [args...]\n\n"
               "Runs the app with its modules composed into FMPs as the config says\n"
               "(without -c: as one process).  The exit status is the app's.\n");
        return 0;
    }
    i = config_opt(argc, argv, &cfg);
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc)
        return fr_usage_error("run", "no program to run");
    if (fr_check_app(argv[i]))
        return 1;
    if (cfg && set_config(cfg))
        return 1;
    if (!cfg)
        unsetenv("FRACTURE_CONFIG");
    execvp(argv[i], argv + i);
    fprintf(stderr, "fracture: error: cannot run %s: %s\n", argv[i], strerror(errno));
    return 1;
}

int fr_cmd_check(int argc, char **argv)
{
    const char *cfg;
    int i;

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: fracture check -c deploy.yaml ./app\n\n"
               "Checks the config against the app's module table and starts nothing.\n"
               "Every problem is reported as file:line:col; exit status 1 if any.\n");
        return 0;
    }
    i = config_opt(argc, argv, &cfg);
    if (!cfg)
        return fr_usage_error("check", "-c deploy.yaml is required");
    if (i >= argc)
        return fr_usage_error("check", "no program to check the config against");
    if (i + 1 < argc)
        return fr_usage_error("check", "one program only");
    if (fr_check_app(argv[i]))
        return 1;
    if (access(cfg, R_OK) < 0) {
        fprintf(stderr, "fracture: error: %s: %s\n", cfg, strerror(errno));
        return 1;
    }
    setenv("FRACTURE_CONFIG", cfg, 1);   /* as given: messages name it so */
    setenv("FRACTURE_CHECK", "1", 1);
    return run_and_wait(argv + i) == 0 ? 0 : 1;
}

/* Run the app with FRACTURE_MODULES set and return what it printed. */
static char *module_json(char *app)
{
    int pfd[2];
    pid_t pid;
    char *out = NULL;
    size_t len = 0;
    int status;

    if (pipe(pfd) < 0)
        return NULL;
    pid = fork();
    if (pid == 0) {
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        unsetenv("FRACTURE_CONFIG");
        setenv("FRACTURE_MODULES", "1", 1);
        char *av[] = { app, NULL };
        execvp(app, av);
        _exit(127);
    }
    close(pfd[1]);
    FILE *f = fdopen(pfd[0], "r");
    FILE *m = open_memstream(&out, &len);
    int c;
    while (f && m && (c = fgetc(f)) != EOF)
        fputc(c, m);
    if (m)
        fclose(m);
    if (f)
        fclose(f);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

int fr_cmd_modules(int argc, char **argv)
{
    int json = 0, i;
    const char *app = NULL;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: fracture modules [--json] ./app\n\n"
                   "Lists the modules of a fractured app, their caps and functions.\n");
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (!app) {
            app = argv[i];
        } else {
            return fr_usage_error("modules", "one program only");
        }
    }
    if (!app)
        return fr_usage_error("modules", "no program given");
    if (fr_check_app(app))
        return 1;
    char *text = module_json((char *)app);
    json_error_t jerr;
    json_t *root = text ? json_loads(text, 0, &jerr) : NULL;
    if (!root) {
        fprintf(stderr, "fracture: error: %s did not describe its modules%s%s\n", app,
                text ? ": " : "", text ? jerr.text : "");
        free(text);
        return 1;
    }
    if (json) {
        fputs(text, stdout);
    } else {
        size_t m;
        json_t *mod;
        printf("%-20s %-36s %s\n", "MODULE", "CAPS", "FUNCTIONS");
        json_array_foreach(json_object_get(root, "modules"), m, mod) {
            char caps[64] = "", fns[4096] = "";
            size_t k;
            json_t *v;
            json_array_foreach(json_object_get(mod, "caps"), k, v)
                snprintf(caps + strlen(caps), sizeof caps - strlen(caps), "%s%s",
                         k ? "," : "", json_string_value(v));
            json_array_foreach(json_object_get(mod, "functions"), k, v)
                snprintf(fns + strlen(fns), sizeof fns - strlen(fns), "%s%s", k ? " " : "",
                         json_string_value(v));
            printf("%-20s %-36s %s\n", json_string_value(json_object_get(mod, "name")),
                   caps[0] ? caps : "-", fns);
        }
    }
    json_decref(root);
    free(text);
    return 0;
}
