/* cells module: unions and bit-fields by value and by pointer */
#include "idioms.h"
FRACTURE_MODULE(cells, FR_RESTARTABLE);

const int cells_max = 64;
const char *const cells_names[] = {"int", "double", "small"};
static struct cell table[64];
static const struct ops *registered;

int cells_set(const struct cell *c, size_t n)
{
    for (size_t i = 0; i < n && i < ARRAY_SIZE(table); i++)
        table[clamp((int)i, 0, cells_max - 1)] = c[i];
    return (int)n;
}
int cells_get(struct cell *c) { *c = table[0]; return (int)cell_size(); }
int cells_flags(struct flags f) { return f.ro + f.hidden + f.kind; }
double cells_value(union value v) { return v.d; }
/* A handle: kept, compared, never dereferenced outside its module. */
int cells_register(const struct ops *o) { registered = o; return registered != NULL; }
