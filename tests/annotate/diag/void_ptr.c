/* void * crossing modules needs a size or FR_OPAQUE. */
#include <fracture.h>
#include <stddef.h>

FRACTURE_MODULE(store, 0);

int store_put(const char *key, const void *val, size_t len) { (void)key; (void)val; return (int)len; }

FR_MODULE(main, 0) int main(void) { return store_put("k", "v", 1); }
