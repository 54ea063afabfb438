/* FR_INIT and FR_ON_FAILURE: the device module logs its setup, and a call
 * to it fails with its declared value once its FMP is gone for good. */
#include <fracture.h>
#include <stdlib.h>
#include "dev.h"

FRACTURE_MODULE(dev, FR_RESTARTABLE);

static int base;

FR_INIT void dev_setup(int b)
{
    base = b;
}

int dev_read(int i)
{
    return base + i;
}

FR_ON_FAILURE(-1, EIO) int dev_poke(int i)
{
    if (i < 0 && getenv("DEV_CRASH"))
        abort();
    return base * i;
}
