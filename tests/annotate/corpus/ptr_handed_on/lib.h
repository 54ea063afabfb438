int lib_copy_sum(const int *v);
