/* A struct copied deep may hold pointers only with their own rule. */
#include <fracture.h>
#include <stddef.h>

FRACTURE_MODULE(batch, 0);

struct inner { char *label; };
struct batch {
    size_t n;
    FR_COUNT(n) int *items;     /* fine */
    FR_STRING char *name;       /* fine */
    int *loose;                 /* error */
    struct inner in;            /* error inside */
    void (*hook)(void);         /* error: function pointer */
};

int batch_run(const struct batch *b) { return (int)b->n; }
int batch_by_value(struct batch b) { return (int)b.n; }

FR_MODULE(main, 0) int main(void)
{
    struct batch b = {0};
    return batch_run(&b) + batch_by_value(b);
}
