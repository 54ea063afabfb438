#include <fracture.h>
struct point { int x, y; };
int lib_origin(FR_OUT(1) struct point *out, int k);
