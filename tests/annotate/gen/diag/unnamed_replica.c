/* A replicated module returns an unnamed struct: its padding differs
 * between replicas, and the helper that would leave it out of what they
 * compare cannot name the type (a nested one is in its holder's mask, an
 * FR_COUNT array of them is named through its field). */
#include <fracture.h>

struct { char c; int i; } pair_make(int seed);

FR_MODULE(pair, FR_REPLICABLE) __typeof__(pair_make(0)) pair_make(int seed)
{
    __typeof__(pair_make(0)) v = {(char)seed, seed};
    return v;
}

int main(void)
{
    return pair_make(3).i == 3 ? 0 : 1;
}
