/*
 * main.c - the `fracture` command: dispatch to a subcommand.
 *
 * Conventions for every command: `--help`; errors on stderr as
 * "fracture: error: ..."; exit status 2 for usage, 1 for failure; JSON
 * with --json.  `fracture` is not itself a fractured program: the bench's
 * is fracture-bench (bench_run.c), so no FRACTURE_CONFIG set for an app
 * ever applies to `fracture`.
 *
 * `fracture annotate` is the annotator itself: it execs fracture-annotate,
 * found beside this binary (as installed) or else on PATH.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define ANNOTATOR "fracture-annotate"

/* Replaces this process with fracture-annotate ARGS; returns only if it
 * could not be started.  The one beside /proc/self/exe comes first, so that
 * an installed `fracture` runs the annotator of its own release rather than
 * whichever one PATH finds; then, for a `fracture` run from the build tree
 * (rt/fracture), the one the same build made (annotate/). */
static int cmd_annotate(int argc, char **argv)
{
    static const char *const near[] = { "", "../annotate/" };
    char self[PATH_MAX], beside[PATH_MAX + sizeof ANNOTATOR + 16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    int help = argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);

    if (help) {
        printf("usage: fracture annotate [-o OUTDIR] [-p BUILD_DIR] [--spec FILE.h]... FILE... [-- FLAGS...]\n\n"
               "Runs fracture-annotate (beside this binary, or in the build tree that\n"
               "made it, else on PATH) with the same arguments: its options follow.\n\n");
        fflush(stdout);
    }
    argv[0] = ANNOTATOR;
    if (n > 0) {
        char *slash;
        self[n] = '\0';
        slash = strrchr(self, '/');
        for (size_t i = 0; slash && i < sizeof near / sizeof near[0]; i++) {
            slash[1] = '\0';
            snprintf(beside, sizeof beside, "%s%s%s", self, near[i], ANNOTATOR);
            if (access(beside, X_OK) == 0) {
                execv(beside, argv);
                fprintf(stderr, "fracture: error: annotate: cannot run %s: %s\n", beside,
                        strerror(errno));
                return 1;
            }
        }
    }
    execvp(ANNOTATOR, argv);
    fprintf(stderr, "fracture: error: annotate: cannot run %s: %s\n"
                    "  hint: install it beside %s, or put its directory on PATH\n",
            ANNOTATOR, strerror(errno), n > 0 ? self : "the fracture binary");
    return 1;
}

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "annotate", cmd_annotate, "check annotated sources, or write the fractured program's sources" },
    { "run", fr_cmd_run, "run an app with a deployment config" },
    { "check", fr_cmd_check, "check a deployment config against an app, start nothing" },
    { "modules", fr_cmd_modules, "list the modules, caps and functions an app holds" },
    { "partition", fr_cmd_partition, "find the cheapest FMP boundary from training traces" },
    { "report", fr_cmd_report, "merge Valgrind reports from many deployments into ranked bug classes" },
    { "ps", fr_cmd_ps, "list this user's running fractured programs and their FMPs" },
    { "ctl", fr_cmd_ctl, "act on FMPs of running programs (stats, restart, stop, signal, env-next)" },
    { "bench", fr_cmd_bench, "measure call costs against the alternatives" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: fracture <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n`fracture <command> --help` tells more.  Version %s.\n", FR_VERSION);
}

int fr_usage_error(const char *cmd, const char *msg)
{
    fprintf(stderr, "fracture: error: %s%s%s\n  hint: fracture %s --help\n", cmd ? cmd : "",
            cmd ? ": " : "", msg, cmd ? cmd : "");
    return 2;
}

int fr_cli_main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr), 2;
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0)
        return usage(stdout), 0;
    if (strcmp(argv[1], "--version") == 0)
        return printf("fracture %s\n", FR_VERSION), 0;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "fracture: error: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}

int main(int argc, char **argv)
{
    return fr_cli_main(argc, argv);
}
