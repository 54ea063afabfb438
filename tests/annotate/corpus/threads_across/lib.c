#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

long lib_step(int i)
{
    return i % 7;
}
