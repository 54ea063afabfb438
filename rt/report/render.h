/*
 * render.h - the ranked classes as `fracture report` prints them: a text
 * table for a terminal (render_text.c), one JSON object (render_json.c),
 * one self-contained HTML page with an inline SVG chart of the top classes
 * (render_html.c).  README.md ("fracture report") shows each.
 */
#ifndef FR_RENDER_H
#define FR_RENDER_H

#include <stdio.h>
#include <time.h>

#include "classes.h"

/* How many classes the HTML page charts. */
#define FR_RENDER_CHART 10

/* fr__render_time - @t (Unix seconds) as "YYYY-MM-DDTHH:MM:SSZ" into @buf. */
void fr__render_time(int64_t t, char buf[32]);

/* fr__render_frame - one stack frame as "fn (file:line)", "fn (obj)" or "fn";
 * a talloc string under @ctx, or NULL. */
char *fr__render_frame(void *ctx, const struct fr_vg_frame *f);

/* fr__render_text - the table on @f. */
void fr__render_text(FILE *f, const struct fr_classes *c);

/* fr__render_json - one JSON object on @f; 0 or -ENOMEM. */
int fr__render_json(FILE *f, const struct fr_classes *c);

/* fr__render_html - the page as a talloc string under @ctx (*len bytes),
 * or NULL out of memory. */
char *fr__render_html(void *ctx, const struct fr_classes *c, size_t *len);

#endif /* FR_RENDER_H */
