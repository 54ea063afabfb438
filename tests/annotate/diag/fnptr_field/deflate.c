#include <fracture.h>
#include <stdlib.h>

FRACTURE_MODULE(deflate, 0);

struct stream {
    void *(*zalloc)(void *opaque, unsigned items, unsigned size);
    void *opaque;
};
void *zcalloc(void *opaque, unsigned items, unsigned size);

int deflate_init(void)
{
    struct stream s;
    s.zalloc = zcalloc;
    s.opaque = NULL;
    void *w = s.zalloc(s.opaque, 4, 8);
    free(w);
    return w != NULL;
}
