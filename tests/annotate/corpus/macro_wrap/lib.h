int lib_twice(int x);
int lib_clamp(int x, int lo, int hi);
#define LIB_TWICE(x) lib_twice((x) + 0)
#define LIB_CLAMP(x) lib_clamp((x), 0, 10)
