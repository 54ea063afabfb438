/* spec.h - cJSON (Debian's source package "cjson") annotated from outside:
 * cJSON.c and cJSON_Utils.c stay as the archive ships them.
 *
 * One module: cJSON_Utils walks the trees cJSON.c makes, field by field,
 * so the two share every struct cJSON and must share an FMP.  Every
 * struct cJSON * that crosses is a handle (FRACTURE_OPAQUE): the program
 * holds it, only the module reads it.  The annotations left are what a
 * handle rule cannot say: which returned strings are the caller's.
 */
#include <fracture.h>

#include "cJSON.h"
#include "cJSON_Utils.h"

FRACTURE_MODULE_FILES(cjson, FR_RESTARTABLE, "cJSON.c", "cJSON_Utils.c");

FRACTURE_OPAQUE(cJSON);

/* Text the caller frees (with free(): cJSON's default hooks are malloc's). */
FR_RET_STRING FR_RET_OWNED char *cJSON_Print(const cJSON *item);
FR_RET_STRING FR_RET_OWNED char *cJSON_PrintUnformatted(const cJSON *item);
/* Text that belongs to cJSON: its version, an item's string. */
FR_RET_STRING const char *cJSON_Version(void);
FR_RET_STRING char *cJSON_GetStringValue(const cJSON *const item);

/* The driver's parse and error helpers (driver.c) run in cJSON's module:
 * cJSON keeps a pointer into the text it parses, so the text must live
 * in its FMP. */
FR_MODULE(cjson, FR_RESTARTABLE) cJSON *json_parse(const char *text);
FR_MODULE(cjson, FR_RESTARTABLE) FR_RET_STRING const char *json_error(void);
