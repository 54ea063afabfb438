/*
 * signature.h - what makes two Valgrind errors one bug class: the kind and
 * the top frames, normalised (Socorro's and Sentry's signatures): no
 * addresses, pids or instance numbers, compiler clone suffixes gone, and
 * Fracture's own frames (the runtime's fr_*, fr__* and generated __fr_*
 * functions, anything in libfracture) left out, and none past the module
 * boundary, so that an error found in an isolated FMP and the same one in
 * an FMP of several modules are one class.
 */
#ifndef FR_SIGNATURE_H
#define FR_SIGNATURE_H

#include <stdbool.h>

#include "vgxml.h"

/* How many frames, after suppression, make a signature. */
#define FR_SIG_FRAMES 4

/* fr__sig_frame_is_fracture - whether @f is the runtime's or generated
 * code rather than the program's. */
bool fr__sig_frame_is_fracture(const struct fr_vg_frame *f);

/*
 * fr__sig_frame_name - @f's name as a signature says it: the function,
 * without clone suffixes (".constprop.0", ".isra.0", ".part.1", ".cold"),
 * the program's own name where a generated one wraps it (__fr_user_main is
 * main); "inlined@FILE" for an inlined frame Valgrind could not name;
 * "OBJ+?" (the object's basename) where there is no function name.  A
 * talloc string under @ctx, or NULL out of memory.
 */
char *fr__sig_frame_name(void *ctx, const struct fr_vg_frame *f);

/*
 * fr__sig_of - the signature of @er: "KIND | frame | frame | ..." over its
 * top FR_SIG_FRAMES frames that are not Fracture's, up to the first
 * Fracture frame below the program's own: the module boundary, past which
 * a stack shows how the deployment composed its FMPs (a dispatcher and a
 * worker thread in an isolated FMP, the caller's module all in one), not
 * the bug.  A talloc string under @ctx, or NULL out of memory.
 */
char *fr__sig_of(void *ctx, const struct fr_vg_error *er);

/*
 * fr__sig_what - @er's text with what differs between occurrences of one
 * bug taken out: addresses (0x...) and a leak's "in loss record N of M".
 * A talloc string under @ctx ("" when Valgrind wrote none), NULL out of
 * memory.
 */
char *fr__sig_what(void *ctx, const struct fr_vg_error *er);

#endif /* FR_SIGNATURE_H */
