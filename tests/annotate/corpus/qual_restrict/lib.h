#include <fracture.h>
void lib_scale(FR_OUT(n) int *restrict dst, FR_IN(n) const int *restrict src, int n, int k);
