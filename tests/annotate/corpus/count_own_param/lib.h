#include <fracture.h>
#include <string.h>
void lib_rot(FR_STRING FR_INOUT(strlen(s) + 1) char *s);
