#include <fracture.h>
int lib_chars(int argc, FR_IN(argc) const char *const *argv);
