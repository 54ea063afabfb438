/*
 * text.h - the text module of the sample app (text.c and textfd.c): strings
 * in, strings back (owned by the caller or not), arrays returned, and file
 * descriptors passed and returned.
 */
#ifndef SAMPLE_TEXT_H
#define SAMPLE_TEXT_H

#include <fracture.h>
#include <stddef.h>

#include "geom.h"

size_t text_count_vowels(const char *s);
size_t text_count_char(FR_STRING char *s, char c);
FR_RET_STRING FR_RET_OWNED char *text_upper(const char *s);
const char *text_shape_name(enum shape s);
/* Reverses the string in buf in place; buf holds cap bytes. */
void text_reverse(FR_STRING FR_INOUT(cap) char *buf, size_t cap);
/* The first n primes, from a table of the module's own. */
FR_RET(n) const int *text_primes(size_t n);
/* The lengths of the first n words of s, in a malloc'ed array. */
FR_RET(n) FR_RET_OWNED size_t *text_word_lengths(const char *s, size_t n);

/* textfd.c: a temporary file holding s, its offset at 0. */
FR_RET_FD int textfd_render(const char *s);
/* Appends s to the file fd refers to; its new size, or -1 (errno). */
FR_ON_FAILURE(-1, EIO) long textfd_append(FR_FD int fd, const char *s);

#endif
