int lib_sum3(const int a[static 3]);
