/*
 * crowd.h - `crowd:` in the deployment config (crowd.c): each deployment
 * isolates one module of a list, sampled under an environment (memcheck by
 * default), the module chosen from the deployment's id, so that a crowd of
 * deployments covers the list and their reports merge in `fracture
 * report`.
 *
 * The key is read with the rest of the file (fr__crowd_walk, a field of the
 * top-level schema); once the app is known, fr__crowd_resolve picks this
 * deployment's module and adds one FMP for it to the config, a `sample:`
 * FMP marked as the crowd's twin (the module keeps running where `fmps:`
 * puts it too, the root or an FMP of its own: crowdcall.c), so that the
 * check and the sample policy need nothing new.
 */
#ifndef FR_CROWD_H
#define FR_CROWD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <fracture/abi.h>

#include "config.h"

/* yaml_walk.h's, not included: its short names are the config layer's */
struct fr_walk;
struct fr_errs;
struct yaml_node_s;

/* The variable that gives a deployment its id. */
#define FR_CROWD_ID_VAR "FRACTURE_DEPLOYMENT"

struct fr_crowd_item {
    char *module;
    struct fr_pos pos;
    bool has_with;            /* `with:` written (`with: []`: alone, by choice) */
    char **with;              /* the modules isolated along with it */
    struct fr_pos *with_pos;
    size_t nwith;
};

struct fr_crowd {
    struct fr_pos pos;        /* of the `crowd` key */
    bool has_modules;
    struct fr_pos modules_pos;
    struct fr_crowd_item *items;
    size_t nitems;
    unsigned percent;         /* of the module's calls to the instrumented instance */
    struct fr_env env;        /* present: given; else memcheck, --leak-check=full */
    uint64_t recycle_after_calls;

    /* This deployment, filled by fr__crowd_resolve. */
    bool resolved;
    char *id;                 /* as read, or the hashed text */
    char *id_from;            /* where it came from, for `fracture check` */
    bool id_numeric;          /* a decimal number: slot = id mod n, exactly */
    uint64_t id_value;        /* the number, or the hash */
    const struct fr_crowd_item **list;   /* the rotation, in order */
    size_t nlist;
    struct fr_crowd_item *all;   /* the items made when no list is given */
    char **skipped;           /* no list: modules left out, and why */
    size_t nskipped;
    size_t slot;              /* list[slot] is this deployment's */
    size_t fmp;               /* its FMP in cfg->fmps */
    long plain;               /* where its plain copy runs: the FMP in cfg->fmps that
                               * `fmps:` places it in, or -1: the root */
};

/* fr__crowd_walk - a K_FN field of the top-level schema: cfg->crowd (obj
 * is the struct fr_config) from the mapping @v, under st->tree. */
void fr__crowd_walk(struct fr_walk *st, const struct yaml_node_s *k,
                    struct yaml_node_s *v, void *obj);

/*
 * fr__crowd_resolve - with the app known: check the list (every module
 * known, not main, samplable, in the root or placed by `fmps:` in an FMP
 * without sample: or replicate:, its `with:` modules beside it; with no
 * list, every module that qualifies), pick this deployment's module from its id
 * (FR_CROWD_ID_VAR, else a hash of host and user) and append its FMP to
 * cfg->fmps (memory under @cfg).  Problems go to @e.  Does nothing without
 * `crowd:`.
 */
void fr__crowd_resolve(struct fr_errs *e, struct fr_config *cfg, const struct fr_app *app);

/*
 * fr__crowd_slot - the slot of @n that id @id picks: *numeric and *value as
 * in struct fr_crowd.  A decimal number that fits in 64 bits picks id mod n;
 * anything else its hash mod n.  @id NULL: the hash of @host and @user.
 */
size_t fr__crowd_slot(const char *id, const char *host, const char *user, size_t n,
                      bool *numeric, uint64_t *value);

/* fr__crowd_print - what this deployment does, for `fracture check`: lines
 * of text, or (@json) one JSON value ("null" without crowd). */
void fr__crowd_print(FILE *f, const struct fr_config *cfg, bool json);

#endif /* FR_CROWD_H */
