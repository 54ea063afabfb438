/*
 * metaexec.h - Causeway's fork/exec channel (metaexec.c).
 */
#ifndef FR_METAEXEC_H
#define FR_METAEXEC_H

/* How many items this process took from its parent's FRACTURE_META_ITEMS before
 * main.  fr_main calls it, which also links metaexec.c (and its
 * constructor) into a program built against the static library. */
unsigned fr__meta_exec_inherited(void);

#endif /* FR_METAEXEC_H */
