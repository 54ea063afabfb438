/* The spec puts lib.c in module 'lib'; lib.c itself says 'store'. */
#include <fracture.h>

FRACTURE_MODULE_FILES(lib, 0, "lib.c");

int lib_get(int k);
