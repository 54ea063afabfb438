#include <fracture.h>
struct point { int x, y; };
void lib_swap_all(FR_INOUT(n) struct point *p, int n);
