#include <fracture.h>
struct counter;
FRACTURE_OPAQUE(struct counter);
struct counter *counter_new(int start);
void counter_add(struct counter *c, int n);
int counter_get(const struct counter *c);
void counter_free(struct counter *c);
