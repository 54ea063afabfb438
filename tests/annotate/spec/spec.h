/* The annotations of src/, which stays untouched: its two files make one
 * module, each pointer says what it carries. */
#include <fracture.h>

#include "stats.h"

FRACTURE_MODULE_FILES(stats, FR_RESTARTABLE, "src/stats.c", "fmt.c");

int stats_sum(FR_IN(n) const int *v, int n);
double stats_mean(FR_IN(n) const int *v, int n);
int stats_name(FR_OUT(cap) char *buf, int cap, int id);
FR_RET_STRING const char *stats_version(void);
int stats_each(FR_CALLBACK int (*visit)(int i, int v, void *ctx), FR_OPAQUE void *ctx,
               FR_IN(n) const int *v, int n);
int fmt_pad(FR_OUT(cap) char *dst, int cap, const char *s, int width);

/* The program's own callback, static in main.c: a static prototype here
 * is the earlier declaration of that definition. */
static int visit(int i, int v, FR_OPAQUE void *ctx);
