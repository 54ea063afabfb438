#include <fracture.h>
FRACTURE_MODULE(store, 0);

int lib_get(int k) { return k * 2; }
