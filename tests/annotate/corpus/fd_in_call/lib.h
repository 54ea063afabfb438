#include <fracture.h>
int lib_say(FR_FD int fd, int times);
