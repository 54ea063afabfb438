struct item { int v; };
void lib_push(const struct item *it);
int lib_sum(void);
