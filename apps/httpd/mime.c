/*
 * mime.c - module "mime": the Content-Type of a file, from its extension.
 * A table lookup: restartable, replicable, samplable.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "files.h"

/* Static helpers of this file belong to the module too (FR_MODULE moves
 * only the function it stands on). */
FRACTURE_MODULE(mime, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE);

static const struct {
    const char *ext, *type;
} types[] = {
    { "html", "text/html; charset=utf-8" }, { "htm", "text/html; charset=utf-8" },
    { "txt", "text/plain; charset=utf-8" }, { "css", "text/css" },
    { "js", "text/javascript" },            { "json", "application/json" },
    { "xml", "application/xml" },           { "png", "image/png" },
    { "jpg", "image/jpeg" },                { "jpeg", "image/jpeg" },
    { "gif", "image/gif" },                 { "svg", "image/svg+xml" },
    { "ico", "image/x-icon" },              { "pdf", "application/pdf" },
    { "wasm", "application/wasm" },         { "gz", "application/gzip" },
};

/* How often a long extension was seen (read by nobody: a debugger's). */
static volatile unsigned long long_exts;

/*
 * DELIBERATE BUG (issue 16): an extension longer than 8 characters is
 * copied, truncated, into a 16-byte block of which only 8 bytes are
 * written, and byte 8 is then tested: memcheck's "conditional jump depends
 * on uninitialised value(s)".  The answer does not depend on it (both
 * branches return the same), so only a deployment that isolates mime
 * under memcheck, with users who fetch such files, ever learns of it.
 */
static void note_long_ext(const char *ext)
{
    char *copy = malloc(16);
    volatile size_t end = 8;   /* the compiler would see the bug and refuse it */

    if (!copy)
        return;
    memcpy(copy, ext, 8);
    if (copy[end] != '\0')
        long_exts++;
    free(copy);
}

FR_MODULE(mime, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE)
FR_RET_STRING const char *mime_type(const char *name)
{
    const char *slash = strrchr(name, '/'), *dot = strrchr(name, '.');

    if (dot && (!slash || dot > slash) && strlen(dot + 1) > 8)
        note_long_ext(dot + 1);
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcasecmp(dot + 1, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}
