/* A spec whose annotations and prototypes the sources contradict. */
#include <fracture.h>

FRACTURE_MODULE_FILES(lib, FR_RESTARTABLE, "lib.c");

int lib_sum(FR_IN(n) const int *v, int n);
int lib_fill(FR_OUT(cap) char *buf, long cap);
