/*
 * rx_alloc.c - the micro-Rx allocator agent (LD_PRELOAD), shipped as
 * `rx-alloc`.
 *
 * Rx survives a bug by re-running in a changed environment: the same code,
 * with allocations padded, zero-filled and freed late, often no longer
 * crashes.  This agent makes those changes, set by the FMP's environment:
 *
 *   RX_PAD=N         add N bytes after every allocation (heap overflows
 *                    land in padding instead of the next chunk's header)
 *   RX_ZERO=1        zero-fill every allocation (uninitialised reads see 0)
 *   RX_QUARANTINE=N  keep the last N freed blocks allocated, contents
 *                    intact (a use-after-free reads what it wrote)
 *
 * It sits on glibc's own allocator (__libc_malloc and friends), so it needs
 * no dlsym() and works from the first allocation of the process.  Every
 * block carries a 16-byte header in front: the size asked for (for realloc
 * and malloc_usable_size) and the start of the underlying chunk (for
 * aligned blocks).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

#define RX_MAGIC 0x52584131u   /* "RXA1" */
#define HDR 16                 /* keeps user pointers 16-byte aligned */

struct hdr {
    uint32_t magic;
    uint32_t pad_hi;           /* unused: keeps the header 16 bytes */
    uint64_t size;             /* bytes the program asked for */
};

struct base_link {             /* just before an aligned block's header */
    void *base;
};

static size_t pad_bytes;
static int zero_fill;
static size_t quarantine_len;
static void **quarantine;
static size_t q_next;
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static int configured;

static size_t env_size(const char *name)
{
    const char *v = getenv(name);
    char *end;
    unsigned long long n;

    if (!v || !*v)
        return 0;
    errno = 0;
    n = strtoull(v, &end, 10);
    if (errno || *end)
        return 0;               /* a bad value means "off", never a crash */
    return n > ((size_t)1 << 30) ? (size_t)1 << 30 : (size_t)n;
}

/* Read the environment once, at load time (before main; getenv needs no
 * allocation). */
__attribute__((constructor)) static void rx_configure(void)
{
    pad_bytes = env_size("RX_PAD");
    zero_fill = env_size("RX_ZERO") != 0;
    quarantine_len = env_size("RX_QUARANTINE");
    if (quarantine_len > 65536)
        quarantine_len = 65536;
    if (quarantine_len) {
        quarantine = __libc_calloc(quarantine_len, sizeof *quarantine);
        if (!quarantine)
            quarantine_len = 0;
    }
    configured = 1;
}

static void *finish(void *chunk, size_t size)
{
    struct hdr *h = chunk;

    h->magic = RX_MAGIC;
    h->pad_hi = 0;
    h->size = size;
    if (zero_fill)
        memset((char *)chunk + HDR, 0, size + pad_bytes);
    return (char *)chunk + HDR;
}

static int too_big(size_t size)
{
    return size > SIZE_MAX - HDR - pad_bytes - 64;
}

void *malloc(size_t size)
{
    void *chunk;

    if (too_big(size)) {
        errno = ENOMEM;
        return NULL;
    }
    chunk = __libc_malloc(HDR + size + pad_bytes);
    return chunk ? finish(chunk, size) : NULL;
}

void *calloc(size_t n, size_t size)
{
    void *p;

    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    p = malloc(n * size);
    if (p && !zero_fill)
        memset(p, 0, n * size);
    return p;
}

static struct hdr *header_of(void *p)
{
    return (struct hdr *)((char *)p - HDR);
}

/* The chunk to give back to glibc for user pointer p. */
static void *base_of(void *p)
{
    struct hdr *h = header_of(p);

    if (h->pad_hi == 1)        /* aligned: the real start is stored before */
        return ((struct base_link *)h - 1)->base;
    return h;
}

static void release(void *p)
{
    struct hdr *h = header_of(p);

    if (h->magic != RX_MAGIC) {
        /* Not ours (or already overwritten by an underflow): let glibc
         * decide, as it would without the agent. */
        __libc_free(p);
        return;
    }
    h->magic = 0;
    __libc_free(base_of(p));
}

void free(void *p)
{
    void *evict = NULL;

    if (!p)
        return;
    if (!quarantine_len || !configured) {
        release(p);
        return;
    }
    pthread_mutex_lock(&q_lock);
    evict = quarantine[q_next];
    quarantine[q_next] = p;
    q_next = (q_next + 1) % quarantine_len;
    pthread_mutex_unlock(&q_lock);
    if (evict)
        release(evict);
}

void cfree(void *p)
{
    free(p);
}

void *realloc(void *p, size_t size)
{
    void *q;
    size_t old;

    if (!p)
        return malloc(size);
    if (size == 0) {
        free(p);
        return NULL;
    }
    old = header_of(p)->magic == RX_MAGIC ? header_of(p)->size : 0;
    q = malloc(size);
    if (!q)
        return NULL;
    memcpy(q, p, old < size ? old : size);
    free(p);
    return q;
}

void *reallocarray(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, n * size);
}

static void *aligned(size_t align, size_t size)
{
    size_t front;
    char *chunk, *user;
    struct hdr *h;

    if (align <= HDR)
        return malloc(size);
    if (too_big(size) || align > ((size_t)1 << 28)) {
        errno = ENOMEM;
        return NULL;
    }
    /* room for the base link and the header before an aligned user pointer */
    front = (HDR + sizeof(struct base_link) + align - 1) / align * align;
    chunk = __libc_memalign(align, front + size + pad_bytes);
    if (!chunk)
        return NULL;
    user = chunk + front;
    h = header_of(user);
    ((struct base_link *)h - 1)->base = chunk;
    finish(h, size);
    h->pad_hi = 1;
    return user;
}

int posix_memalign(void **out, size_t align, size_t size)
{
    void *p;

    if (align < sizeof(void *) || (align & (align - 1)))
        return EINVAL;
    p = aligned(align, size);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *aligned_alloc(size_t align, size_t size)
{
    if (!align || (align & (align - 1))) {
        errno = EINVAL;
        return NULL;
    }
    return aligned(align, size);
}

void *memalign(size_t align, size_t size)
{
    return aligned_alloc(align, size);
}

void *valloc(size_t size)
{
    return aligned(4096, size);
}

void *pvalloc(size_t size)
{
    return aligned(4096, (size + 4095) & ~(size_t)4095);
}

size_t malloc_usable_size(void *p)
{
    return p && header_of(p)->magic == RX_MAGIC ? header_of(p)->size : 0;
}
