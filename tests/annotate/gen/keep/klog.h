#ifndef KLOG_H
#define KLOG_H
#include <fracture.h>
FR_INIT void klog_open(FR_FD_KEEP int fd);
FR_ON_FAILURE(-1, EIO) int klog_line(const char *s);
#endif
