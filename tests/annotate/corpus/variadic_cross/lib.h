int lib_sum(int n, ...);
