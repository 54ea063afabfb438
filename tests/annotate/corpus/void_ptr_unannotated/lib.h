#include <stddef.h>
int lib_put(const void *val, size_t len);
