/*
 * main.c - the crowd test program (tests/crowd/crowd.sh): each letter of
 * argv[1] calls one module, so that a deployment's input decides which
 * bugs it can reach: L the leak (module leaky), R the invalid read
 * (module reader), C the clean module, F the one that is not samplable.
 */
#include <stdio.h>

#include "crowdbug.h"

int main(int argc, char **argv)
{
    const char *work = argc > 1 ? argv[1] : "LRCF";
    long sum = 0;

    for (const char *c = work; *c; c++) {
        switch (*c) {
        case 'L': sum += leaky_keep(3); break;
        case 'R': sum += reader_peek(4); break;
        case 'C': sum += clean_sum(10); break;
        case 'F': sum += fixed_twice(21); break;
        default: fprintf(stderr, "crowdbug: unknown step '%c'\n", *c); return 2;
        }
    }
    printf("crowdbug %s: %ld\n", work, sum);
    return 0;
}
