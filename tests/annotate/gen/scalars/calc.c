/* Scalars, enums and structs by value; two modules in one file (FR_MODULE),
 * so that a call between them is rewritten in place. */
#include <fracture.h>
#include "calc.h"

FRACTURE_MODULE(calc, FR_RESTARTABLE);

double calc_mix(enum op op, struct pair p, long k, unsigned char c)
{
    switch (op) {
    case OP_ADD:
        return p.a + p.b + (double)k + c;
    case OP_MUL:
        return p.a * p.b * (double)k + c;
    }
    return -1;
}

FR_MODULE(scale, 0) struct pair calc_swap(struct pair p, float f)
{
    struct pair q = {p.b * f, p.a * f};
    return q;
}

/* calc -> scale, in the same file */
long calc_norm(struct pair p)
{
    struct pair q = calc_swap(p, 2.0f);
    return (long)(q.a * q.a + q.b * q.b);
}
