#include <fracture.h>
#include <unistd.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_say(FR_FD int fd, int times)
{
    int n = 0;
    for (int i = 0; i < times; i++)
        n += (int)write(fd, "hello\n", 6);
    return n;
}
