/*
 * config.c - the deployment config (DESIGN "Deployment config"): YAML text
 * to struct fr_config (config.h).  This file holds the shape of the file:
 * the schema tables of its keys and their callbacks (the top level,
 * defaults, FMPs, their policies), and the entry points that read, parse
 * and (fr__config_read) check it.  The walk itself is yaml_walk.c's, the
 * `env:` block env.c's, the check against the app and the machine
 * config_check.c's.
 *
 * A user fixing a config wants every error of a file in one run, so
 * nothing stops at the first problem, and the check runs on whatever the
 * parse made of the file, into the same error list: `fracture check` and
 * a start say everything at once and the same.
 *
 * The input is untrusted: besides what the walk bounds (yaml_walk.h), the
 * file's size is capped, YAML tags are refused and nesting is bounded
 * before the document is loaded.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <yaml.h>

#include "config_check.h"
#include "crowd.h"
#include "slurp.h"
#include "env.h"
#include "yaml_walk.h"

#define CONFIG_MAX_BYTES (1u << 20)
#define FMP_NAME_MAX 63
/* Collections nested deeper than this are refused before the document is
 * loaded.  The deepest a valid config goes is 9 (top, fmps, an FMP,
 * sample, instances, an instance, env, valgrind, args); libyaml's scanner
 * costs time quadratic in the depth (80,000 nested `[` took 41 s), so the
 * depth is counted on the event stream, which stops at the limit. */
#define MAX_DEPTH 32

_Static_assert(sizeof(enum fr_on_exhausted) == sizeof(int), "enum width");
_Static_assert(sizeof(enum fr_on_divergence) == sizeof(int), "enum width");

/* ---- policies ---------------------------------------------------------- */

static const char *const exhausted_names[] = { "fail", "abort" };
static const char *const divergence_names[] = { "vote", "abort", "log" };

static void fn_restart_envs(struct fr_walk *st, const yaml_node_t *k,
                            yaml_node_t *v, void *obj)
{
    struct fr_restart *r = obj;

    (void)k;
    fr__env_list(st, v, &r->environments, &r->nenvironments);
}

static const struct fr_field restart_fields[] = {
    { UINT("max", struct fr_restart, max, 0, 1000000) },
    { UINT("window_s", struct fr_restart, window_s, 1, 86400) },
    { UINT("retries", struct fr_restart, retries, 0, 100) },
    { FN("environments", fn_restart_envs, 0) },
    { ENUM("on_exhausted", struct fr_restart, on_exhausted,
           enum fr_on_exhausted, exhausted_names) },
};
static const struct fr_schema restart_schema = {
    "in restart", restart_fields, ARRAY_SIZE(restart_fields)
};

static void fn_restart(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                       void *obj)
{
    struct fr_restart *r = obj;

    r->present = true;
    r->pos = pos_of(k);
    fr__walk_map(st, v, &restart_schema, r, "a mapping for 'restart'",
                 "write `restart: {}` for the defaults");
}

static void fn_replicate_envs(struct fr_walk *st, const yaml_node_t *k,
                              yaml_node_t *v, void *obj)
{
    struct fr_replicate *r = obj;

    (void)k;
    fr__env_list(st, v, &r->environments, &r->nenvironments);
}

static const struct fr_field replicate_fields[] = {
    { UINT("count", struct fr_replicate, count, 2, 16), .required = true,
      .hint_missing = "say how many replicas, e.g. `count: 3`" },
    { ENUM("on_divergence", struct fr_replicate, on_divergence,
           enum fr_on_divergence, divergence_names) },
    { FN("environments", fn_replicate_envs, 0) },
};
static const struct fr_schema replicate_schema = {
    "in replicate", replicate_fields, ARRAY_SIZE(replicate_fields)
};

static void fn_replicate(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                         void *obj)
{
    struct fr_replicate *r = obj;

    r->present = true;
    r->pos = pos_of(k);
    if (!fr__walk_map(st, v, &replicate_schema, r, "a mapping for 'replicate'",
                      "write `replicate: {count: 3}`"))
        return;
    if (r->count && r->nenvironments > r->count)
        fr__err(&st->e, r->environments[r->count].pos,
                "give at most one environment per replica", "replicate has %u "
                "replicas but %zu environments", r->count, r->nenvironments);
}

static const struct fr_field instance_fields[] = {
    { UINT("weight", struct fr_sample_instance, weight, 1, 1000000),
      .required = true, .hint_missing = "give it a share, e.g. `weight: 1`" },
    { FN("env", fr__env_walk, offsetof(struct fr_sample_instance, env)) },
    { U64("recycle_after_calls", struct fr_sample_instance,
          recycle_after_calls) },
};
static const struct fr_schema instance_schema = {
    "in this sample instance", instance_fields, ARRAY_SIZE(instance_fields)
};

static void fn_instances(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                         void *obj)
{
    struct fr_sample *s = obj;
    size_t n;

    (void)k;
    if (!fr__walk_expect(st, v, YAML_SEQUENCE_NODE,
                         "a list of sample instances", NULL))
        return;
    n = seq_len(v);
    if (!n) {
        fr__err(&st->e, pos_of(v), "e.g. `instances: [{weight: 99}, {weight: "
                "1, env: {valgrind: {}}}]`", "'instances' is empty; a sample "
                "needs at least one instance");
        return;
    }
    s->instances = talloc_zero_array(st->tree, struct fr_sample_instance, n);
    if (!s->instances) {
        fr__walk_oom(st);
        return;
    }
    for (yaml_node_item_t *item = v->data.sequence.items.start;
         item < v->data.sequence.items.top && !fr__walk_stopped(st); item++) {
        yaml_node_t *it = fr__walk_node(st, *item);
        struct fr_sample_instance *in = &s->instances[s->ninstances];

        if (!it)
            continue;
        memset(in, 0, sizeof(*in));
        in->pos = pos_of(it);
        fr__env_init(&in->env);
        if (fr__walk_map(st, it, &instance_schema, in,
                         "a sample instance (a mapping)", NULL))
            s->ninstances++;
    }
}

static const struct fr_field sample_fields[] = {
    { U64("seed", struct fr_sample, seed) },
    { FN("instances", fn_instances, 0), .required = true,
      .hint_missing = "e.g. `instances: [{weight: 99}, {weight: 1}]`" },
};
static const struct fr_schema sample_schema = {
    "in sample", sample_fields, ARRAY_SIZE(sample_fields)
};

static void fn_sample(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                      void *obj)
{
    struct fr_sample *s = obj;

    s->present = true;
    s->pos = pos_of(k);
    fr__walk_map(st, v, &sample_schema, s, "a mapping for 'sample'", NULL);
}

/* ---- FMPs -------------------------------------------------------------- */

static void fn_fmp_name(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                        void *obj)
{
    struct fr_fmp_conf *f = obj;
    const char *s;
    size_t len;

    (void)k;
    if (!fr__walk_text(st, v, "an FMP name", &s, &len))
        return;
    if (!fr__walk_ident(s, len, true)) {
        fr__err(&st->e, pos_of(v), "an FMP name starts with a letter or '_' "
                "and holds letters, digits, '_' and '-'", "'%s' is not a valid "
                "FMP name", fr__show(&st->e, s, len));
        return;
    }
    if (len > FMP_NAME_MAX) {
        fr__err(&st->e, pos_of(v), NULL, "FMP name '%s' is too long (%zu "
                "characters, at most %d)", fr__show(&st->e, s, len), len,
                FMP_NAME_MAX);
        return;
    }
    /* The runtime names the root process 'root' when no FMP holds main:
     * a second FMP of that name would make every message about it (and
     * `fracture ps`) ambiguous. */
    if (text_is(s, len, "root")) {
        fr__err(&st->e, pos_of(v), "choose another name; the FMP holding "
                "main may have any other name too", "FMP name 'root' is "
                "reserved: it names the root process");
        /* kept, so that the check's messages about this FMP name it */
    }
    f->name = talloc_strndup(st->tree, s, len);
    if (!f->name)
        fr__walk_oom(st);
    /* fn_fmps points st->user at this FMP's entry in its name_pos */
    *(struct fr_pos *)st->user = pos_of(v);
}

static bool valid_module(struct fr_walk *st, const yaml_node_t *it, const char *s,
                         size_t len)
{
    if (fr__walk_ident(s, len, false))
        return true;
    fr__err(&st->e, pos_of(it), "module names are C identifiers, as in "
            "FRACTURE_MODULE(name, ...)", "'%s' is not a valid module name",
            fr__show(&st->e, s, len));
    return false;
}

static void fn_modules(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                       void *obj)
{
    struct fr_fmp_conf *f = obj;

    (void)k;
    if (v->type == YAML_SEQUENCE_NODE && !seq_len(v)) {
        fr__err(&st->e, pos_of(v), "an FMP without modules has nothing to "
                "run; remove it or list its modules", "'modules' is empty");
        return;
    }
    fr__walk_str_list(st, v, "a list of module names", "a module name", NULL,
                      valid_module, &f->modules, &f->module_pos, &f->nmodules);
}

static const struct fr_field fmp_fields[] = {
    { FN("name", fn_fmp_name, 0), .required = true,
      .hint_missing = "every FMP needs a name, e.g. `name: parsing`" },
    { FN("modules", fn_modules, 0), .required = true,
      .hint_missing = "list the modules it runs, e.g. `modules: [parser]`" },
    { FN("env", fr__env_walk, offsetof(struct fr_fmp_conf, env)) },
    { FN("restart", fn_restart, offsetof(struct fr_fmp_conf, restart)) },
    { FN("replicate", fn_replicate, offsetof(struct fr_fmp_conf, replicate)) },
    { FN("sample", fn_sample, offsetof(struct fr_fmp_conf, sample)) },
};
static const struct fr_schema fmp_schema = {
    "in this FMP", fmp_fields, ARRAY_SIZE(fmp_fields)
};

static void fmp_init(struct fr_fmp_conf *f, struct fr_pos pos)
{
    memset(f, 0, sizeof(*f));
    f->pos = pos;
    fr__env_init(&f->env);
    f->restart.max = 5;
    f->restart.window_s = 60;
    f->restart.retries = 2;
    f->restart.on_exhausted = FR_EXHAUSTED_FAIL;
    f->replicate.on_divergence = FR_DIVERGE_VOTE;
}

static bool after(struct fr_pos a, struct fr_pos b)
{
    return a.line > b.line || (a.line == b.line && a.col > b.col);
}

/* Duplicate FMP names and modules placed twice: across all FMPs. */
static void check_placement(struct fr_walk *st, const struct fr_config *cfg,
                            const struct fr_pos *name_pos)
{
    const char **names;
    size_t *first, n = 0, j = 0;
    struct { size_t fmp, mod; } *where;

    names = talloc_array(st->e.ctx, const char *, cfg->nfmps ? cfg->nfmps : 1);
    first = talloc_array(st->e.ctx, size_t, cfg->nfmps ? cfg->nfmps : 1);
    if (!names || !first)
        goto out_oom;
    for (size_t i = 0; i < cfg->nfmps; i++)
        names[i] = cfg->fmps[i].name;
    if (fr__find_firsts(st->e.ctx, names, cfg->nfmps, first))
        goto out_oom;
    for (size_t i = 0; i < cfg->nfmps; i++)
        if (first[i] != i)
            fr__err(&st->e, name_pos[i], "every FMP needs its own name",
                    "duplicate FMP name '%s' (first at %s:%u:%u)", names[i],
                    st->e.file, name_pos[first[i]].line,
                    name_pos[first[i]].col);

    for (size_t i = 0; i < cfg->nfmps; i++)
        n += cfg->fmps[i].nmodules;
    if (!n)
        return;
    names = talloc_array(st->e.ctx, const char *, n);
    first = talloc_array(st->e.ctx, size_t, n);
    where = talloc_size(st->e.ctx, n * sizeof(*where));
    if (!names || !first || !where)
        goto out_oom;
    for (size_t i = 0; i < cfg->nfmps; i++) {
        for (size_t m = 0; m < cfg->fmps[i].nmodules; m++, j++) {
            names[j] = cfg->fmps[i].modules[m];
            where[j].fmp = i;
            where[j].mod = m;
        }
    }
    if (fr__find_firsts(st->e.ctx, names, n, first))
        goto out_oom;
    for (j = 0; j < n; j++) {
        const struct fr_fmp_conf *f, *f0;
        struct fr_pos p, p0;

        if (first[j] == j)
            continue;
        f = &cfg->fmps[where[j].fmp];
        f0 = &cfg->fmps[where[first[j]].fmp];
        p = f->module_pos[where[j].mod];
        p0 = f0->module_pos[where[first[j]].mod];
        if (f0->name)
            fr__err(&st->e, p, "a module runs in one FMP only", "module '%s' "
                    "is already placed in FMP '%s' (at %s:%u:%u)", names[j],
                    f0->name, st->e.file, p0.line, p0.col);
        else
            fr__err(&st->e, p, "a module runs in one FMP only", "module '%s' "
                    "is already placed in another FMP (at %s:%u:%u)",
                    names[j], st->e.file, p0.line, p0.col);
    }
    return;
out_oom:
    fr__walk_oom(st);
}

static void fn_fmps(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                    void *obj)
{
    struct fr_config *cfg = obj;
    struct fr_pos *name_pos;
    size_t n;

    cfg->fmps_pos = pos_of(k);
    if (!fr__walk_expect(st, v, YAML_SEQUENCE_NODE, "a list of FMPs",
                         "write `fmps: []` for none"))
        return;
    n = seq_len(v);
    if (!n)
        return;
    cfg->fmps = talloc_zero_array(cfg, struct fr_fmp_conf, n);
    name_pos = talloc_zero_array(st->e.ctx, struct fr_pos, n);
    if (!cfg->fmps || !name_pos) {
        fr__walk_oom(st);
        return;
    }
    for (yaml_node_item_t *item = v->data.sequence.items.start;
         item < v->data.sequence.items.top && !fr__walk_stopped(st); item++) {
        yaml_node_t *it = fr__walk_node(st, *item);
        struct fr_fmp_conf *f = &cfg->fmps[cfg->nfmps];

        if (!it)
            continue;
        fmp_init(f, pos_of(it));
        st->user = &name_pos[cfg->nfmps];   /* for fn_fmp_name */
        if (!fr__walk_map(st, it, &fmp_schema, f, "an FMP (a mapping with name "
                          "and modules)", NULL))
            continue;
        cfg->nfmps++;
        if (f->replicate.present && f->sample.present) {
            bool rep_last = after(f->replicate.pos, f->sample.pos);

            fr__err(&st->e, rep_last ? f->replicate.pos : f->sample.pos,
                    "replicate sends every call to all replicas, sample sends "
                    "each call to one instance; keep one of them",
                    "an FMP cannot both replicate and sample");
        }
    }
    st->user = NULL;
    if (!fr__walk_stopped(st))
        check_placement(st, cfg, name_pos);
}

/* ---- top level --------------------------------------------------------- */

static void fn_version(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                       void *obj)
{
    struct fr_config *cfg = obj;
    bool neg, big;
    uint64_t mag;

    (void)k;
    if (!fr__walk_num(st, "version", v, &neg, &mag, &big))
        return;
    if (neg || big || mag != 1) {
        fr__err(&st->e, pos_of(v), NULL, "unsupported config version %s; "
                "this Fracture reads version 1",
                fr__show(&st->e, stext(v), slen(v)));
        return;
    }
    cfg->version = 1;
}

static const struct fr_field defaults_fields[] = {
    { UINT("spin_us", struct fr_config, spin_us, 0, 1000000) },
    { UINT("call_timeout_ms", struct fr_config, call_timeout_ms, 0, 86400000) },
    { UINT("max_threads", struct fr_config, max_threads, 1, 4096),
      AT(struct fr_config, max_threads_pos) },
    { UINT("max_payload_mb", struct fr_config, max_payload_mb, 1, 4096) },
    { UINT("channel_kb", struct fr_config, channel_kb, 16, 65536),
      AT(struct fr_config, channel_kb_pos) },
};
static const struct fr_schema defaults_schema = {
    "in defaults", defaults_fields, ARRAY_SIZE(defaults_fields)
};

static void fn_defaults(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                        void *obj)
{
    (void)k;
    fr__walk_map(st, v, &defaults_schema, obj, "a mapping for 'defaults'",
                 "write `defaults: {}` or leave it out");
}

static const struct fr_field trace_fields[] = {
    { STR("file", struct fr_config, trace_file, "a file name"),
      .required = true, .hint_missing = "e.g. `trace: {file: trace.json}`" },
};
static const struct fr_schema trace_schema = {
    "in trace", trace_fields, ARRAY_SIZE(trace_fields)
};

static void fn_trace(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                     void *obj)
{
    struct fr_config *cfg = obj;

    cfg->has_trace = true;
    cfg->trace_pos = pos_of(k);
    fr__walk_map(st, v, &trace_schema, cfg, "a mapping for 'trace'",
                 "e.g. `trace: {file: trace.json}`");
}

static void fn_meta_fmps(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v, void *obj)
{
    struct fr_meta_conf *mc = obj;

    (void)k;
    if (v->type == YAML_SEQUENCE_NODE && !seq_len(v)) {
        fr__err(&st->e, pos_of(v), "name the FMPs to load it into, e.g. `fmps: [root]`",
                "'fmps' is empty: the meta-application would run nowhere");
        return;
    }
    fr__walk_str_list(st, v, "a list of FMP names", "an FMP name", NULL, NULL, &mc->fmps,
                      &mc->fmp_pos, &mc->nfmps);
}

static const struct fr_field meta_fields[] = {
    { STR("so", struct fr_meta_conf, so, "the path of a shared object"),
      AT(struct fr_meta_conf, so_pos), .required = true,
      .hint_missing = "e.g. `- {so: ./libcount.so, fmps: [root]}`" },
    { FN("fmps", fn_meta_fmps, 0), .required = true,
      .hint_missing = "name the FMPs to load it into, e.g. `fmps: [root]`" },
    { STR("args", struct fr_meta_conf, args, "a string for its entry point"),
      AT(struct fr_meta_conf, args_pos) },
};
static const struct fr_schema meta_schema = {
    "in this meta-application", meta_fields, ARRAY_SIZE(meta_fields)
};

static void fn_meta(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v, void *obj)
{
    struct fr_config *cfg = obj;
    size_t n;

    (void)k;
    if (!fr__walk_expect(st, v, YAML_SEQUENCE_NODE, "a list of meta-applications",
                         "e.g. `meta: [{so: ./libcount.so, fmps: [root]}]`, or leave it out"))
        return;
    n = seq_len(v);
    if (!n)
        return;
    cfg->metas = talloc_zero_array(cfg, struct fr_meta_conf, n);
    if (!cfg->metas) {
        fr__walk_oom(st);
        return;
    }
    for (yaml_node_item_t *item = v->data.sequence.items.start;
         item < v->data.sequence.items.top && !fr__walk_stopped(st); item++) {
        yaml_node_t *it = fr__walk_node(st, *item);
        struct fr_meta_conf *mc = &cfg->metas[cfg->nmetas];

        if (!it)
            continue;
        mc->pos = pos_of(it);
        if (fr__walk_map(st, it, &meta_schema, mc, "a meta-application (a mapping with so "
                         "and fmps)", NULL))
            cfg->nmetas++;
    }
}

static const struct fr_field profile_fields[] = {
    { STR("file", struct fr_config, profile_file, "a file name"),
      .required = true, .hint_missing = "e.g. `profile: {file: profile.json}`" },
    { UINT("events", struct fr_config, profile_events, 64, 1u << 26) },
};
static const struct fr_schema profile_schema = {
    "in profile", profile_fields, ARRAY_SIZE(profile_fields)
};

static void fn_profile(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                       void *obj)
{
    struct fr_config *cfg = obj;

    cfg->has_profile = true;
    cfg->profile_pos = pos_of(k);
    fr__walk_map(st, v, &profile_schema, cfg, "a mapping for 'profile'",
                 "e.g. `profile: {file: profile.json}`");
}

static const struct fr_field reports_fields[] = {
    { STR("dir", struct fr_config, reports_dir, "a directory name"),
      AT(struct fr_config, reports_pos) },
};
static const struct fr_schema reports_schema = {
    "in reports", reports_fields, ARRAY_SIZE(reports_fields)
};

static void fn_reports(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                       void *obj)
{
    struct fr_config *cfg = obj;

    (void)k;
    cfg->has_reports = true;
    fr__walk_map(st, v, &reports_schema, cfg, "a mapping for 'reports'",
                 "write `reports: {}` for the default directory");
}

static const struct fr_field top_fields[] = {
    { FN("version", fn_version, 0), .required = true,
      .hint_missing = "start the file with `version: 1`" },
    { FN("defaults", fn_defaults, 0) },
    { FN("fmps", fn_fmps, 0) },
    { FN("trace", fn_trace, 0) },
    { FN("profile", fn_profile, 0) },
    { FN("reports", fn_reports, 0) },
    { FN("crowd", fr__crowd_walk, 0) },
    { FN("meta", fn_meta, 0) },
};
static const struct fr_schema top_schema = {
    "at the top level", top_fields, ARRAY_SIZE(top_fields)
};

/* ---- parse and load ---------------------------------------------------- */

static struct fr_config *config_new(void *ctx, const char *file)
{
    struct fr_config *cfg = talloc_zero(ctx, struct fr_config);

    if (!cfg)
        return NULL;
    cfg->file = talloc_strdup(cfg, file);
    cfg->reports_dir = talloc_strdup(cfg, "fracture-reports");
    if (!cfg->file || !cfg->reports_dir) {
        talloc_free(cfg);
        return NULL;
    }
    cfg->spin_us = 50;
    cfg->call_timeout_ms = 0;
    cfg->max_threads = 128;
    cfg->max_payload_mb = 64;
    cfg->channel_kb = 256;
    return cfg;
}

/*
 * Before the document is loaded: one pass over the event stream that
 * refuses YAML tags (`!foo`, `!!int`: the schema gives every value its
 * type, and a tag silently ignored would let `!!binary` or an
 * application tag pretend to mean something) and stops at once at a
 * collection nested deeper than MAX_DEPTH.  A syntax error ends the pass
 * quietly: the loader reports it with its context.  Returns false when
 * the document must not be loaded.
 */
static bool prescan(struct fr_walk *st, const char *text, size_t len)
{
    yaml_parser_t p;
    yaml_event_t ev;
    int depth = 0;

    if (!yaml_parser_initialize(&p)) {
        fr__walk_oom(st);
        return false;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    while (!fr__walk_stopped(st) && yaml_parser_parse(&p, &ev)) {
        const yaml_char_t *tag = NULL;
        bool end = ev.type == YAML_STREAM_END_EVENT;

        switch (ev.type) {
        case YAML_SCALAR_EVENT:
            tag = ev.data.scalar.tag;
            break;
        case YAML_SEQUENCE_START_EVENT:
            tag = ev.data.sequence_start.tag;
            depth++;
            break;
        case YAML_MAPPING_START_EVENT:
            tag = ev.data.mapping_start.tag;
            depth++;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        default:
            break;
        }
        if (tag) {
            static const char core[] = "tag:yaml.org,2002:";
            const char *t = (const char *)tag;
            bool is_core = !strncmp(t, core, sizeof(core) - 1);
            char *shown = talloc_asprintf(st->e.ctx, "%s%s", is_core ? "!!" : "",
                                          is_core ? t + sizeof(core) - 1 : t);

            if (!shown)
                fr__walk_oom(st);
            fr__err(&st->e, mark_pos(ev.start_mark), "remove the tag; every key "
                    "of a deployment config has one type, and a value meant as "
                    "text can be quoted", "YAML tag '%s' is not allowed in a "
                    "deployment config",
                    shown ? fr__show(&st->e, shown, strlen(shown)) : "?");
        }
        if (depth > MAX_DEPTH) {
            fr__err(&st->e, mark_pos(ev.start_mark), "a deployment config "
                    "nests at most 9 levels deep; this file is not one",
                    "the config nests deeper than %d levels", MAX_DEPTH);
            st->deep = true;
        }
        yaml_event_delete(&ev);
        if (end)
            break;
    }
    yaml_parser_delete(&p);
    return !fr__walk_stopped(st);
}

/* Walk the loaded document and look for a second one behind it. */
static void walk_doc(struct fr_walk *st, yaml_parser_t *parser, const char *text,
                     size_t len)
{
    yaml_node_t *root = yaml_document_get_root_node(st->doc);
    yaml_document_t next;

    if (!root || fr__walk_is_null(root)) {
        struct fr_pos p = { 1, 1 };
        fr__err(&st->e, p, NULL, "the config is empty; start with `version: 1`");
        return;
    }
    if (!fr__walk_start(st))
        return;
    fr__walk_map(st, root, &top_schema, st->tree, "a mapping of config keys "
                 "(version, defaults, fmps, ...)", NULL);

    /* Empty documents after it (a stray `---`) are harmless. */
    for (bool more = true; more;) {
        if (!yaml_parser_load(parser, &next)) {
            fr__walk_syntax_error(st, parser, text, len);
            return;
        }
        root = yaml_document_get_root_node(&next);
        more = root && fr__walk_is_null(root);
        if (root && !more)
            fr__err(&st->e, pos_of(root), "keep one document: remove the "
                    "`---` line and what follows", "the config holds more "
                    "than one YAML document");
        yaml_document_delete(&next);
    }
}

/* Parse, then (with @app, when the tree is worth it) check, every error
 * into one list. */
static int parse_text(void *ctx, const char *file, const char *text, size_t len,
                      const struct fr_app *app, struct fr_config **out,
                      struct fr_diag *d)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    struct fr_config *cfg;
    struct fr_walk st;
    bool walked = false;
    void *tmp;
    int ret;

    *out = NULL;
    if (!file)
        file = "<config>";
    tmp = talloc_new(ctx);
    if (!tmp)
        return -ENOMEM;
    memset(&st, 0, sizeof(st));
    fr__errs_init(&st.e, tmp, file);
    if (len > CONFIG_MAX_BYTES) {
        fr__diag_add(d, file, 0, 0, NULL, "the config is larger than 1 MiB "
                     "(%zu bytes)", len);
        ret = -EINVAL;
        goto out_tmp;
    }
    cfg = config_new(ctx, file);
    if (!cfg) {
        ret = -ENOMEM;
        goto out_tmp;
    }
    st.tree = cfg;
    if (!yaml_parser_initialize(&parser)) {
        ret = -ENOMEM;
        goto out_cfg;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!prescan(&st, text, len)) {
        /* too deep, or out of memory: nothing more is read */
    } else if (!yaml_parser_load(&parser, &doc)) {
        fr__walk_syntax_error(&st, &parser, text, len);
    } else {
        st.doc = &doc;
        walk_doc(&st, &parser, text, len);
        walked = st.seen != NULL && !fr__walk_stopped(&st);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    /* What the parse could make of the file is checked too, so that one
     * run shows every error of the file. */
    if (app && walked) {
        /* this deployment's crowd FMP first: it is checked as any other */
        fr__crowd_resolve(&st.e, cfg, app);
        fr__config_check_all(&st.e, cfg, app);
    }
    ret = fr__errs_flush(&st.e, d);
    if (ret)
        goto out_cfg;
    *out = cfg;
    goto out_tmp;
out_cfg:
    talloc_free(cfg);
out_tmp:
    talloc_free(tmp);
    return ret;
}

int fr__config_parse(void *ctx, const char *file, const char *text, size_t len,
                     struct fr_config **out, struct fr_diag *d)
{
    return parse_text(ctx, file, text, len, NULL, out, d);
}

static int load(void *ctx, const char *file, const struct fr_app *app,
                struct fr_config **out, struct fr_diag *d)
{
    char *buf, ebuf[128];
    size_t len;
    int ret;

    *out = NULL;
    /* Up to one byte past the limit, so that parse can tell "too big". */
    buf = fr__slurp_file(ctx, file, CONFIG_MAX_BYTES, &len);
    if (!buf) {
        ret = -errno;
        fr__diag_add(d, file, 0, 0, NULL, "cannot read: %s",
                     strerror_r(-ret, ebuf, sizeof(ebuf)));
        return ret;
    }
    ret = parse_text(ctx, file, buf, len, app, out, d);
    talloc_free(buf);
    return ret;
}

int fr__config_load(void *ctx, const char *file, struct fr_config **out,
                    struct fr_diag *d)
{
    return load(ctx, file, NULL, out, d);
}

int fr__config_read(void *ctx, const char *file, const struct fr_app *app,
                    struct fr_config **out, struct fr_diag *d)
{
    return load(ctx, file, app, out, d);
}

