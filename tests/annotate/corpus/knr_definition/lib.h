long lib_madd(int a, int b, long c);
