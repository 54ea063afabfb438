/*
 * plugins.c - the plugin host (root): tells each plugin of each shown line
 * and passes it the /commands no built-in takes.  The plugins are modules,
 * called by name, not through a table of pointers: a call from the root
 * into another FMP goes through the plugin's stub, and a function pointer
 * would need FR_CALLBACK on every use.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "client.h"

int plugins_init(const struct options *o)
{
    int rc = 0;

    if (o->log_dir[0])
        rc = logger_init(o->log_dir);
    if (rc == 0)
        rc = highlight_init(o->highlight);
    return rc;
}

int plugins_event(const struct plugin_event *ev)
{
    struct plugin_action a;
    int flags = 0;

    if (logger_event(ev, &a) == 0)
        flags |= a.flags;
    if (highlight_event(ev, &a) > 0)
        flags |= a.flags;
    if (seen_event(ev, &a) == 0)
        flags |= a.flags;
    return flags;
}

int plugins_command(const char *cmd, const char *args, char *reply, size_t cap)
{
    struct plugin_action a;

    if (seen_command(cmd, args, (long long)time(NULL), &a) == 0 && (a.flags & PA_SHOW)) {
        snprintf(reply, cap, "%s", a.reply);
        return 0;
    }
    return -ENOENT;
}
