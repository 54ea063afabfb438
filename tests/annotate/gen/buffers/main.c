#include <stdio.h>
#include "buf.h"

int main(int argc, char **argv)
{
    int v[6] = {1, 2, 3, 4, 5, 6};
    short m[6];
    struct point a = {1, 2}, b = {10, 20};
    unsigned h;

    (void)argv;
    printf("sum %ld %ld\n", buf_sum(v, 6), buf_sum(NULL, 0));
    buf_fill(m, 2, 3);
    printf("fill %d %d %d\n", m[0], m[3], m[5]);
    buf_twice(v, 3);
    printf("twice %d %d\n", v[0], v[5]);
    printf("bump %d %d %d\n", buf_bump(&a, &b), b.x, b.y);
    printf("hash %zu %08x\n", buf_hash("fracture", 8, &h), h);
    return argc - 1;
}
