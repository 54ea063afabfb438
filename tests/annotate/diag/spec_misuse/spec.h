/* FRACTURE_MODULE has no place in a spec (it would name the module of
 * every file); FRACTURE_MODULE_FILES lists string literals. */
#include <fracture.h>

FRACTURE_MODULE(lib, 0);
FRACTURE_MODULE_FILES(util, 0, lib.c);
