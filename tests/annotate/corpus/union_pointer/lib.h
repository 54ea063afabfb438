union num { int i; float f; };
void lib_bump(union num *u);
