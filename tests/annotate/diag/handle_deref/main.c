#include "obj.h"

int main(void)
{
    obj_t *o = obj_new(3);
    int v = obj_value(o);
    obj_decref(o);
    return v - 3;
}
