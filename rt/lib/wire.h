/*
 * wire.h - the byte format of a call's payload, and its bounds-checked
 * reader.
 *
 * A payload is a sequence of fields, each a 16-byte header
 *     u32 kind, u32 aux, u64 len
 * followed, for kinds that carry data, by len bytes padded to 8.  OUT
 * carries only the length the caller wants back; NULLPTR stands for a NULL
 * pointer of any kind; FD carries no bytes (the descriptor travels beside
 * the message); CALLBACK carries a u32 function index in aux; STRV carries
 * only the number of STRING / NULLPTR fields that follow it; HANDLE carries
 * its u64 value, as it travels (handle.h), in len.
 *
 * Buffers of one call that overlap in the caller (FR_INOUT arguments that
 * alias, an FR_IN inside an FR_OUT) travel as one region, so that the
 * callee sees them alias as the caller's memory does: a SPAN field (the
 * region's bytes) before the first of them, and each of them an ALIAS
 * (aux: the span's number in the message; data: its offset and length in
 * it).  In the reply the first of them to come back carries the whole span
 * (a BUF with aux = span number + 1), the others an ALIAS.
 *
 * The reader trusts nothing: every header and length is checked against
 * the bytes that are there, and the typed getters in call.c and callee.c
 * check each field against what their side declared.
 */
#ifndef FR_WIRE_H
#define FR_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <fracture/abi.h>

enum fr_wire_kind {
    FR_W_SCALAR = 1,
    FR_W_IN = 2,
    FR_W_OUT = 3,
    FR_W_INOUT = 4,
    FR_W_NULLPTR = 5,
    FR_W_STRING = 6,
    FR_W_FD = 7,
    FR_W_CALLBACK = 8,
    FR_W_BUF = 9,             /* reply: OUT / INOUT data, returned buffers */
    FR_W_STRV = 10,           /* len strings follow, each STRING or NULLPTR */
    FR_W_SPAN = 11,           /* the bytes of caller buffers that overlap, as one region */
    FR_W_ALIAS = 12,          /* one of them: u64 offset, u64 length in span number aux */
    FR_W_HANDLE = 13,         /* FR_OPAQUE / FR_RET_OPAQUE: a u64 handle in len (handle.h) */
    FR_W_HANDLES = 14,        /* an array of len handles: aux 1, each follows as a HANDLE;
                               * aux 0 (a request's FR_OUT), only the count */
    FR_W_RAW = 100,           /* local only: bytes already encoded, copied as they are */
    FR_W_FDONLY = 101,        /* local only: a descriptor sent beside a RAW request, no bytes */
};

struct fr_wire_hdr {
    uint32_t kind;
    uint32_t aux;
    uint64_t len;
};

#define FR_WIRE_ALIGN 8
#define FR_WIRE_PAD(n) (((n) + (FR_WIRE_ALIGN - 1)) & ~(uint64_t)(FR_WIRE_ALIGN - 1))

/* Whether @kind carries len bytes of data after its header. */
static inline int fr__wire_has_data(uint32_t kind)
{
    /* (FR_W_RAW never reaches the wire as a field: see fr__wire_fill.) */
    return kind == FR_W_SCALAR || kind == FR_W_IN || kind == FR_W_INOUT ||
           kind == FR_W_STRING || kind == FR_W_BUF || kind == FR_W_SPAN || kind == FR_W_ALIAS;
}

/* Whether the @n bytes at @at lie within the @len bytes at @base: where a
 * handle inside a struct's bytes is found (callee.c, request.c). */
static inline int fr__span_holds(const void *base, uint64_t len, const void *at, size_t n)
{
    const unsigned char *b = base, *a = at;

    return a >= b && len >= n && (uint64_t)(a - b) <= len - n;
}

/* The aux word of @f's header: a callback's function index, a span's
 * number (see above), whether handles follow, else 0. */
static inline uint32_t fr__wire_aux(const struct fr__field *f)
{
    return f->kind == FR_W_CALLBACK || f->kind == FR_W_HANDLES ||
                   ((f->kind == FR_W_ALIAS || f->kind == FR_W_BUF) && f->fd >= 0)
               ? (uint32_t)f->fd
               : 0;
}

/* The whole encoding of @f[0..n) in one buffer, its size in *len: malloc()ed,
 * the caller frees it; NULL when it does not fit or there is no memory. */
unsigned char *fr__wire_encode(const struct fr__field *f, unsigned n, uint64_t *len);

/* Encoded size of a field list; UINT64_MAX on overflow. */
uint64_t fr__wire_size(const struct fr__field *f, unsigned n);

/*
 * Streaming encoder: fills @cap bytes of @dst with the next part of the
 * encoding of @f[0..n), resuming where the previous call stopped (@st
 * starts zeroed).  Returns the bytes written; the encoding of a list of
 * fr__wire_size() bytes takes as many calls as the window needs.
 */
struct fr_wire_enc {
    unsigned idx;             /* field being written */
    uint64_t off;             /* offset in that field's encoding */
};
size_t fr__wire_fill(const struct fr__field *f, unsigned n,
                     struct fr_wire_enc *st, unsigned char *dst, size_t cap);

struct fr_wire_reader {
    const unsigned char *p, *end;
};

/* One field as read: data is NULL for kinds without data. */
struct fr_wire_field {
    uint32_t kind, aux;
    uint64_t len;
    const unsigned char *data;
};

/* Take the next field into *f; 0, or -EPROTO when the bytes left cannot
 * hold it. */
int fr__wire_next(struct fr_wire_reader *r, struct fr_wire_field *f);

/* Whether the whole of [p, end) is a well-formed field sequence. */
int fr__wire_check(const unsigned char *p, const unsigned char *end);

#endif /* FR_WIRE_H */
