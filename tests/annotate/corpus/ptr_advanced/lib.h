int lib_count(const int *p);
