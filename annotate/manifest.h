/*
 * manifest.h - the module model as JSON, for the code generator and for
 * people: byte-identical for the same input (everything sorted, no
 * addresses, no times).
 */
#ifndef FRA_MANIFEST_H
#define FRA_MANIFEST_H

#include "model.h"

/* fra_manifest_write - write @m to @path ("-": stdout).  Returns 0 or a
 * negative errno. */
int fra_manifest_write(struct fra_model *m, const char *path);

#endif /* FRA_MANIFEST_H */
