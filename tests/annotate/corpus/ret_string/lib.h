#include <fracture.h>
FR_RET_STRING const char *lib_name(int i);
