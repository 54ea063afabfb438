#include <fracture.h>
FR_RET(n) FR_RET_OWNED int *lib_range(int n);
