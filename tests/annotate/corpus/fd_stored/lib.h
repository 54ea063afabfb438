#include <fracture.h>
void lib_log_to(FR_FD int fd);
void lib_log(const char *msg);
