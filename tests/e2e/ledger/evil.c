/* evil module: honest as an implementation; its dispatcher lies (stubs.c). */
#include <string.h>

#include "ledger.h"

int __fr_impl_evil_fill(void *out, size_t n)
{
    memset(out, 'e', n);
    return 0;
}
