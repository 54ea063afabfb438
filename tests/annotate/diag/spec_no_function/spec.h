/* A misspelt name: without an error lib_fill would stay unannotated
 * (and be refused for its char *, or worse, inferred). */
#include <fracture.h>

FRACTURE_MODULE_FILES(lib, 0, "lib.c");

int lib_fil(FR_OUT(cap) char *buf, int cap);
