/*
 * cli.h - the subcommands of `fracture` (one file each).
 */
#ifndef FR_CLI_H
#define FR_CLI_H

#include <stdbool.h>

struct fr_perr;

int fr_cli_main(int argc, char **argv);
int fr_usage_error(const char *cmd, const char *msg);

/* args.c: the value of option argv[*i] ("--opt VALUE" or "--opt=VALUE";
 * *i moves past VALUE), or NULL; whether @a is option @name, either way;
 * a failure said on stderr, an argument's as command @cmd's: 2 for one of
 * usage, else 1. */
const char *fr_cli_value_of(int argc, char **argv, int *i, const char *name);
bool fr_cli_is_opt(const char *a, const char *name);
int fr_cli_fail(const char *cmd, const struct fr_perr *e);

int fr_cmd_run(int argc, char **argv);
int fr_cmd_check(int argc, char **argv);
int fr_cmd_modules(int argc, char **argv);
int fr_cmd_bench(int argc, char **argv);
int fr_cmd_partition(int argc, char **argv);
int fr_cmd_report(int argc, char **argv);
int fr_cmd_ps(int argc, char **argv);
int fr_cmd_ctl(int argc, char **argv);

/* Whether @path is a program linked with libfracture; 0, or prints why
 * not and returns 1. */
int fr_check_app(const char *path);

#endif
