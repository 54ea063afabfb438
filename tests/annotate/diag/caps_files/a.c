/* First file of module db. */
#include <fracture.h>
FRACTURE_MODULE(db, FR_RESTARTABLE);
int db_a(void) { return 1; }
