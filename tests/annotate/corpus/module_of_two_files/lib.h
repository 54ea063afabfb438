int lib_a(int x);
int lib_b(int x);
