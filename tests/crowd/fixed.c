/* fixed.c - module fixed: restartable only, so the crowd may not sample it. */
#include <fracture.h>

#include "crowdbug.h"

FRACTURE_MODULE(fixed, FR_RESTARTABLE);

int fixed_twice(int n)
{
    return 2 * n;
}
