int lib_deref(int **pp);
