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
    /* the call first: arguments are evaluated in no set order */
    int bumped = buf_bump(&a, &b);
    printf("bump %d %d %d\n", bumped, b.x, b.y);
    size_t hashed = buf_hash("fracture", 8, &h);
    printf("hash %zu %08x\n", hashed, h);
    return argc - 1;
}
