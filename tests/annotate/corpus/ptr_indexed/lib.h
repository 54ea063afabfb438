int lib_sum(const int *v, int n);
