/*
 * wire.c - encode a field list into a (possibly chunked) byte stream, and
 * read one back with every length checked.  See wire.h for the format.
 */
#include "wire.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t data_len(const struct fr__field *f)
{
    return fr__wire_has_data(f->kind) ? f->len : 0;
}

uint64_t fr__wire_size(const struct fr__field *f, unsigned n)
{
    uint64_t total = 0;

    for (unsigned i = 0; i < n; i++) {
        if (f[i].kind == FR_W_RAW) {
            total += f[i].len;
            continue;
        }
        if (f[i].kind == FR_W_FDONLY)
            continue;
        uint64_t d = data_len(&f[i]);
        if (d > UINT64_MAX / 2 || total > UINT64_MAX / 2)
            return UINT64_MAX;
        total += sizeof(struct fr_wire_hdr) + FR_WIRE_PAD(d);
    }
    return total;
}

unsigned char *fr__wire_encode(const struct fr__field *f, unsigned n, uint64_t *len)
{
    struct fr_wire_enc enc = { 0, 0 };
    unsigned char *b;

    *len = fr__wire_size(f, n);
    if (*len == UINT64_MAX || !(b = malloc(*len ? *len : 1)))
        return NULL;
    fr__wire_fill(f, n, &enc, b, *len);
    return b;
}

size_t fr__wire_fill(const struct fr__field *f, unsigned n,
                     struct fr_wire_enc *st, unsigned char *dst, size_t cap)
{
    size_t done = 0;

    while (done < cap && st->idx < n) {
        const struct fr__field *fld = &f[st->idx];

        if (fld->kind == FR_W_FDONLY) {   /* it travels beside the message */
            st->idx++;
            continue;
        }
        if (fld->kind == FR_W_RAW) {   /* a logged request, replayed */
            size_t k = fld->len - st->off < cap - done ? fld->len - st->off : cap - done;
            memcpy(dst + done, (const unsigned char *)fld->ptr + st->off, k);
            st->off += k;
            done += k;
            if (st->off == fld->len) {
                st->idx++;
                st->off = 0;
            }
            continue;
        }
        uint64_t d = data_len(fld);
        uint64_t flen = sizeof(struct fr_wire_hdr) + FR_WIRE_PAD(d);
        size_t room = cap - done;

        if (st->off < sizeof(struct fr_wire_hdr)) {
            struct fr_wire_hdr h = {
                .kind = fld->kind,
                .aux = fr__wire_aux(fld),
                .len = fld->len,
            };
            size_t k = sizeof h - st->off;
            if (k > room)
                k = room;
            memcpy(dst + done, (unsigned char *)&h + st->off, k);
            st->off += k;
            done += k;
            room -= k;
        }
        if (room && st->off >= sizeof(struct fr_wire_hdr) && st->off < flen) {
            uint64_t at = st->off - sizeof(struct fr_wire_hdr);
            size_t k = flen - st->off;
            if (k > room)
                k = room;
            if (at < d) {
                size_t kd = d - at < k ? d - at : k;
                memcpy(dst + done, (const unsigned char *)fld->ptr + at, kd);
                if (kd < k)
                    memset(dst + done + kd, 0, k - kd);
            } else {
                memset(dst + done, 0, k);
            }
            st->off += k;
            done += k;
        }
        if (st->off == flen) {
            st->idx++;
            st->off = 0;
        }
    }
    return done;
}

int fr__wire_next(struct fr_wire_reader *r, struct fr_wire_field *f)
{
    struct fr_wire_hdr h;
    size_t left = (size_t)(r->end - r->p);

    if (left < sizeof h)
        return -EPROTO;
    memcpy(&h, r->p, sizeof h);
    if (h.kind < FR_W_SCALAR || h.kind > FR_W_HANDLES)
        return -EPROTO;
    left -= sizeof h;
    if (fr__wire_has_data(h.kind)) {
        if (h.len > left || FR_WIRE_PAD(h.len) > left)
            return -EPROTO;
        f->data = r->p + sizeof h;
        r->p += sizeof h + FR_WIRE_PAD(h.len);
    } else {
        f->data = NULL;
        r->p += sizeof h;
    }
    f->kind = h.kind;
    f->aux = h.aux;
    f->len = h.len;
    return 0;
}

int fr__wire_check(const unsigned char *p, const unsigned char *end)
{
    struct fr_wire_reader r = { p, end };

    while (r.p < r.end) {
        struct fr_wire_field f;
        if (fr__wire_next(&r, &f) < 0)
            return -EPROTO;
    }
    return 0;
}
