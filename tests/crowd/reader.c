/*
 * reader.c - module reader: the known invalid read.  reader_peek(4) reads
 * one int past a block of four (memcheck's InvalidRead, 4 bytes).
 */
#include <fracture.h>
#include <stdlib.h>

#include "crowdbug.h"

FRACTURE_MODULE(reader, FR_SAMPLABLE);

int reader_peek(int i)
{
    int *a = malloc(4 * sizeof(int));
    volatile int at = i;
    int v;

    if (!a)
        return -1;
    for (int k = 0; k < 4; k++)
        a[k] = k + 1;
    v = a[at];
    free(a);
    return v & 1;
}
