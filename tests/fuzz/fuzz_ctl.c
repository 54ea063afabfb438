/*
 * fuzz_ctl.c - libFuzzer target for the root's control-request decoder
 * (rt/lib/control.c, fr__control_parse): the bytes any local process may
 * send to a running program's control socket.  Whatever the bytes, the
 * decoder reads nothing out of bounds, and it either refuses them with a
 * message or returns a request that is whole: a known action, a pattern
 * that fits and holds only printable bytes, a signal in range only for
 * `signal`, and that, written out again, decodes to itself.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fr_control_req req, again;
    char err[200], line[FR_CONTROL_REQ_MAX + 64];
    /* a copy of exactly @size bytes: ASan sees a read past them */
    char *buf = malloc(size ? size : 1);

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    err[0] = '\0';
    if (fr__control_parse(buf, size, &req, err, sizeof err) < 0) {
        if (!err[0] || !memchr(err, '\0', sizeof err))
            abort();          /* a refusal always says why */
        free(buf);
        return 0;
    }
    const char *name = fr__control_action_name(req.action);
    size_t glen = strnlen(req.glob, sizeof req.glob);
    if (!name || glen == 0 || glen >= sizeof req.glob)
        abort();
    for (size_t i = 0; i < glen; i++)
        if ((unsigned char)req.glob[i] <= ' ' || (unsigned char)req.glob[i] >= 0x7f)
            abort();
    if ((req.action == FR_CONTROL_SIGNAL) != (req.signo != 0) || req.signo < 0 ||
        req.signo > SIGRTMAX)
        abort();
    int n = req.action == FR_CONTROL_SIGNAL
                ? snprintf(line, sizeof line, "v1 %s %s %d\n", name, req.glob, req.signo)
                : snprintf(line, sizeof line, "v1 %s %s\n", name, req.glob);
    if (n < 0 || (size_t)n > size + 8)   /* leading zeros of a signal shrink it */
        abort();
    if (fr__control_parse(line, (size_t)n, &again, err, sizeof err) < 0 ||
        again.action != req.action || again.signo != req.signo ||
        strcmp(again.glob, req.glob) != 0)
        abort();
    free(buf);
    return 0;
}
