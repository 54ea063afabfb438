/* A dispatcher that cannot get the memory for a call's buffer fails with
 * ENOMEM, and the caller says so: the callee is short of memory, it did
 * not break the protocol. */
#include <fracture.h>
#include <string.h>
#include "big.h"

FRACTURE_MODULE(big, 0);

size_t big_fill(FR_OUT(n) char *out, size_t n)
{
    memset(out, 'x', n);
    return n;
}
