int lib_sum4(const int a[4]);
void lib_iota(int out[5]);
