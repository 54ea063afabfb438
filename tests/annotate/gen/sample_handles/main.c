#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"

int main(void)
{
    struct cell *c[8], *arr[4];
    int sum = 0;

    for (int i = 0; i < 8; i++)
        c[i] = cell_new(i * 10);
    for (int i = 0; i < 8; i++)
        cell_add(c[i], i);
    for (int i = 0; i < 8; i++)
        sum += cell_get(c[i]);
    printf("cells %d\n", sum);
    printf("filled %d\n", cell_fill(4, arr, 100));
    printf("total %d, pair %d\n", cell_total(4, arr), cell_pair(arr[0], arr[3]));
    cell_add(arr[2], 5);
    printf("total %d\n", cell_total(4, arr));
    if (getenv("CELL_MIX")) {
        /* split: some c[i] was made by the other instance than c[0] */
        for (int i = 1; i < 8; i++) {
            errno = 0;
            int v = cell_pair_checked(c[0], c[i]);
            if (v < 0) {
                printf("mixed %d: %d (%s)\n", i, v, strerror(errno));
                fflush(stdout);
                cell_pair(c[0], c[i]);   /* no FR_ON_FAILURE: the program ends */
            }
        }
        printf("no mix\n");
    }
    return 0;
}
