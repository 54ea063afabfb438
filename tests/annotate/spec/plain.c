/* The spec macros under a plain compiler (and the annotator): harmless
 * file-scope declarations, as often as a file uses them, on one line too. */
#include <fracture.h>

FRACTURE_MODULE_FILES(one, 0, "a.c"); FRACTURE_MODULE_FILES(two, FR_RESTARTABLE, "b.c", "c.c");
FRACTURE_MODULE_FILES(one, 0, "d.c");

int main(void)
{
    return 0;
}
