/*
 * config.h - the deployment config (YAML, DESIGN "Deployment config"):
 * parsed with libyaml into this tree, then checked against the app's
 * module table before anything starts.
 *
 * Every node keeps its position so that each error names file:line:col.
 * All memory hangs off one talloc context owned by the caller.
 */
#ifndef FR_CONFIG_H
#define FR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fracture/abi.h>

#include "diag.h"

struct fr_sandbox_prof;       /* sandbox.h */
struct fr_crowd;              /* crowd.h */


struct fr_limits {
    long memory_mb;           /* -1: unset */
    long cpu_s;               /* -1: unset */
    long open_files;          /* -1: unset */
    int core;                 /* -1: unset, 0: no core files, 1: unlimited */
    /* where each value is written (line 0: not written), for the checks
     * against what the machine can give */
    struct fr_pos memory_pos, cpu_pos, files_pos, core_pos;
};

struct fr_env {
    bool present;             /* the key was written */
    struct fr_pos pos;
    bool has_valgrind;
    struct fr_pos valgrind_pos;  /* of the `valgrind` key */
    char *valgrind_tool;      /* default "memcheck" */
    struct fr_pos tool_pos;   /* of the tool's name (line 0: the default) */
    char **valgrind_args;
    size_t nvalgrind_args;
    char **preload;           /* agent names or paths */
    struct fr_pos *preload_pos;
    size_t npreload;
    char **var_names, **var_values;
    size_t nvars;
    struct fr_limits limits;
    bool has_nice;
    int nice;                 /* -20..19 */
    struct fr_pos nice_pos;
    int *cpus;
    struct fr_pos *cpu_pos;
    size_t ncpus;
    /* Isolation (DESIGN, Isolation): a child of a root running as root
     * drops every capability unless privileges is FR_PRIV_KEEP. */
    int privileges;           /* 0: not written (drop), FR_PRIV_DROP, FR_PRIV_KEEP */
    struct fr_pos privileges_pos;
    /* NULL: no sandbox; "strict"; "none" (an overlay turning it off); or
     * the path of a profile file (sandbox.h), read by the check. */
    char *sandbox;
    struct fr_pos sandbox_pos;
    struct fr_sandbox_prof *sandbox_prof;   /* a profile's lists, once checked */
};

enum { FR_PRIV_DROP = 1, FR_PRIV_KEEP = 2 };

enum fr_on_exhausted { FR_EXHAUSTED_FAIL, FR_EXHAUSTED_ABORT };
enum fr_on_divergence { FR_DIVERGE_VOTE, FR_DIVERGE_ABORT, FR_DIVERGE_LOG };

struct fr_restart {
    bool present;
    struct fr_pos pos;
    unsigned max;             /* default 5 */
    unsigned window_s;        /* default 60 */
    unsigned retries;         /* default 2 */
    struct fr_env *environments;
    size_t nenvironments;
    enum fr_on_exhausted on_exhausted;  /* default fail */
};

struct fr_replicate {
    bool present;
    struct fr_pos pos;
    unsigned count;           /* >= 2 */
    enum fr_on_divergence on_divergence;  /* default vote */
    struct fr_env *environments;  /* optional per-replica overlays */
    size_t nenvironments;
};

struct fr_sample_instance {
    struct fr_pos pos;
    unsigned weight;          /* >= 1 */
    struct fr_env env;
    uint64_t recycle_after_calls;  /* 0: never */
};

struct fr_sample {
    bool present;
    struct fr_pos pos;
    uint64_t seed;
    struct fr_sample_instance *instances;
    size_t ninstances;
    /* crowd.c: the one instance is the instrumented copy of modules that
     * also run uninstrumented (the plain copy); its weight is the percent
     * of their calls it takes (group.h, crowdcall.c) */
    bool crowd;
    /* crowd: the FMP of fmps (an index) where `fmps:` places the modules,
     * whose plain copy runs there; -1: the root (not placed, or with main) */
    long plain;
};

struct fr_fmp_conf {
    char *name;
    struct fr_pos pos;        /* of the list item */
    char **modules;
    struct fr_pos *module_pos;
    size_t nmodules;
    struct fr_env env;
    struct fr_restart restart;
    struct fr_replicate replicate;
    struct fr_sample sample;
};

/* One meta-application the deployment loads (`meta:`, hook.h). */
struct fr_meta_conf {
    struct fr_pos pos;        /* of the list item */
    char *so;                 /* as written */
    struct fr_pos so_pos;
    char *path;               /* resolved by the check: absolute, or beside the config */
    char **fmps;              /* the FMPs to load it into */
    struct fr_pos *fmp_pos;
    size_t nfmps;
    char *args;               /* NULL: none ("" for the entry point) */
    struct fr_pos args_pos;
};

struct fr_config {
    char *file;               /* as given, for messages */
    unsigned version;         /* 1 */
    unsigned spin_us;         /* default 50 */
    unsigned call_timeout_ms; /* default 0: never */
    unsigned max_threads;     /* logical threads per FMP; default 128, 1..4096 */
    unsigned max_payload_mb;  /* one message, default 64, 1..4096 */
    unsigned channel_kb;      /* shared memory per channel, default 256, 16..65536 */
    struct fr_pos max_threads_pos, channel_kb_pos;  /* line 0: the default */
    struct fr_pos fmps_pos;   /* of the `fmps` key */
    struct fr_fmp_conf *fmps;
    size_t nfmps;
    bool has_trace;
    struct fr_pos trace_pos;
    char *trace_file;
    struct fr_meta_conf *metas;
    size_t nmetas;
    bool has_profile;         /* `profile:` (profile.h) */
    struct fr_pos profile_pos;
    char *profile_file;
    unsigned profile_events;  /* per FMP; 0: the default (profile.h) */
    bool has_reports;
    char *reports_dir;        /* default "fracture-reports" */
    struct fr_pos reports_pos;  /* of the dir's value (line 0: the default) */
    struct fr_crowd *crowd;   /* `crowd:`, or NULL; its FMP is appended to fmps */
};

/*
 * fr__config_parse - parse @len bytes of YAML @text read from @file.
 *
 * On success *out is a new tree allocated under @ctx (the caller frees it
 * with @ctx) and 0 is returned.  On error every problem found is added to
 * @d (file:line:col, message, hint) and -EINVAL is returned; *out is NULL.
 * Checks here need no app: syntax, unknown keys (with "did you mean"),
 * types and ranges, duplicate FMP names, a module placed twice.
 */
int fr__config_parse(void *ctx, const char *file, const char *text, size_t len,
                     struct fr_config **out, struct fr_diag *d);

/* fr__config_load - read @file and parse it, as fr__config_parse. */
int fr__config_load(void *ctx, const char *file, struct fr_config **out,
                    struct fr_diag *d);

/*
 * fr__config_check - check @cfg against the module table of @app and
 * against what this machine can give, so that a config it passes starts:
 * unknown modules (with "did you mean"), a policy (restart, replicate,
 * sample) that the caps of a module in that FMP forbid, the address space
 * each FMP maps against its memory_mb (or ulimit -v), the regions' size,
 * CPUs, Valgrind and its tools, preload agents (found, ELF shared objects
 * of this machine), the reports dir, hard limits and nice
 * (configs/README.md has the list).  Returns 0, or -EINVAL with every
 * problem added to @d.
 */
int fr__config_check(const struct fr_config *cfg, const struct fr_app *app,
                     struct fr_diag *d);

/*
 * fr__config_read - what `fracture check` and a start do: read @file, parse
 * it and check it against @app, with every error of both passes in @d at
 * once, in file order (an unknown key does not hide an unknown module).
 * The check runs on whatever the parse could make of the file, unless the
 * file is not YAML, nests too deep, or is an alias bomb.  On success *out
 * is the tree under @ctx and 0 is returned; else -EINVAL (or -ENOMEM, or
 * the negative errno of reading the file) and *out is NULL.
 */
int fr__config_read(void *ctx, const char *file, const struct fr_app *app,
                    struct fr_config **out, struct fr_diag *d);

#endif /* FR_CONFIG_H */
