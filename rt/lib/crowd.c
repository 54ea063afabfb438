/*
 * crowd.c - `crowd:` (crowd.h): the rotation of one instrumented module
 * over the deployments of a program, as Cooperative Bug Isolation spreads
 * its sampling over users: no one pays for Valgrind on the whole program,
 * and the crowd as a whole watches every module.
 *
 * A deployment's id picks its slot in the rotation: a number picks id mod
 * n, so that ids 0..n-1 cover the list once each; any other text (and, with
 * no id, the host and user) is hashed, which spreads deployments evenly
 * only in expectation.  The same id always picks the same module, so a
 * deployment's reports accumulate on one module across its runs.
 *
 * The pick becomes one more FMP of the config: the module (with the
 * modules its `with:` names, the boundary `fracture partition --crowd`
 * computes from a training trace) run by an instrumented instance, a
 * one-instance `sample:` FMP marked as the crowd's (sample.crowd).  The
 * module keeps running where `fmps:` puts it as well, its plain copy: in
 * the root, or in the FMP `fmps:` places it in (sample.plain), in every
 * deployment alike, so a placement never holds in some deployments and
 * not in others.  `percent` of its calls go to the instrumented copy, the
 * rest run in the plain copy, the choice made by each caller
 * (crowdcall.c).  The check, the plan and the sample policy see an
 * ordinary `sample:` FMP; the plan marks its group and where its plain
 * copy runs.
 *
 * Where the plain copy may run: in the root (`fmps:` leaves the module
 * out, or places it with main), or in an FMP of `fmps:` without sample:
 * or replicate: (restart:, env: and other modules beside it are fine).  A
 * plain copy is one process, which the pins and the objects of the copy
 * name (crowdcall.c); a sampled FMP would split its calls over instances
 * again, a replicated one run them in replicas that vote while the twin
 * answers alone, and neither is done: both are refused, and left out of a
 * rotation made without a list.  A `with:` module's plain copy runs with
 * the module's (the group has one plain copy as it has one twin): both in
 * the root, or both in the same FMP, else refused.
 */
#include "crowd.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>

#include "caps.h"
#include "env.h"
#include "yaml_walk.h"

#define DEFAULT_PERCENT 1
#define FMP_NAME_MAX 63

/* ---- the walk ---------------------------------------------------------- */

static bool valid_name(struct fr_walk *st, const yaml_node_t *it, const char *s, size_t len)
{
    if (fr__walk_ident(s, len, false))
        return true;
    fr__err(&st->e, pos_of(it), "module names are C identifiers, as in "
            "FRACTURE_MODULE(name, ...)", "'%s' is not a valid module name",
            fr__show(&st->e, s, len));
    return false;
}

static void fn_item_module(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                           void *obj)
{
    struct fr_crowd_item *it = obj;
    const char *s;
    size_t len;

    (void)k;
    if (!fr__walk_text(st, v, "a module name", &s, &len) || !valid_name(st, v, s, len))
        return;
    it->module = talloc_strndup(st->tree, s, len);
    it->pos = pos_of(v);
    if (!it->module)
        fr__walk_oom(st);
}

static void fn_item_with(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                         void *obj)
{
    struct fr_crowd_item *it = obj;

    (void)k;
    it->has_with = true;
    fr__walk_str_list(st, v, "a list of module names", "a module name",
                      "write `with: []` for none, or leave it out", valid_name,
                      &it->with, &it->with_pos, &it->nwith);
}

static const struct fr_field item_fields[] = {
    { FN("module", fn_item_module, 0), .required = true,
      .hint_missing = "name the module, e.g. `{module: parser, with: [lexer]}`" },
    { FN("with", fn_item_with, 0) },
};
static const struct fr_schema item_schema = {
    "in this crowd module", item_fields, ARRAY_SIZE(item_fields)
};

static void fn_modules(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v, void *obj)
{
    struct fr_crowd *c = obj;
    size_t n;

    c->has_modules = true;
    c->modules_pos = pos_of(k);
    if (!fr__walk_expect(st, v, YAML_SEQUENCE_NODE, "a list of modules",
                         "leave `modules` out to rotate every samplable module"))
        return;
    n = seq_len(v);
    if (!n) {
        fr__err(&st->e, pos_of(v), "leave `modules` out to rotate every samplable "
                "module", "'modules' is empty");
        return;
    }
    c->items = talloc_zero_array(st->tree, struct fr_crowd_item, n);
    if (!c->items) {
        fr__walk_oom(st);
        return;
    }
    for (yaml_node_item_t *i = v->data.sequence.items.start;
         i < v->data.sequence.items.top && !fr__walk_stopped(st); i++) {
        yaml_node_t *it = fr__walk_node(st, *i);
        struct fr_crowd_item *ci = &c->items[c->nitems];

        if (!it)
            continue;
        if (it->type == YAML_SCALAR_NODE && !fr__walk_is_null(it)) {
            fn_item_module(st, NULL, it, ci);
        } else if (!fr__walk_map(st, it, &item_schema, ci, "a module name or "
                                 "{module: NAME, with: [...]}", NULL)) {
            continue;
        }
        if (ci->module)
            c->nitems++;
    }
}

static const struct fr_field crowd_fields[] = {
    { FN("modules", fn_modules, 0) },
    { UINT("percent", struct fr_crowd, percent, 1, 100) },
    { FN("env", fr__env_walk, offsetof(struct fr_crowd, env)) },
    { U64("recycle_after_calls", struct fr_crowd, recycle_after_calls) },
};
static const struct fr_schema crowd_schema = {
    "in crowd", crowd_fields, ARRAY_SIZE(crowd_fields)
};

void fr__crowd_walk(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v, void *obj)
{
    struct fr_config *cfg = obj;
    struct fr_crowd *c = talloc_zero(st->tree, struct fr_crowd);

    if (!c) {
        fr__walk_oom(st);
        return;
    }
    c->pos = pos_of(k);
    c->percent = DEFAULT_PERCENT;
    fr__env_init(&c->env);
    cfg->crowd = c;
    fr__walk_map(st, v, &crowd_schema, c, "a mapping for 'crowd'",
                 "write `crowd: {}` to rotate every samplable module under memcheck");
}

/* ---- the deployment's id ----------------------------------------------- */

/* FNV-1a, then splitmix64's finaliser: FNV alone leaves the low bits (what
 * a small mod looks at) poorly mixed for texts that differ in one byte. */
static uint64_t hash_text(const char *a, const char *b)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (const char *s = a; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    if (b) {
        h = (h ^ 0xffu) * 0x100000001b3ull;   /* no byte of text: a separator */
        for (const char *s = b; *s; s++)
            h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    }
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

/* A decimal number that fits in 64 bits. */
static bool decimal(const char *s, uint64_t *out)
{
    uint64_t v = 0;

    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned d = (unsigned)(*s - '0');

        if (!isdigit((unsigned char)*s) || v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

size_t fr__crowd_slot(const char *id, const char *host, const char *user, size_t n,
                      bool *numeric, uint64_t *value)
{
    *numeric = id && decimal(id, value);
    if (!*numeric)
        *value = id ? hash_text(id, NULL) : hash_text(host, user);
    return n ? (size_t)(*value % n) : 0;
}

/* The id from the environment, else the host and user; *from says which. */
static void read_id(void *ctx, struct fr_crowd *c, size_t n)
{
    const char *v = getenv(FR_CROWD_ID_VAR);
    char host[256] = "";
    char *user = NULL;

    if (v && *v) {
        c->id = talloc_strdup(ctx, v);
        c->slot = fr__crowd_slot(v, NULL, NULL, n, &c->id_numeric, &c->id_value);
        c->id_from = talloc_asprintf(ctx, "%s", FR_CROWD_ID_VAR);
        return;
    }
    if (gethostname(host, sizeof(host) - 1) < 0)
        strcpy(host, "?");
    {
        struct passwd pw, *res = NULL;
        char buf[1024];

        if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res)
            user = talloc_strdup(ctx, res->pw_name);
        else
            user = talloc_asprintf(ctx, "%u", (unsigned)geteuid());
    }
    c->slot = fr__crowd_slot(NULL, host, user ? user : "?", n, &c->id_numeric, &c->id_value);
    c->id = talloc_asprintf(ctx, "%s/%s", host, user ? user : "?");
    c->id_from = talloc_asprintf(ctx, "a hash of host '%s' and user '%s' (%s is not set)",
                                 host, user ? user : "?", FR_CROWD_ID_VAR);
}

/* ---- the list ---------------------------------------------------------- */

struct rs {
    struct fr_errs *e;
    struct fr_config *cfg;
    const struct fr_app *app;
};

static int module_of(const struct fr_app *app, const char *name)
{
    for (unsigned i = 0; app->modules && i < app->nmodules; i++)
        if (app->modules[i].name && !strcmp(app->modules[i].name, name))
            return (int)i;
    return -1;
}

/* The FMP of `fmps:` that places @name, or NULL; *pos where. */
static const struct fr_fmp_conf *placed_in(const struct fr_config *cfg, size_t nfmps,
                                           const char *name, struct fr_pos *pos)
{
    for (size_t i = 0; i < nfmps; i++)
        for (size_t m = 0; m < cfg->fmps[i].nmodules; m++)
            if (!strcmp(cfg->fmps[i].modules[m], name)) {
                *pos = cfg->fmps[i].module_pos[m];
                return &cfg->fmps[i];
            }
    return NULL;
}

static bool holds_main(const struct fr_fmp_conf *f)
{
    for (size_t m = 0; m < f->nmodules; m++)
        if (!strcmp(f->modules[m], "main"))
            return true;
    return false;
}

/* Where the plain copy of module @name runs: the FMP `fmps:` places it in,
 * or NULL for the root (not placed, or placed with main); *pos where. */
static const struct fr_fmp_conf *plain_home(const struct fr_config *cfg, const char *name,
                                            struct fr_pos *pos)
{
    const struct fr_fmp_conf *f = placed_in(cfg, cfg->nfmps, name, pos);

    return f && !holds_main(f) ? f : NULL;
}

/* The policy of FMP @f that keeps a plain copy out of it, or NULL.  The
 * plain copy is one process that takes the calls the crowd does not draw
 * for the twin, and pins and objects name it (crowdcall.c); in a sampled
 * FMP those calls would be split again over instances, in a replicated
 * one run by replicas that vote while the twin answers alone. */
static const char *group_policy(const struct fr_fmp_conf *f)
{
    return !f ? NULL : f->sample.present ? "sample" : f->replicate.present ? "replicate" : NULL;
}

/* Whether module @name may be isolated by the crowd, else an error at @pos;
 * @with: the crowd module it would be isolated with, or NULL.  Where its
 * plain copy may run is home_ok's and with_home_ok's. */
static bool usable(struct rs *r, const char *name, struct fr_pos pos, const char *with)
{
    struct fr_errs *e = r->e;
    int m = module_of(r->app, name);
    char *what = with ? talloc_asprintf(e->ctx, "module '%s' (with '%s' in crowd)", name, with)
                      : talloc_asprintf(e->ctx, "crowd module '%s'", name);

    if (!what) {
        e->oom = true;
        return false;
    }
    if (m < 0) {
        const char **names = talloc_array(e->ctx, const char *,
                                          r->app->nmodules ? r->app->nmodules : 1);
        size_t n = 0;
        char *hint = NULL;

        if (!names) {
            e->oom = true;
            return false;
        }
        for (unsigned i = 0; r->app->modules && i < r->app->nmodules; i++)
            if (r->app->modules[i].name)
                names[n++] = r->app->modules[i].name;
        if (n)
            hint = fr__errs_hint(e, name, names, n, 10, "the app's modules: ");
        fr__err(e, pos, hint, "unknown module '%s'", name);
        return false;
    }
    if (!strcmp(name, "main")) {
        fr__err(e, pos, "main always runs in the root process; rotate the modules it "
                "calls", "%s cannot be isolated", what);
        return false;
    }
    if (!(r->app->modules[m].caps & FR_SAMPLABLE)) {
        char *caps = fr__caps_text(e->ctx, r->app->modules[m].caps | FR_SAMPLABLE);
        char *hint = caps ? talloc_asprintf(e->ctx, "the crowd samples its calls: mark "
                                            "it FRACTURE_MODULE(%s, %s) if sampling it "
                                            "is safe, or take it out of the list",
                                            name, caps) : NULL;
        if (!hint)
            e->oom = true;
        fr__err(e, pos, hint, "%s is not samplable", what);
        return false;
    }
    return true;
}

/* Whether the plain copy of crowd item @it's module can run where `fmps:`
 * puts it: in the root, or in an FMP without sample: or replicate:. */
static bool home_ok(struct rs *r, const struct fr_crowd_item *it)
{
    struct fr_errs *e = r->e;
    struct fr_pos at;
    const struct fr_fmp_conf *home = plain_home(r->cfg, it->module, &at);
    const char *policy = group_policy(home);
    char *hint;

    if (!policy)
        return true;
    hint = talloc_asprintf(e->ctx, "not supported: the crowd runs the module's plain copy "
                           "in the FMP `fmps:` places it in, one process that takes the "
                           "calls not drawn for the instrumented copy; take '%s' out of FMP "
                           "'%s' (its plain copy then runs in the root), drop the FMP's "
                           "`%s:`, or take '%s' out of the crowd", it->module, home->name,
                           policy, it->module);
    if (!hint)
        e->oom = true;
    fr__err(e, it->pos, hint, "crowd module '%s' is placed in FMP '%s' (at %s:%u:%u), which "
            "has `%s:`: the crowd cannot keep its plain copy there", it->module, home->name,
            e->file, at.line, at.col, policy);
    return false;
}

/* Whether `with:` module @w of crowd item @it is placed where the item's
 * module is: the group has one plain copy, as it has one twin, so the
 * plain copies of a module and of its `with:` modules share one FMP (or
 * the root). */
static bool with_home_ok(struct rs *r, const struct fr_crowd_item *it, size_t w)
{
    struct fr_errs *e = r->e;
    struct fr_pos at, wat;
    const struct fr_fmp_conf *home = plain_home(r->cfg, it->module, &at);
    const struct fr_fmp_conf *wh = plain_home(r->cfg, it->with[w], &wat);
    char *mine, *theirs, *fix, *hint;

    if (wh == home)
        return true;
    mine = wh ? talloc_asprintf(e->ctx, "is placed in FMP '%s' (at %s:%u:%u)", wh->name,
                                e->file, wat.line, wat.col)
              : talloc_strdup(e->ctx, "runs in the root");
    theirs = home ? talloc_asprintf(e->ctx, "is placed in FMP '%s' (at %s:%u:%u)", home->name,
                                    e->file, at.line, at.col)
                  : talloc_strdup(e->ctx, "runs in the root");
    fix = home ? talloc_asprintf(e->ctx, "place '%s' in FMP '%s' too", it->with[w], home->name)
               : talloc_asprintf(e->ctx, "take '%s' out of `fmps:` (to the root, beside '%s')",
                                 it->with[w], it->module);
    hint = fix ? talloc_asprintf(e->ctx, "a crowd module and its `with:` modules keep their "
                                 "plain copies in one FMP, as their instrumented copies share "
                                 "one: %s, or take '%s' out of `with:`", fix, it->with[w])
               : NULL;
    if (!mine || !theirs || !hint)
        e->oom = true;
    fr__err(e, it->with_pos[w], hint, "module '%s' (with '%s' in crowd) %s, but '%s' %s",
            it->with[w], it->module, mine ? mine : "?", it->module, theirs ? theirs : "?");
    return false;
}

static bool check_item(struct rs *r, const struct fr_crowd_item *it, size_t idx)
{
    const struct fr_crowd *c = r->cfg->crowd;
    bool known = usable(r, it->module, it->pos, NULL), ok = known && home_ok(r, it);

    for (size_t j = 0; j < idx; j++)
        if (!strcmp(c->items[j].module, it->module)) {
            fr__err(r->e, it->pos, "each module takes one slot of the rotation",
                    "module '%s' is listed twice in crowd (first at %s:%u:%u)",
                    it->module, r->e->file, c->items[j].pos.line, c->items[j].pos.col);
            ok = false;
        }
    for (size_t w = 0; w < it->nwith; w++) {
        if (!strcmp(it->with[w], it->module)) {
            fr__err(r->e, it->with_pos[w], "`with:` names the other modules of its FMP",
                    "module '%s' is isolated with itself", it->module);
            ok = false;
            continue;
        }
        ok = usable(r, it->with[w], it->with_pos[w], it->module) &&
             (!known || with_home_ok(r, it, w)) && ok;
        for (size_t j = 0; j < w; j++)
            if (!strcmp(it->with[j], it->with[w])) {
                fr__err(r->e, it->with_pos[w], NULL, "module '%s' is named twice in "
                        "'with'", it->with[w]);
                ok = false;
            }
    }
    return ok;
}

/* No list: every module of the app that qualifies (samplable, not main,
 * in the root or placed in an FMP that can keep its plain copy), the
 * others named in c->skipped for `fracture check`. */
static int list_all(struct rs *r, struct fr_crowd *c)
{
    const struct fr_app *app = r->app;
    void *tree = r->cfg;
    struct fr_pos where;

    c->all = talloc_zero_array(tree, struct fr_crowd_item, app->nmodules ? app->nmodules : 1);
    c->skipped = talloc_zero_array(tree, char *, app->nmodules ? app->nmodules : 1);
    c->list = talloc_zero_array(tree, const struct fr_crowd_item *,
                                app->nmodules ? app->nmodules : 1);
    if (!c->all || !c->skipped || !c->list)
        return -ENOMEM;
    for (unsigned i = 0; app->modules && i < app->nmodules; i++) {
        const char *name = app->modules[i].name;
        const struct fr_fmp_conf *f;
        const char *policy;
        char *why = NULL;

        if (!name)
            continue;
        if (!strcmp(name, "main"))
            why = talloc_asprintf(tree, "main (stays in the root)");
        else if (!(app->modules[i].caps & FR_SAMPLABLE))
            why = talloc_asprintf(tree, "%s (not samplable)", name);
        else if ((policy = group_policy(f = plain_home(r->cfg, name, &where))))
            why = talloc_asprintf(tree, "%s (placed in FMP '%s' at %s:%u:%u, which has "
                                  "`%s:`)", name, f->name ? f->name : "?", r->e->file,
                                  where.line, where.col, policy);
        if (why) {
            c->skipped[c->nskipped++] = why;
            continue;
        }
        c->all[c->nlist].module = talloc_strdup(tree, name);
        if (!c->all[c->nlist].module)
            return -ENOMEM;
        c->all[c->nlist].pos = c->pos;
        c->list[c->nlist] = &c->all[c->nlist];
        c->nlist++;
    }
    for (size_t i = 0; i < c->nskipped; i++)
        if (!c->skipped[i])
            return -ENOMEM;
    if (!c->nlist)
        fr__err(r->e, c->pos, "mark a module FR_SAMPLABLE, or take one out of its sampled "
                "or replicated FMP", "crowd has no module to rotate: none of the app's "
                "modules is samplable and runs where the crowd can keep its plain copy "
                "(the root, or an FMP without `sample:` or `replicate:`)");
    return 0;
}

/* ---- this deployment's FMP --------------------------------------------- */

/* The default environment: memcheck with full leak checking, without which
 * memcheck's XML has no leak in it. */
static int default_env(void *tree, struct fr_crowd *c)
{
    c->env.present = true;
    c->env.pos = c->pos;
    c->env.has_valgrind = true;
    c->env.valgrind_pos = c->pos;
    c->env.valgrind_tool = talloc_strdup(tree, "memcheck");
    c->env.valgrind_args = talloc_array(tree, char *, 1);
    if (!c->env.valgrind_tool || !c->env.valgrind_args)
        return -ENOMEM;
    c->env.valgrind_args[0] = talloc_strdup(tree, "--leak-check=full");
    c->env.nvalgrind_args = 1;
    return c->env.valgrind_args[0] ? 0 : -ENOMEM;
}

static int add_fmp(struct rs *r, struct fr_crowd *c, const struct fr_crowd_item *it)
{
    struct fr_config *cfg = r->cfg;
    struct fr_fmp_conf *fmps, *f;
    size_t n = 1 + it->nwith;
    char *name;

    name = talloc_asprintf(cfg, "crowd-%.*s", FMP_NAME_MAX - 6, it->module);
    if (!name)
        return -ENOMEM;
    for (size_t i = 0; i < cfg->nfmps; i++)
        if (cfg->fmps[i].name && !strcmp(cfg->fmps[i].name, name)) {
            fr__err(r->e, cfg->fmps[i].pos, "the crowd names its FMP so; rename this one",
                    "FMP name '%s' is taken by crowd (at %s:%u:%u)", name, r->e->file,
                    c->pos.line, c->pos.col);
            return 0;
        }
    fmps = talloc_realloc(cfg, cfg->fmps, struct fr_fmp_conf, cfg->nfmps + 1);
    if (!fmps)
        return -ENOMEM;
    cfg->fmps = fmps;
    f = &fmps[cfg->nfmps];
    memset(f, 0, sizeof(*f));
    f->name = name;
    f->pos = c->pos;
    fr__env_init(&f->env);
    f->restart.max = 5;
    f->restart.window_s = 60;
    f->restart.retries = 2;
    f->modules = talloc_array(cfg, char *, n);
    f->module_pos = talloc_array(cfg, struct fr_pos, n);
    f->sample.instances = talloc_zero_array(cfg, struct fr_sample_instance, 1);
    if (!f->modules || !f->module_pos || !f->sample.instances)
        return -ENOMEM;
    f->modules[0] = it->module;
    f->module_pos[0] = it->pos;
    for (size_t w = 0; w < it->nwith; w++) {
        f->modules[1 + w] = it->with[w];
        f->module_pos[1 + w] = it->with_pos[w];
    }
    f->nmodules = n;
    f->sample.present = true;
    f->sample.pos = c->pos;
    /* Each deployment samples other calls of the module. */
    f->sample.seed = c->id_value;
    /* One instance, the instrumented copy: the plain share of the calls
     * runs in the plain copy, where `fmps:` places the module (crowdcall.c). */
    f->sample.crowd = true;
    f->sample.plain = c->plain;
    f->sample.ninstances = 1;
    f->sample.instances[0].pos = c->pos;
    f->sample.instances[0].weight = c->percent;
    f->sample.instances[0].env = c->env;
    f->sample.instances[0].recycle_after_calls = c->recycle_after_calls;
    c->fmp = cfg->nfmps++;
    return 0;
}

void fr__crowd_resolve(struct fr_errs *e, struct fr_config *cfg, const struct fr_app *app)
{
    struct fr_crowd *c = cfg->crowd;
    struct rs r = { e, cfg, app };
    const struct fr_fmp_conf *home;
    struct fr_pos at;
    bool ok = true;

    if (!c || c->resolved)
        return;
    if (!c->env.present && default_env(cfg, c) < 0)
        goto out_oom;
    if (c->has_modules) {
        c->list = talloc_zero_array(cfg, const struct fr_crowd_item *,
                                    c->nitems ? c->nitems : 1);
        if (!c->list)
            goto out_oom;
        for (size_t i = 0; i < c->nitems; i++) {
            ok = check_item(&r, &c->items[i], i) && ok;
            c->list[c->nlist++] = &c->items[i];
        }
    } else if (list_all(&r, c) < 0) {
        goto out_oom;
    }
    if (!ok || !c->nlist)
        return;
    read_id(cfg, c, c->nlist);
    if (!c->id || !c->id_from)
        goto out_oom;
    home = plain_home(cfg, c->list[c->slot]->module, &at);
    c->plain = home ? home - cfg->fmps : -1;
    if (add_fmp(&r, c, c->list[c->slot]) < 0)
        goto out_oom;
    c->resolved = true;
    return;
out_oom:
    e->oom = true;
}

/* ---- `fracture check` -------------------------------------------------- */

static void print_json(FILE *f, const struct fr_crowd *c, const struct fr_config *cfg)
{
    const struct fr_fmp_conf *fmp = &cfg->fmps[c->fmp];
    const struct fr_env *env = &c->env;

    fputs("{\"id\": ", f);
    fr__json_string(f, c->id);
    fputs(", \"id_from\": ", f);
    fr__json_string(f, c->id_from);
    fprintf(f, ", \"id_numeric\": %s, \"slot\": %zu, \"of\": %zu, \"module\": ",
            c->id_numeric ? "true" : "false", c->slot, c->nlist);
    fr__json_string(f, c->list[c->slot]->module);
    fputs(", \"rotation\": [", f);
    for (size_t i = 0; i < c->nlist; i++) {
        fputs(i ? ", " : "", f);
        fr__json_string(f, c->list[i]->module);
    }
    fputs("], \"fmp\": ", f);
    fr__json_string(f, fmp->name);
    fputs(", \"modules\": [", f);
    for (size_t i = 0; i < fmp->nmodules; i++) {
        fputs(i ? ", " : "", f);
        fr__json_string(f, fmp->modules[i]);
    }
    fprintf(f, "], \"boundary\": \"%s\", \"valgrind\": ",
            c->list[c->slot]->has_with ? "with" : "no trace");
    fr__json_string(f, env->has_valgrind ? (env->valgrind_tool ? env->valgrind_tool
                                                               : "memcheck") : NULL);
    fprintf(f, ", \"percent\": %u, \"plain\": ", c->percent);
    if (c->plain >= 0) {
        const struct fr_env *penv = &cfg->fmps[c->plain].env;

        fputs("{\"where\": \"fmp\", \"fmp\": ", f);
        fr__json_string(f, cfg->fmps[c->plain].name);
        fputs(", \"valgrind\": ", f);
        fr__json_string(f, !penv->present || !penv->has_valgrind ? NULL
                           : penv->valgrind_tool ? penv->valgrind_tool : "memcheck");
        fputs("}", f);
    } else {
        fputs("{\"where\": \"root\"}", f);
    }
    fputs(", \"reports\": ", f);
    fr__json_string(f, cfg->reports_dir);
    fputs("}", f);
}

void fr__crowd_print(FILE *f, const struct fr_config *cfg, bool json)
{
    const struct fr_crowd *c = cfg ? cfg->crowd : NULL;
    const struct fr_crowd_item *it;
    const struct fr_fmp_conf *fmp;
    const struct fr_env *env;

    if (!c || !c->resolved) {
        if (json)
            fputs("null", f);
        return;
    }
    if (json) {
        print_json(f, c, cfg);
        return;
    }
    it = c->list[c->slot];
    fmp = &cfg->fmps[c->fmp];
    env = &c->env;
    fprintf(f, "  crowd: deployment id '%s' from %s\n", c->id, c->id_from);
    if (c->id_numeric)
        fprintf(f, "  crowd: %" PRIu64 " mod %zu = slot %zu of the rotation (ids 0..%zu "
                "cover it once each)\n", c->id_value, c->nlist, c->slot, c->nlist - 1);
    else
        fprintf(f, "  crowd: hashed to slot %zu of %zu (not a number: deployments spread "
                "evenly only in expectation)\n", c->slot, c->nlist);
    fprintf(f, "  crowd: rotation:");
    for (size_t i = 0; i < c->nlist; i++)
        fprintf(f, " %s", c->list[i]->module);
    fputc('\n', f);
    if (c->nskipped) {
        fprintf(f, "  crowd: left out:");
        for (size_t i = 0; i < c->nskipped; i++)
            fprintf(f, "%s %s", i ? "," : "", c->skipped[i]);
        fputc('\n', f);
    }
    fprintf(f, "  crowd: this deployment isolates module '%s' in FMP '%s':", it->module,
            fmp->name);
    for (size_t i = 0; i < fmp->nmodules; i++)
        fprintf(f, " %s", fmp->modules[i]);
    fputc('\n', f);
    if (it->has_with)
        fprintf(f, "  crowd: the boundary is the one `with:` gives (%s; `fracture partition "
                "--crowd` writes the cheapest from a training trace)\n",
                it->nwith ? "the module and the modules it names" : "the module alone");
    else
        fprintf(f, "  crowd: the module alone: no boundary given (`fracture partition "
                "--crowd TRACE` computes the cheapest)\n");
    if (env->has_valgrind) {
        fprintf(f, "  crowd: %u %% of its calls go to an instance under valgrind --tool=%s",
                c->percent, env->valgrind_tool ? env->valgrind_tool : "memcheck");
        for (size_t i = 0; i < env->nvalgrind_args; i++)
            fprintf(f, " %s", env->valgrind_args[i]);
    } else {
        fprintf(f, "  crowd: %u %% of its calls go to an instance in the crowd's env",
                c->percent);
    }
    if (c->percent < 100 && c->plain >= 0) {
        const struct fr_fmp_conf *home = &cfg->fmps[c->plain];

        /* uninstrumented, unless that FMP's own env: instruments it */
        if (home->env.present && home->env.has_valgrind)
            fprintf(f, ", the rest run in FMP '%s' under valgrind --tool=%s (its env:)",
                    home->name, home->env.valgrind_tool ? home->env.valgrind_tool
                                                        : "memcheck");
        else if (home->env.present && home->env.npreload)
            fprintf(f, ", the rest run in FMP '%s' with the preload agents of its env:",
                    home->name);
        else
            fprintf(f, ", the rest run uninstrumented in FMP '%s'", home->name);
        fprintf(f, ", where fmps: places the module (a call from another FMP crosses to it)");
    } else if (c->percent < 100) {
        fprintf(f, ", the rest run uninstrumented in the root, where the module stays "
                "(a call from another FMP crosses to it)");
    }
    fputc('\n', f);
    if (env->has_valgrind)
        fprintf(f, "  crowd: reports go to %s/%s.instance0.PID.xml (`fracture report` "
                "merges them)\n", cfg->reports_dir, fmp->name);
}
