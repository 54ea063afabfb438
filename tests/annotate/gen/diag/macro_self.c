/* A call from one module to another, written through a macro, in the file
 * that defines both: the generator cannot rewrite it there. */
#include <fracture.h>

#define TWICE(x) (helper(x) * 2)

FR_MODULE(util, 0) int helper(int x)
{
    return x + 1;
}

int main(void)
{
    return TWICE(1) + helper(2);
}
