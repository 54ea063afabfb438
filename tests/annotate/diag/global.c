/* Modules share no memory: a global of one module used from another is an
 * error, unless it is const. */
#include <fracture.h>

FRACTURE_MODULE(counter, 0);

int count;
static int hidden;
const int limit = 10;
const char *const names[] = {"a", "b"};

int counter_bump(void) { hidden++; return ++count; }

FR_MODULE(main, 0) int main(void)
{
    count = limit + names[0][0];
    return counter_bump() + hidden;
}
