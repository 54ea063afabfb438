/* The tidy_shapes case (see shape.c): structs whose bytes hold more than
 * their fields -- the bits of a bit-field's unit no field uses, a union's
 * tail, padding around a union and around a system struct, padding inside
 * an unnamed struct and inside a system struct -- made by a replicated
 * module and sent back as replies and as outward calls. */
#ifndef SHAPE_H
#define SHAPE_H
#include <stddef.h>
#include <fcntl.h>
#include <stdint.h>
#include <time.h>
#include <fracture.h>

/* Bit-fields (their own bits set in the mask): 9 bits of the first unit are used,
 * an unnamed zero-width one starts the next, an unnamed 4-bit one is
 * nobody's, and a 40-bit one of a wider type; 16 bytes. */
struct bits {
    unsigned ready : 1;
    unsigned kind : 3;
    signed int level : 5;
    unsigned : 0;
    unsigned char tag;
    unsigned wide : 20;
    unsigned : 4;
    _Bool on : 1;
    unsigned long long count : 40;
};

/* A union: its members cover 20 of its 24 bytes (the last 4 are no
 * member's, and the mask, the union of its members', leaves them out). */
union num {
    int32_t i;
    double d;
    unsigned char raw[20];
};

/* The union in a struct, with 7 bytes of padding before it and 4 after an
 * anonymous union (whose members are the struct's own fields); 40 bytes. */
struct sample {
    char unit;
    union num v;
    short scale;
    union {
        uint16_t half;
        unsigned char pair[2];
    };
};

/* A system struct (its fields all of its bytes) between 7 bytes of padding and 6; 32. */
struct stamp {
    char zone;
    struct timespec at;
    unsigned short seq;
};

/* All of them one record down, and an array of bit-fields: one mask
 * holds theirs, each at its offset; 112 bytes. */
struct report {
    struct bits flags[2];
    unsigned char id;
    struct stamp when;
    struct sample s;
};

/* A const bit-field (a helper that assigned fields could not be built)
 * and 24 bits no field uses; 4 bytes. */
struct cq {
    const unsigned k : 3;
    unsigned w : 5;
};

/* A field of an unnamed struct, 3 bytes of padding inside it; 12 bytes. */
struct holder {
    struct {
        char c;
        int i;
    } in;
    int k;
};

/* A system struct with padding inside it (4 bytes after l_whence, 4 at
 * its end), after 4 more; 40 bytes.  No generated code can name its
 * fields (a system header may #define them). */
struct locked {
    int fd;
    struct flock fl;
};

/* A const member (the dispatcher cannot assign what it returns) before 3
 * bytes of padding; 8 bytes. */
struct cr {
    const int n;
    char tag;
};

/* FR_COUNT elements of an unnamed struct, 3 bytes of padding in each:
 * tidied as a whole, by a helper that names their type through 'items'. */
struct bag {
    size_t n;
    FR_COUNT(n) struct {
        char c;
        int i;
    } *items;
};

/* No padding, no pointer: its mask is all ones, so it has no helper and
 * crosses with no tidy call at all. */
struct pair {
    int a, b;
};

/* An x87 long double: 10 bytes of value in 16, then 12 bytes of padding. */
struct ld {
    long double v;
    int k;
};

typedef int (*shape_visit_fn)(struct report r);
typedef int (*shape_peek_fn)(const struct bits *b, size_t n);
typedef int (*shape_lock_fn)(struct flock fl, const struct holder *h);
typedef int (*shape_bag_fn)(const struct bag *b);
typedef int (*shape_third_fn)(long double x);

/* Replies: returned by value, FR_OUT, FR_RET(n). */
struct bits shape_bits(int seed);
int shape_bits_out(int seed, size_t n, FR_OUT(n) struct bits *out);
struct sample shape_sample(int seed);
int shape_sample_out(int seed, FR_OUT(1) struct sample *out);
struct stamp shape_stamp(int seed);
FR_RET(n) FR_RET_OWNED struct stamp *shape_stamps(size_t n, int seed);
int shape_report(int seed, FR_OUT(1) struct report *out);
struct cq shape_cq(int seed);
int shape_cq_out(int seed, size_t n, FR_OUT(n) struct cq *out);
struct holder shape_holder(int seed);
int shape_locked(int seed, FR_OUT(1) struct locked *out);
struct flock shape_flock(int seed);
struct cr shape_cr(int seed);
int shape_ld(int seed, FR_OUT(1) struct ld *out);
long double shape_third(int seed);
struct pair shape_pair(int seed);
/* Outward calls: a struct by value, and an FR_IN(n) array of them; a
 * system struct by value and a struct holding an unnamed one; FR_COUNT
 * elements of an unnamed struct. */
int shape_visit(int seed, FR_CALLBACK shape_visit_fn visit);
int shape_peek(int seed, size_t n, FR_CALLBACK shape_peek_fn peek);
int shape_lock(int seed, FR_CALLBACK shape_lock_fn lock);
int shape_bag(int seed, size_t n, FR_CALLBACK shape_bag_fn bag);
int shape_third_call(int seed, FR_CALLBACK shape_third_fn fn);
#endif
