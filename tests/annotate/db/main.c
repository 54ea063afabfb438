/* Built with -include stddef.h (a system header: stays as written),
 * -include local.h (a file of the build directory: means that directory's)
 * and -imacros stdbool.h, all from compile_commands.json: size_t, LOCAL_N
 * and bool come from them. */
#include <fracture.h>

FRACTURE_MODULE(store, 0);

size_t store_count(const int *v, size_t n, bool any) { return v && n && any ? (size_t)LOCAL_N : 0; }

FR_MODULE(main, 0) int main(void)
{
    int v[1] = {0};
    return (int)store_count(v, 1, true) - LOCAL_N;
}
