int lib_get(int k);

int main(void) { return lib_get(0); }
