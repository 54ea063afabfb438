/* Clean: without FRACTURE_MODULE everything is module main, and nothing
 * crosses, so even void * and char ** need no annotation. */
#include <string.h>

static void *copy(void *dst, const void *src, size_t n) { return memcpy(dst, src, n); }
int main(int argc, char **argv)
{
    char buf[8];
    copy(buf, argv[0], argc > 0 ? 1 : 0);
    return 0;
}
