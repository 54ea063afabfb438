/*
 * args.c - what the subcommands that take valued options share (cli.h):
 * "--opt VALUE" and "--opt=VALUE", and how a failure of theirs is said.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "perr.h"

const char *fr_cli_value_of(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    const char *a = argv[*i];

    if (strncmp(a, name, n) == 0 && a[n] == '=')
        return a + n + 1;
    if (strcmp(a, name) == 0 && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

bool fr_cli_is_opt(const char *a, const char *name)
{
    size_t n = strlen(name);
    return strncmp(a, name, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

int fr_cli_fail(const char *cmd, const struct fr_perr *e)
{
    /* an argument's error is the command's, as fr_usage_error says it */
    fprintf(stderr, "fracture: error: %s%s%s\n", e->kind == FR_PERR_USAGE ? cmd : "",
            e->kind == FR_PERR_USAGE ? ": " : "", e->msg ? e->msg : "failed");
    if (e->hint)
        fprintf(stderr, "  hint: %s\n", e->hint);
    return e->kind == FR_PERR_USAGE ? 2 : 1;
}
