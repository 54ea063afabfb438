/* Not untouched after all: an annotation of its own that says otherwise,
 * and a parameter type the spec got wrong. */
#include <fracture.h>
#include <string.h>

int lib_sum(FR_IN(1) const int *v, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

int lib_fill(char *buf, int cap)
{
    strncpy(buf, "hello", (size_t)cap);
    return 5;
}
