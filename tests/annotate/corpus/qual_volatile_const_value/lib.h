struct pair { int a, b; };
int lib_mix(volatile int x, const int y);
long lib_area(const struct pair p);
