/* main module: macros around calls, function pointers in structs, const
 * globals of another module, a static function with the same name as one
 * elsewhere. */
#include "idioms.h"

static int open_file(int x) { return x; }
static const struct ops file_ops = {"file", open_file};
static int helper(void) { return 1; }

#define SET_ALL(c) cells_set((c), ARRAY_SIZE(c))

int main(void)
{
    struct cell c[2] = {{{1, 0, 3}, {.i = 4}}, {{0, 1, 2}, {.d = 1.5}}};
    struct cell one;
    int (*fp)(struct cell *) = cells_get;
    CHECK(SET_ALL(c));
    CHECK(fp(&one));
    CHECK(cells_flags(c[0].f));
    CHECK(cells_register(&file_ops));
    return clamp((int)cells_value(c[1].v), 0, cells_max) + cells_names[0][0] + helper();
}
