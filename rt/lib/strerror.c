/*
 * strerror.c - what the error of a Fracture call means, and whether it is
 * transient (fr_strerror, fr_err_transient: fracture.h).
 *
 * A failed cross-FMP call comes back as a negative errno (fr_call_invoke,
 * fr_call_end), or, with FR_ON_FAILURE(v, E), as v with errno set by
 * fr_failure_errno (abi.h): a permanent failure as itself, a transient one
 * as E.  The runtime gives a dozen codes a
 * meaning of its own that strerror() does not know: EPIPE is not a pipe,
 * ENOSR (FR_ENOWORKER) is not a STREAMS resource.  This file says it once,
 * with what to do.
 *
 * Transient or permanent (Parrot's distinction, handle.h): a permanent
 * failure belongs to the call itself -- its handle, its size, its plan, a
 * replay that strayed -- and making the same call again fails the same
 * way or does harm; a transient one belongs to the state of the callee's
 * FMP at that moment (gone, stopped, busy, out of memory), and is what E
 * stands for in an FR_ON_FAILURE, so every code this file does not call
 * permanent is transient.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <fracture/fracture.h>

#include "callee.h"   /* FR_ENOWORKER */

struct meaning {
    int err;
    const char *text;
};

/* Each text says what happened to the call, whether it is transient or
 * permanent (the word itself, which tests/unit/test_strerror.c checks
 * against fr_err_transient), and what to do. */
static const struct meaning meanings[] = {
    {EPIPE, "the callee's FMP is gone (it crashed or was stopped and is not coming back: not "
               "restartable, restarts exhausted, or this very call ended it `retries` times); "
               "transient: the call is not at fault unless it is what crashes the FMP; fall back, "
               "or try again later"},
    {EPROTO, "the callee's FMP broke the call protocol (a malformed, stale or forged message) and "
                "was stopped; transient: a restartable FMP comes back for the next call; if it "
                "keeps happening, the callee is broken or hostile: read its FMP's messages"},
    {ETIMEDOUT, "the callee did not answer within call_timeout_ms and its FMP was stopped; "
                   "transient: a restartable FMP comes back for the next call; raise "
                   "call_timeout_ms if the call is only slow"},
    {ESTALE, "a handle (FR_OPAQUE) the call passes, or one its reply brings back, was minted by "
                "an incarnation of its FMP that has crashed since (or by another sampled "
                "instance), and the object it named is not there; permanent: do not retry with "
                "that handle, make a new object and use its handle"},
    {EXDEV, "the callee's FMP crashed during the call, and the replay of the call made a "
               "different outward call than the call had made before the crash (exactly once "
               "could not hold): the call fails alone; permanent: making it again repeats the "
               "outward calls it made already, so retry only a call that may run twice"},
    {ECANCELED, "the call was made by a frame whose asker died (a nested call into an FMP that "
                   "crashed meanwhile): its result is for nobody, and the asker's replay makes it "
                   "again; transient: fr_call_end reports success and the stub returns its zero "
                   "value, so there is nothing to do"},
    {ENOTCONN, "the caller's FMP has no channel to the callee's: the module table says the two "
                  "modules never call each other; permanent: annotate the sources that make the "
                  "call again (a call the annotator did not see), or put both modules in one FMP"},
    {FR_ENOWORKER, "the callee's FMP could not start a thread to serve this logical thread (no "
                      "address space or thread left, often under limits.memory_mb); transient: "
                      "the next call tries again; raise limits.memory_mb or lower "
                      "defaults.max_threads"},
    {EMSGSIZE, "a message of the call is larger than max_payload_mb; permanent for these "
                  "arguments: raise max_payload_mb in the config, or pass less per call"},
    {ENOSYS, "the callee's FMP does not hold the function: the FMPs of the program disagree "
                "about its plan (different builds of the binary); permanent: run one build, "
                "annotated with every module, in every FMP"},
    {EINVAL, "the caller refused its own call before sending it (a size that overflows size_t, "
                "buffers that overlap and cannot travel as one) or a Fracture function was given "
                "a bad argument; permanent: fix the arguments (without FR_ON_FAILURE the "
                "program's message names them)"},
    {ENOMEM, "the runtime ran out of memory for the call, in the caller's FMP or the callee's; "
                "transient: memory may come back; give the FMP more (env: limits: memory_mb)"},
    {EAGAIN, "the callee's FMP is busy or out of threads for now; transient: try again later, "
                "and raise defaults.max_threads if it lasts"},
    {EIO, "the callee's FMP refused the call with a status the runtime does not know, or (as "
             "the errno an FR_ON_FAILURE declares) it is gone or busy now; transient: fall back, "
             "or try again later"},
};

static const struct meaning *meaning_of(int e)
{
    for (size_t i = 0; i < sizeof meanings / sizeof meanings[0]; i++)
        if (meanings[i].err == e)
            return &meanings[i];
    return NULL;
}

/* -INT_MIN does not fit an int: it is no errno either way. */
static int positive(int err)
{
    return err >= 0 ? err : err == INT_MIN ? INT_MAX : -err;
}

const char *fr_strerror(int err)
{
    /* An unknown number, per thread: the only text not static. */
    static _Thread_local char unknown[48];
    int e = positive(err);
    const struct meaning *m;
    const char *d;

    if (e == 0)
        return "no error";
    if ((m = meaning_of(e)))
        return m->text;
    /* strerrordesc_np, unlike strerror, is thread-safe and never
     * localised: a static string, or NULL for an unknown number. */
    if ((d = strerrordesc_np(e)))
        return d;
    snprintf(unknown, sizeof unknown, "unknown error %d", e);
    return unknown;
}

int fr_err_transient(int err)
{
    int e = positive(err);

    /* one list of the permanent ones: what a stub tells as itself */
    return e != 0 && fr_failure_errno(-e, 0) == 0;
}
