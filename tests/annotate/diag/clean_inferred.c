/* Clean: every parameter that crosses is inferred or annotated. */
#include <fracture.h>
#include <stddef.h>

FRACTURE_MODULE(store, FR_RESTARTABLE);

struct point { int x, y; };
struct handle;
enum color { RED, GREEN };

long store_sum(const int *v, size_t n) { (void)v; return (long)n; }
int store_move(struct point *p, const struct point *by, struct point at)
{
    p->x += by->x + at.x;
    return 0;
}
int store_name(const char *name, enum color c, double w) { return name[0] + c + (int)w; }
int store_use(struct handle *h) { return h != NULL; }
int store_put(const char *key, FR_IN(len) const void *val, size_t len) { (void)key; (void)val; return (int)len; }
FR_RET_STRING FR_RET_OWNED char *store_dup(const char *s) { (void)s; return NULL; }
const char *store_label(void) { return "x"; }
struct handle *store_open(void) { return NULL; }

FR_MODULE(main, 0) int main(void)
{
    struct point p = {0, 0};
    int v[2] = {1, 2};
    return (int)store_sum(v, 2) + store_move(&p, &p, p) + store_name("a", RED, 1.0) +
           store_use(store_open()) + store_put("k", v, sizeof v) + (store_dup("x") != NULL) +
           store_label()[0];
}
