/*
 * config_check.h - the check of a parsed deployment config against the
 * app and this machine (config_check.c).  fr__config_check, the runtime's
 * entry to it, is declared in config.h with the rest of the config's API;
 * this header is for config.c, whose fr__config_read runs the check on
 * whatever its parse made of the file, into the parse's error list.
 */
#ifndef FR_CONFIG_CHECK_H
#define FR_CONFIG_CHECK_H

#include <fracture/abi.h>

#include "config.h"
#include "yaml_walk.h"

/* fr__config_check_all - every check of @cfg against @app and the machine,
 * each problem into @e (scratch in e->ctx). */
void fr__config_check_all(struct fr_errs *e, const struct fr_config *cfg,
                          const struct fr_app *app);

#endif /* FR_CONFIG_CHECK_H */
