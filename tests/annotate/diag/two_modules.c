/* One FRACTURE_MODULE per file. */
#include <fracture.h>

FRACTURE_MODULE(a, 0);
FRACTURE_MODULE(b, 0);

int main(void) { return 0; }
