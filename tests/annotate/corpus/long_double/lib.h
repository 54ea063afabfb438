long double lib_mul(long double a, long double b);
