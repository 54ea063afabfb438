#include <stddef.h>
#include <stdint.h>
void lib_zero(uint8_t *dest, size_t n);
