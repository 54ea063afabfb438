#include <stdarg.h>
int lib_vsum(int n, va_list ap);
