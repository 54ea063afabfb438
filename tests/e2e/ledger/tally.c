/* tally module: state that only FR_INIT calls build (tally_add), made by
 * the text module from its own FR_INIT function (text_init).  It counts
 * every setup, so that one made twice in an incarnation, or missing from
 * one, shows in the report. */
#include <stdlib.h>
#include <unistd.h>

#include "ledger.h"

static long total;
static long adds;

int __fr_impl_tally_add(const int *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        total += v[i];
    return (int)++adds;
}

long __fr_impl_tally_report(int what)
{
    return what == 0 ? total : what == 1 ? adds : (long)getpid();
}
