#include <fracture.h>
int lib_sum(FR_IN(n) const int *v, int n);
