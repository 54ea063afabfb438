/* Nothing copied for a call may be kept beyond it: in another FMP it points
 * into the callee's copy, gone when the call returns.  Globals, statics,
 * the heap, the caller's own memory and helpers that do so are all found;
 * a handle may be kept, and so may a copy. */
#include <fracture.h>
#include <stdlib.h>
#include <string.h>

FRACTURE_MODULE(keep, 0);

struct err { const char *json; int pos; };
static struct err global_error;
struct node { const char *name; struct node *next; };
static struct node *head;
static const char *saved;

int keep_parse(const char *value) { global_error.json = value; return 0; }
int keep_static(const char *s)
{
    static const char *last;
    const char *tail = s + 1;
    last = tail;
    return last != 0;
}
int keep_list(const char *name)
{
    struct node *n = malloc(sizeof *n);
    n->name = name;
    n->next = head;
    head = n;
    return 0;
}
int keep_end(const char *s, FR_OUT(1) const char **end) { *end = s + 1; return 0; }
static void remember(const char *p) { saved = p; }
static _Thread_local const char *mine;
int keep_tls(const char *s) { mine = s; return 0; }
struct view { const char *p; int n; };
int keep_view(const char *s)
{
    struct view w = {s, 1};
    saved = w.p;
    return w.n;
}
int keep_later(const char *s) { remember(s); return 0; }
/* These pass: a copy is kept, or a handle. */
int keep_copy(const char *s) { saved = strdup(s); return 0; }
int keep_handle(FR_OPAQUE void *h) { static void *last; last = h; return last != 0; }

FR_MODULE(main, 0) int main(void)
{
    const char *e;
    return keep_parse("{}") + keep_static("ab") + keep_list("n") + keep_end("ab", &e) +
           keep_later("x") + keep_copy("y") + keep_handle(&e) + keep_tls("t") + keep_view("v");
}
