/*
 * highlight.c - plugin module "highlight": a message that names the
 * client's nick, or one of the keywords given with --highlight, gets a mark
 * and a bell.  The keywords are its state, set by an FR_INIT call, so a
 * restarted highlight comes back with them; the nick comes with each event.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "plugin.h"

FRACTURE_MODULE(highlight, FR_RESTARTABLE);

static char keywords[1024];   /* comma-separated */

int highlight_init(const char *words)
{
    if (strlen(words) >= sizeof keywords)
        return -ENAMETOOLONG;
    strcpy(keywords, words);
    return 0;
}

/* Whether word occurs in text as a whole word, in any case. */
static int mentions(const char *text, const char *word, size_t n)
{
    if (!n)
        return 0;
    for (const char *p = text; (p = strcasestr(p, word)) != NULL; p++) {
        int before = p == text || !isalnum((unsigned char)p[-1]);
        int after = !isalnum((unsigned char)p[n]);
        if (before && after)
            return 1;
    }
    return 0;
}

int highlight_event(const struct plugin_event *ev, struct plugin_action *out)
{
    memset(out, 0, sizeof *out);
    if (ev->kind != PEV_MESSAGE)
        return 0;
    if (mentions(ev->text, ev->mynick, strlen(ev->mynick))) {
        out->flags = PA_BELL | PA_MARK;
        return 1;
    }
    for (const char *k = keywords; *k;) {
        size_t n = strcspn(k, ",");
        char word[256];

        if (n && n < sizeof word) {
            memcpy(word, k, n);
            word[n] = '\0';
            if (mentions(ev->text, word, n)) {
                out->flags = PA_BELL | PA_MARK;
                return 1;
            }
        }
        k += n;
        if (*k == ',')
            k++;
    }
    return 0;
}
