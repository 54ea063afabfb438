/* A library without main(): a fractured program needs one. */
#include <fracture.h>

FRACTURE_MODULE(lib, 0);

int lib_add(int a, int b)
{
    return a + b;
}
