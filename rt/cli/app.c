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

/* The options of run and check, in any order: -c FILE (--config FILE,
 * --config=FILE), --json, --help.  For run the first operand is the
 * program and what follows it is the program's; "--" ends the options of
 * both.  Returns 0, 1 for --help (printed), or 2 (a usage error, said). */
struct app_opts {
    const char *cfg;
    int json;
    int prog;                 /* index of the program in argv, or 0 */
    int nprogs;               /* operands given (check takes one) */
};

static int app_options(const char *cmd, const char *help, int argc, char **argv,
                       struct app_opts *o)
{
    int run = strcmp(cmd, "run") == 0;

    *o = (struct app_opts){ 0 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            if (i + 1 < argc && !o->prog)
                o->prog = i + 1;
            o->nprogs += argc - i - 1;
            break;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(help, stdout);
            return 1;
        } else if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
            if (i + 1 >= argc) {
                char msg[64];
                snprintf(msg, sizeof msg, "%s needs a config file", a);
                return fr_usage_error(cmd, msg);
            }
            o->cfg = argv[++i];
        } else if (strncmp(a, "--config=", 9) == 0) {
            o->cfg = a + 9;
        } else if (a[0] == '-' && a[1]) {
            char msg[256];
            snprintf(msg, sizeof msg, "unknown option '%.200s'", a);
            return fr_usage_error(cmd, msg);
        } else {
            if (!o->prog)
                o->prog = i;
            o->nprogs++;
            if (run)
                break;        /* the rest is the program's */
        }
    }
    return 0;
}

static int set_config(const char *cfg)
{
    char abs[PATH_MAX];

    if (!realpath(cfg, abs)) {
        fprintf(stderr, "fracture: error: %s: %s\n", cfg, strerror(errno));
        return 1;
    }
    /* As given, not as resolved: `fracture run` names the file in its
     * messages exactly as `fracture check` and FRACTURE_CONFIG= do. */
    setenv("FRACTURE_CONFIG", cfg, 1);
    return 0;
}

int fr_cmd_run(int argc, char **argv)
{
    static const char help[] =
        "usage: fracture run [-c deploy.yaml] [--json] [--] ./app [args...]\n\n"
        "Runs the app with its modules composed into FMPs as the config says\n"
        "(without -c: as one process).  The exit status is the app's; its\n"
        "stdout and stderr are its own.  --json: an error in the config is\n"
        "reported as one JSON object on stderr, {\"config\", \"ok\", \"errors\"}.\n";
    struct app_opts o;
    int rc = app_options("run", help, argc, argv, &o);

    if (rc)
        return rc == 1 ? 0 : rc;
    if (!o.prog)
        return fr_usage_error("run", "no program to run");
    if (fr_check_app(argv[o.prog]))
        return 1;
    if (o.cfg && set_config(o.cfg))
        return 1;
    if (!o.cfg)
        unsetenv("FRACTURE_CONFIG");
    if (o.json)
        setenv("FRACTURE_JSON", "1", 1);
    else
        unsetenv("FRACTURE_JSON");
    execvp(argv[o.prog], argv + o.prog);
    fprintf(stderr, "fracture: error: cannot run %s: %s\n", argv[o.prog], strerror(errno));
    return 1;
}

int fr_cmd_check(int argc, char **argv)
{
    static const char help[] =
        "usage: fracture check -c deploy.yaml [--json] ./app\n\n"
        "Checks the config against the app's module table and starts nothing.\n"
        "Every problem is reported as file:line:col; exit status 1 if any.\n"
        "--json: the verdict as one JSON object on stdout: {\"config\", \"ok\",\n"
        "\"fmps\", \"modules\", \"errors\": [{\"file\", \"line\", \"col\", \"severity\",\n"
        "\"message\", \"hint\"}]}.\n";
    struct app_opts o;
    int rc = app_options("check", help, argc, argv, &o);

    if (rc)
        return rc == 1 ? 0 : rc;
    if (!o.cfg)
        return fr_usage_error("check", "-c deploy.yaml is required");
    if (!o.prog)
        return fr_usage_error("check", "no program to check the config against");
    if (o.nprogs > 1)
        return fr_usage_error("check", "one program only");
    if (fr_check_app(argv[o.prog]))
        return 1;
    if (access(o.cfg, R_OK) < 0) {
        fprintf(stderr, "fracture: error: %s: %s\n", o.cfg, strerror(errno));
        return 1;
    }
    setenv("FRACTURE_CONFIG", o.cfg, 1);   /* as given: messages name it so */
    setenv("FRACTURE_CHECK", "1", 1);
    if (o.json)
        setenv("FRACTURE_JSON", "1", 1);
    else
        unsetenv("FRACTURE_JSON");
    char *av[] = { argv[o.prog], NULL };
    return run_and_wait(av) == 0 ? 0 : 1;
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
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: fracture modules [--json] ./app\n\n"
                   "Lists the modules of a fractured app, their caps and functions.\n");
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (argv[i][0] == '-' && argv[i][1] && !app) {
            char msg[256];
            snprintf(msg, sizeof msg, "unknown option '%.200s'", argv[i]);
            return fr_usage_error("modules", msg);
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
