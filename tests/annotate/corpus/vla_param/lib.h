int lib_vsum(int n, const int a[n]);
