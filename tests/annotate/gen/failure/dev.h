#ifndef DEV_H
#define DEV_H
#include <fracture.h>
FR_INIT void dev_setup(int b);
int dev_read(int i);
FR_ON_FAILURE(-1, EIO) int dev_poke(int i);
#endif
