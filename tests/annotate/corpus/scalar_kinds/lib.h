#include <stddef.h>
long long lib_mix(signed char c, unsigned short s, long long l, float f, size_t n);
