int lib_outer(int x);
int lib_inner(int x);
