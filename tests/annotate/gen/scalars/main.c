#include <stdio.h>
#include "calc.h"

int main(void)
{
    struct pair p = {1.5, 2.5};
    struct pair q = calc_swap(p, 3.0f);
    printf("mix %.2f %.2f\n", calc_mix(OP_ADD, p, 10, 200), calc_mix(OP_MUL, p, 2, 1));
    printf("swap %.2f %.2f\n", q.a, q.b);
    printf("norm %ld\n", calc_norm(p));
}
