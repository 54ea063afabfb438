/*
 * main.c - the `fracture` command: dispatch to a subcommand.
 *
 * Conventions for every command: `--help`; errors on stderr as
 * "fracture: error: ..."; exit status 2 for usage, 1 for failure; JSON
 * with --json.  `fracture` is itself a fractured program (its bench
 * modules, bench_app.c), but it applies a config to itself only for the
 * bench, never because FRACTURE_CONFIG happens to be set for an app.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "run", fr_cmd_run, "run an app with a deployment config" },
    { "check", fr_cmd_check, "check a deployment config against an app, start nothing" },
    { "modules", fr_cmd_modules, "list the modules, caps and functions an app holds" },
    { "bench", fr_cmd_bench, "measure call costs against the alternatives" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: fracture <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
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
    if (getenv("FRACTURE_PLAN") || getenv("FRACTURE_BENCH_INNER"))
        return fr_bench_main(argc, argv);
    return fr_cli_main(argc, argv);
}
