/* driver.c - the zlib workload (our code, not zlib's): four threads each
 * compress at three levels and uncompress a set of deterministic buffers
 * (text-like, repetitive, noisy), checking every round trip, with adler32
 * and crc32 over each; main prints the results in a fixed order, so the
 * output is the same whatever the threads' interleaving. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zlib.h"

#define NTHREADS 4
#define NBUFS 24

struct result {
    unsigned long len, clen[3], adler, crc;
    int ok;
};

static struct result results[NBUFS];

/* Buffer @i: its length and bytes depend on @i only. */
static unsigned char *make(int i, unsigned long *len)
{
    static const char *const words[] = {"fracture", "module", "zlib", "deflate ",
                                        "inflate", "\n", "window", "huffman "};
    unsigned long n = 1000ul + (unsigned long)i * 7919ul % 60000ul;
    unsigned char *b = malloc(n);
    unsigned seed = (unsigned)i * 2654435761u;

    for (unsigned long k = 0; k < n;) {
        seed = seed * 1103515245u + 12345u;
        if (i % 3 == 2) {                     /* noisy */
            b[k++] = (unsigned char)(seed >> 16);
        } else {                              /* words, or runs */
            const char *w = words[(seed >> 16) % 8];
            for (size_t j = 0; w[j] && k < n; j++)
                b[k++] = (unsigned char)(i % 3 ? w[0] : w[j]);
        }
    }
    *len = n;
    return b;
}

static void one(int i)
{
    static const int levels[3] = {1, 6, 9};
    struct result *r = &results[i];
    unsigned long len;
    unsigned char *src = make(i, &len);
    unsigned long cap = compressBound(len);
    unsigned char *z = malloc(cap), *back = malloc(len);

    r->len = len;
    r->ok = 1;
    for (int l = 0; l < 3; l++) {
        uLongf zl = cap, bl = len;
        if (compress2(z, &zl, src, len, levels[l]) != Z_OK ||
            uncompress(back, &bl, z, zl) != Z_OK || bl != len || memcmp(back, src, len) != 0)
            r->ok = 0;
        r->clen[l] = zl;
    }
    r->adler = adler32(adler32(0L, Z_NULL, 0), src, (uInt)len);
    r->crc = crc32(crc32(0L, Z_NULL, 0), src, (uInt)len);
    free(src);
    free(z);
    free(back);
}

static void *worker(void *arg)
{
    for (int i = (int)(long)arg; i < NBUFS; i += NTHREADS)
        one(i);
    return NULL;
}

int main(void)
{
    pthread_t t[NTHREADS];
    int bad = 0;

    printf("zlib %s\n", zlibVersion());
    for (long k = 0; k < NTHREADS; k++)
        pthread_create(&t[k], NULL, worker, (void *)k);
    for (int k = 0; k < NTHREADS; k++)
        pthread_join(t[k], NULL);
    for (int i = 0; i < NBUFS; i++) {
        const struct result *r = &results[i];
        printf("%2d len=%lu z1=%lu z6=%lu z9=%lu adler=%08lx crc=%08lx %s\n", i, r->len,
               r->clen[0], r->clen[1], r->clen[2], r->adler, r->crc, r->ok ? "ok" : "BAD");
        bad += !r->ok;
    }
    return bad ? 1 : 0;
}
