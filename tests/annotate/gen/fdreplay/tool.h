#ifndef TOOL_H
#define TOOL_H
#include <fracture.h>
FR_RET_FD int main_open(void);
FR_ON_FAILURE(-1, EIO) int tool_use(int n);
#endif
