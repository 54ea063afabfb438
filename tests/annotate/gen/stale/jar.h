#ifndef JAR_H
#define JAR_H
#include <fracture.h>
struct jar;
struct jar *jar_open(int seed);
FR_ON_FAILURE(-1, EIO) int jar_get(struct jar *j);
void jar_crash(void);
#endif
