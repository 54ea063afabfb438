/*
 * mime.c - module "mime": the Content-Type of a file, from its extension.
 * A table lookup: restartable, replicable, samplable.
 */
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

FR_MODULE(mime, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE)
FR_RET_STRING const char *mime_type(const char *name)
{
    const char *slash = strrchr(name, '/'), *dot = strrchr(name, '.');

    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcasecmp(dot + 1, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}
