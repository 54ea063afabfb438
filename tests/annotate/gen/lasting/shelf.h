#ifndef SHELF_H
#define SHELF_H
#include <fracture.h>
struct shelf;
/* made by FR_INIT calls: the objects live on across restarts */
FR_INIT struct shelf *shelf_open(int seed);
FR_INIT struct shelf *shelf_child(struct shelf *parent, int add);
/* an FR_INIT call whose answer depends on the incarnation's layout */
FR_INIT int shelf_count(void);
/* made by any other call: dies with the incarnation */
struct shelf *shelf_temp(int seed);
FR_ON_FAILURE(-1, EIO) int shelf_get(struct shelf *s);
FR_ON_FAILURE(NULL, EIO) struct shelf *shelf_self(struct shelf *s);
void shelf_crash(void);
#endif
