/*
 * logger.c - plugin module "logger": every line a window shows, appended to
 * DIR/WINDOW.log (the window's name lower-cased, '/' made '_').  The
 * directory is its state, set by an FR_INIT call, so a restarted logger
 * comes back writing where it did; the files are opened per line, so a
 * crash loses none.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plugin.h"

FRACTURE_MODULE(logger, FR_RESTARTABLE);

static char log_dir[1024];

int logger_init(const char *dir)
{
    if (strlen(dir) >= sizeof log_dir)
        return -ENAMETOOLONG;
    strcpy(log_dir, dir);
    return 0;
}

int logger_event(const struct plugin_event *ev, struct plugin_action *out)
{
    char name[NICK_MAX], path[sizeof log_dir + NICK_MAX + 8];
    FILE *f;
    size_t i;

    memset(out, 0, sizeof *out);
    if (!log_dir[0] || !ev->line[0])
        return 0;
    for (i = 0; ev->window[i] && i + 1 < sizeof name; i++) {
        char c = (char)tolower((unsigned char)ev->window[i]);
        name[i] = c == '/' || c == '.' ? '_' : c;
    }
    name[i] = '\0';
    snprintf(path, sizeof path, "%s/%s.log", log_dir, name);
    f = fopen(path, "ae");
    if (!f)
        return -errno;
    fprintf(f, "%s\n", ev->line);
    if (fclose(f) != 0)
        return -errno;
    return 0;
}
