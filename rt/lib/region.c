/*
 * region.c - create and map the shared-memory region of a pair of FMPs.
 * memfd, not shm_open: nothing appears in /dev/shm, and the memory is
 * freed by the kernel when the last process holding it is gone, whatever
 * way it went.
 */
#include "region.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096u

void fr__region_geom(struct fr_geom *g, uint32_t nslots, uint64_t slot_size)
{
    uint64_t open_bytes = 2 * (((uint64_t)nslots + 63) / 64) * 8;

    g->nslots = nslots;
    g->slot_size = (slot_size + PAGE - 1) / PAGE * PAGE;
    g->hdr_size = (FR_REGION_OPEN_OFF + open_bytes + PAGE - 1) / PAGE * PAGE;
    g->size = g->hdr_size + (uint64_t)nslots * g->slot_size;
}

int fr__region_create(const struct fr_geom *g, const char *a, const char *b)
{
    char name[160];
    int fd;

    snprintf(name, sizeof name, "fracture:%s-%s", a, b);
    fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (ftruncate(fd, (off_t)g->size) < 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    return fd;
}

int fr__region_map(int fd, const struct fr_geom *g, int init, void **out)
{
    void *p = mmap(NULL, g->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

    if (p == MAP_FAILED)
        return -errno;
    if (init) {
        struct fr_region_hdr *h = p;
        h->magic = FR_REGION_MAGIC;
        h->nslots = g->nslots;
        h->slot_size = g->slot_size;
    }
    *out = p;
    return 0;
}
