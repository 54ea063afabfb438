/*
 * fuzz_reply.c - libFuzzer target for the caller's reply decoder: whatever
 * bytes a callee writes, decoding them against a declared sequence of
 * fields never reads or writes out of bounds, never leaks, never crashes.
 *
 * Input: byte 0 picks how many fields the caller declares (1..8); the next
 * 8 bytes pick each field's kind (byte % 5) and size (byte / 5); the rest
 * is the reply.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fr_call c;
    unsigned char out[300];
    unsigned nfields;
    unsigned char *reply;

    if (size < 9)
        return 0;
    nfields = data[0] % 8 + 1;
    /* a private copy, as the runtime makes: the decoder reads only it */
    reply = malloc(size - 9 ? size - 9 : 1);
    memcpy(reply, data + 9, size - 9);
    if (fr__wire_check(reply, reply + size - 9) < 0) {
        free(reply);
        return 0;
    }
    fr_call_begin(&c, 0);
    c.peer = -1;
    c.rp = reply;
    c.rend = reply + size - 9;
    for (unsigned i = 0; i < nfields; i++) {
        unsigned sel = data[1 + i];
        size_t n = sel / 5;
        char *s = NULL;
        switch (sel % 5) {
        case 0:
            fr_get_scalar(&c, out, n % 9);
            break;
        case 1:
            fr_get_buf(&c, out, n);
            break;
        case 2:
            fr_get_buf(&c, NULL, 0);
            break;
        case 3:
            fr_get_string(&c, &s, n + 1);
            free(s);
            break;
        case 4: /* FR_STRING with FR_INOUT(cap) */
            fr_get_strbuf(&c, (char *)out, n + 1);
            break;
        }
    }
    fr_call_end(&c);
    free(reply);
    return 0;
}
