/* "lib.c" matches src/lib.c by suffix; "util.c" matches nothing. */
#include <fracture.h>

FRACTURE_MODULE_FILES(lib, 0, "lib.c", "util.c");
