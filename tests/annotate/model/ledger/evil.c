/* evil module */
#include "ledger.h"
#include <string.h>
FRACTURE_MODULE(evil, 0);
int evil_fill(void *out, size_t n) { memset(out, 'e', n); return 0; }
