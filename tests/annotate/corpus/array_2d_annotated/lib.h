#include <fracture.h>
int lib_trace(int rows, FR_IN(rows) const int m[][3]);
