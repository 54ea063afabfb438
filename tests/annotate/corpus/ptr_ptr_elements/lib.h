#include <fracture.h>
int lib_total(int rows, FR_IN(rows) const int *const *m);
