typedef int (*map_fn)(int v);
int lib_apply(map_fn f, int v);
