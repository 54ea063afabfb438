void lib_add(int *a, int *b);
