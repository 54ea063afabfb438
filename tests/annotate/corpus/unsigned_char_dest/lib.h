void lib_fill(unsigned char *dest, int n);
