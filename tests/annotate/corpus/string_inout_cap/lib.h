#include <fracture.h>
#include <stddef.h>
int lib_upper(FR_STRING FR_INOUT(cap) char *buf, size_t cap);
