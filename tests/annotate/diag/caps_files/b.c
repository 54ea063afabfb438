/* Second file of module db, with other caps. */
#include <fracture.h>
FRACTURE_MODULE(db, FR_REPLICABLE);
int db_b(void) { return 2; }
