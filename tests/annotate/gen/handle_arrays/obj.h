#ifndef OBJ_H
#define OBJ_H
#include <fracture.h>
struct obj;
FRACTURE_OPAQUE(struct obj);
/* out[0..n): a new object each, NULL for every third; how many were made */
int obj_make(int n, FR_OUT(n) struct obj **out, int base);
FR_ON_FAILURE(-1, EIO) int obj_sum(int n, FR_IN(n) struct obj *const *in);
void obj_reverse(int n, FR_INOUT(n) struct obj **io);
/* where @o is among in[0..n), or -1 */
int obj_index(int n, FR_IN(n) struct obj *const *in, struct obj *o);
/* n new objects (NULL for every third), in an array the caller frees */
FR_RET(n) FR_RET_OWNED struct obj **obj_list(int n, int base);
/* the last n objects obj_list made, in an array of its own */
FR_RET(n) struct obj *const *obj_recent(int n);
int obj_get(struct obj *o);
void obj_crash(void);
#endif
