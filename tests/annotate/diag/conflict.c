/* Annotations on a prototype and on its definition must agree. */
#include <fracture.h>
#include <stddef.h>

FRACTURE_MODULE(codec, 0);

int codec_put(FR_IN(len) const void *buf, size_t len, size_t n);
int codec_put(FR_IN(n) const void *buf, size_t len, size_t n) { (void)buf; return (int)(len + n); }

FR_INIT int codec_init(void);
FR_ON_FAILURE(-1, EIO) int codec_init(void) { return 0; }

/* One side only is fine. */
int codec_get(FR_OUT(n) void *buf, size_t n);
int codec_get(void *buf, size_t n) { (void)buf; return (int)n; }

FR_MODULE(main, 0) int main(void)
{
    char b[4];
    return codec_put(b, 4, 4) + codec_init() + codec_get(b, 4);
}
