int lib_get(int k) { return k * 2; }
