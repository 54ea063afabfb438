/* tok.h - arrays of pointers to a struct its callers never see defined
 * (incomplete, no FRACTURE_OPAQUE): each element crosses as a handle. */
#ifndef TOK_H
#define TOK_H
#include <fracture.h>
struct tok;
/* out[0..n): a token each; how many */
int tok_make(int n, FR_OUT(n) struct tok **out);
int tok_sum(int n, FR_IN(n) struct tok *const *in);
void tok_free(int n, FR_IN(n) struct tok *const *in);
/* n fresh tokens, returned in an array the caller frees */
FR_RET(n) FR_RET_OWNED struct tok **tok_list(int n);
#endif
