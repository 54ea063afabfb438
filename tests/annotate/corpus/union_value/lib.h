union num { int i; float f; unsigned char b[4]; };
union num lib_flip(union num u);
float lib_as_float(union num u);
