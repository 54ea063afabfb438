int lib_sq(register int x);
