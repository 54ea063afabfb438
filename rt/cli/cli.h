/*
 * cli.h - the subcommands of `fracture` (one file each).
 */
#ifndef FR_CLI_H
#define FR_CLI_H

int fr_cli_main(int argc, char **argv);
int fr_usage_error(const char *cmd, const char *msg);

int fr_cmd_run(int argc, char **argv);
int fr_cmd_check(int argc, char **argv);
int fr_cmd_modules(int argc, char **argv);
int fr_cmd_bench(int argc, char **argv);
int fr_cmd_partition(int argc, char **argv);
int fr_cmd_report(int argc, char **argv);

/* The bench's own fractured entry point (bench_app.c). */
int fr_bench_main(int argc, char **argv);

/* Whether @path is a program linked with libfracture; 0, or prints why
 * not and returns 1. */
int fr_check_app(const char *path);

#endif
