/* Output order across FMPs: partial lines from the callee and the caller interleave as in one process.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    for (int i = 0; i < 3; i++) {
        printf("main %d: ", i);
        lib_print(i);
        printf(" / ");
        fprintf(stdout, "done\n");
    }
    return 0;
}
