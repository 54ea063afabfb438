/* FR_MODULE stands on the definition; the prototype carries the function's
 * other annotations: one agreed set, no conflict. */
#include <fracture.h>
#include <stdlib.h>
#include <string.h>

FR_RET_STRING FR_RET_OWNED char *dup_name(int i);

FR_MODULE(names, FR_RESTARTABLE) char *dup_name(int i)
{
    return strdup(i ? "one" : "zero");
}

int main(void)
{
    char *s = dup_name(1);
    int r = s[0];
    free(s);
    return r == 'o' ? 0 : 1;
}
