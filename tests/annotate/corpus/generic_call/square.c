#include <fracture.h>
#include "shapes.h"

FRACTURE_MODULE(square, 0);

long square_area(struct square s)
{
    return s.side * s.side;
}
