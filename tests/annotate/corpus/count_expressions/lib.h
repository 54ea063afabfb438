#include <fracture.h>
struct hdr { int a, b; };
void lib_pairs(FR_OUT(n * 2) short *out, int n);
int lib_hdr_sum(FR_IN(sizeof(struct hdr)) const void *raw);
