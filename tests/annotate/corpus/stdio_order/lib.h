void lib_print(int i);
