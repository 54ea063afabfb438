/*
 * config_check.c - the check of a parsed deployment config against the
 * app's module table and against this machine (config.h,
 * fr__config_check), so that a config it passes starts: unknown modules,
 * policies the modules' caps forbid, what main's FMP may not have, the
 * FMPs and regions a start would make and the address space each process
 * needs for them, the reports dir, and what this runtime does not do yet.
 * Each environment is checked by env.c.
 *
 * It runs on whatever config.c's parse made of the file, into the same
 * error list (yaml_walk.h), so that `fracture check` and a start say
 * everything at once, in file order, and the same.
 */
#include "config_check.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <talloc.h>

#include "caps.h"
#include "env.h"
#include "group.h"
#include "meta.h"
#include "region.h"

/* Module names listed in an "unknown module" hint. */
#define HINT_MODULES 10

/* ---- check against the app --------------------------------------------- */

/*
 * The check against the app and against the machine.  Each check is one
 * function over one part of the tree, called from check_fmp or
 * fr__config_check_all; each adds every problem it finds to the one error
 * list (file order is restored when the list is flushed).  What the
 * machine can give an environment (CPUs, Valgrind's tools, limits) is
 * looked up once per check, on first use (env.h).  A new key's check goes
 * beside the others: a function, one call.
 */
struct ck {
    struct fr_errs *e;
    const struct fr_config *cfg;
    const struct fr_app *app;
    struct fr_named *sorted;  /* the app's module names, for bsearch */
    size_t nsorted;
    struct fr_env_probe probe;  /* the machine, for the environments */
    const struct layout *lay; /* NULL: the layout could not be computed */
};

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const struct fr_named *)a)->name,
                  ((const struct fr_named *)b)->name);
}

static int module_index(const struct ck *ck, const char *name)
{
    struct fr_named key = { name, 0 };
    const struct fr_named *p = bsearch(&key, ck->sorted, ck->nsorted,
                                       sizeof(*p), cmp_name);

    return p ? (int)p->i : -1;
}

/* ---- address space and shared memory ----------------------------------- */

/* What a start makes of the config (plan.c's rules), for the numbers: how
 * many FMPs run, and how many regions each configured FMP maps. */
struct layout {
    int n;                    /* FMPs in all: root, configured, extra members */
    size_t *regions;          /* per configured FMP: regions it maps */
    uint64_t all_regions;     /* regions in all: the root maps every one */
    struct fr_geom geom;      /* of one region */
    uint64_t stack;           /* a thread's stack, guard page included */
};

/* plan.c refuses a plan of more FMPs (fr__plan_decode). */
#define FMPS_MAX 129
/* The program, its libraries, its main thread's stack, the runtime's own
 * state and heap, before any region or thread stack: a round figure above
 * what a child of the test programs maps (10 to 20 MiB), not a measure of
 * this process, so that the check says the same on every machine. */
#define BASE_MB 32
/* Valgrind's own core and the tool's shadow memory, on top. */
#define VALGRIND_MB 256
#define VALGRIND_TEXT "256"
/* A region may map at most this much (fr__region_geom). */
#define REGION_MAX ((uint64_t)64 << 30)

static uint64_t page_up(uint64_t v)
{
    return (v + 4095) / 4096 * 4096;
}

/* The stack every thread gets (glibc's default comes from RLIMIT_STACK,
 * which a child inherits), plus its guard page. */
static uint64_t thread_stack(void)
{
    pthread_attr_t a;
    size_t sz = 8u << 20;

    if (pthread_getattr_default_np(&a) == 0) {
        pthread_attr_getstacksize(&a, &sz);
        pthread_attr_destroy(&a);
    }
    return page_up(sz) + 4096;
}

static int members(const struct fr_fmp_conf *f)
{
    if (f->replicate.present)
        return f->replicate.count ? (int)f->replicate.count : 1;
    if (f->sample.present)
        return f->sample.ninstances ? (int)f->sample.ninstances : 1;
    return 1;
}

/* 0 with *lay filled; -E2BIG when there are more FMPs than a plan can
 * hold (reported here); -ENOMEM. */
static int make_layout(struct ck *ck, struct layout *lay)
{
    const struct fr_config *cfg = ck->cfg;
    size_t nu = cfg->nfmps + 1, root = cfg->nfmps;   /* units: FMPs and the root */
    int *unit_of, *mem;
    uint8_t *pair;
    int n = 0;

    for (size_t i = 0; i < cfg->nfmps; i++)
        for (size_t m = 0; m < cfg->fmps[i].nmodules; m++)
            if (!strcmp(cfg->fmps[i].modules[m], "main"))
                root = i;
    for (size_t i = 0; i < cfg->nfmps; i++) {
        n += i == root ? 0 : members(&cfg->fmps[i]);
        if (n >= FMPS_MAX)
            break;
    }
    n++;                      /* the root */
    if (n > FMPS_MAX) {
        fr__err(ck->e, cfg->fmps_pos, "group modules into fewer FMPs (a "
                "replica or an instance is an FMP too)", "the config makes "
                "more than %d FMPs (the root and %d others)", FMPS_MAX,
                FMPS_MAX - 1);
        return -E2BIG;
    }
    unit_of = talloc_array(ck->e->ctx, int, ck->app->nmodules ? ck->app->nmodules : 1);
    mem = talloc_array(ck->e->ctx, int, nu);
    pair = talloc_zero_array(ck->e->ctx, uint8_t, nu * nu);
    lay->regions = talloc_zero_array(ck->e->ctx, size_t, nu);
    if (!unit_of || !mem || !pair || !lay->regions)
        return -ENOMEM;
    for (unsigned m = 0; m < ck->app->nmodules; m++)
        unit_of[m] = (int)root;
    for (size_t i = 0; i < cfg->nfmps; i++) {
        mem[i] = i == root ? 1 : members(&cfg->fmps[i]);
        for (size_t m = 0; m < cfg->fmps[i].nmodules; m++) {
            int idx = module_index(ck, cfg->fmps[i].modules[m]);
            if (idx >= 0 && i != root)
                unit_of[idx] = (int)i;
        }
    }
    mem[cfg->nfmps] = 1;
    /* A region for every pair of FMPs whose modules may call each other;
     * every member of a group talks to whom the group talks to. */
    for (size_t a = 0; a < nu; a++)
        for (size_t b = 0; b < nu; b++)
            pair[a * nu + b] = !ck->app->edges && a != b;
    for (unsigned e = 0; ck->app->edges && e < ck->app->nedges; e++) {
        unsigned from = ck->app->edges[e].from, to = ck->app->edges[e].to;
        int a, b;

        if (from >= ck->app->nmodules || to >= ck->app->nmodules)
            continue;
        a = unit_of[from];
        b = unit_of[to];
        if (a != b)
            pair[a * nu + b] = pair[b * nu + a] = 1;
    }
    /* and the root with each that holds an FR_INIT function, as the plan
     * pairs them (plan.c): the root replays every FR_INIT call */
    for (unsigned f = 0; ck->app->edges && f < ck->app->nfunctions; f++) {
        unsigned m = ck->app->functions[f].module;
        int b = m < ck->app->nmodules ? unit_of[m] : (int)root;

        if ((ck->app->functions[f].flags & FR_FN_INIT) && b != (int)root)
            pair[root * nu + (size_t)b] = pair[(size_t)b * nu + root] = 1;
    }
    /* and the crowd's plain copy (the root's, or that of the FMP `fmps:`
     * places the module in) with whom its twin talks to (plan.c) */
    for (size_t i = 0; i < cfg->nfmps; i++) {
        const struct fr_fmp_conf *f = &cfg->fmps[i];
        size_t home = f->sample.plain >= 0 ? (size_t)f->sample.plain : root;

        for (size_t q = 0; f->sample.crowd && q < nu; q++)
            if (q != home && pair[i * nu + q])
                pair[home * nu + q] = pair[q * nu + home] = 1;
    }
    /* The implicit root unit exists only without an FMP holding main. */
    if (root != cfg->nfmps)
        for (size_t a = 0; a < nu; a++)
            pair[a * nu + cfg->nfmps] = pair[cfg->nfmps * nu + a] = 0;
    lay->all_regions = 0;
    for (size_t a = 0; a < nu; a++) {
        for (size_t b = 0; b < nu; b++) {
            if (!pair[a * nu + b])
                continue;
            lay->regions[a] += (size_t)mem[b];
            if (a < b)
                lay->all_regions += (uint64_t)mem[a] * (uint64_t)mem[b];
        }
    }
    lay->n = n;
    fr__region_geom(&lay->geom, (uint32_t)n * cfg->max_threads,
                    (uint64_t)cfg->channel_kb * 1024);
    lay->stack = thread_stack();
    return 0;
}

/* Where the numbers that size a region are written. */
static struct fr_pos sizing_pos(const struct fr_config *cfg)
{
    if (cfg->max_threads_pos.line)
        return cfg->max_threads_pos;
    if (cfg->channel_kb_pos.line)
        return cfg->channel_kb_pos;
    return cfg->fmps_pos;
}

/* A region must fit in the address space and in what can back it. */
static bool check_region(struct ck *ck, const struct layout *lay)
{
    const struct fr_config *cfg = ck->cfg;
    uint64_t size = lay->geom.size, avail;
    struct sysinfo si;

    if (size > REGION_MAX) {
        fr__err(ck->e, sizing_pos(cfg), "lower defaults.max_threads or "
                "defaults.channel_kb (a region holds a channel of channel_kb "
                "for every logical thread of every FMP)", "each shared-memory "
                "region would map %llu GiB (%d FMPs x max_threads %u x "
                "channel_kb %u); at most 64 GiB", (unsigned long long)(size >> 30),
                lay->n, cfg->max_threads, cfg->channel_kb);
        return false;
    }
    /* Region pages are memfd (tmpfs) pages, in RAM or swap: a region that
     * memory and swap cannot hold would kill its FMPs (SIGBUS) once its
     * channels fill. */
    if (sysinfo(&si) == 0) {
        avail = ((uint64_t)si.totalram + si.totalswap) * si.mem_unit;
        if (size > avail) {
            fr__err(ck->e, sizing_pos(cfg), "lower defaults.max_threads or "
                    "defaults.channel_kb", "each shared-memory region would "
                    "hold up to %llu MiB (%d FMPs x max_threads %u x channel_kb "
                    "%u), more than this machine's memory and swap (%llu MiB)",
                    (unsigned long long)(size >> 20), lay->n, cfg->max_threads,
                    cfg->channel_kb, (unsigned long long)(avail >> 20));
            return false;
        }
    }
    return true;
}

/* Address space an FMP that maps @nregions needs to start and to serve
 * every logical thread that may call in (a worker each), in bytes. */
static uint64_t need_bytes(const struct ck *ck, size_t nregions, bool vg,
                           uint64_t *threads)
{
    const struct layout *lay = ck->lay;

    /* acceptor and the parked spare worker, then a worker for each logical
     * thread of another FMP (the root adds its supervisor) */
    *threads = (uint64_t)(lay->n - 1) * ck->cfg->max_threads + 3;
    return ((uint64_t)BASE_MB << 20) + nregions * lay->geom.size +
           *threads * lay->stack + (vg ? (uint64_t)VALGRIND_MB << 20 : 0);
}

static char *need_hint(struct ck *ck, size_t nregions, uint64_t threads, bool vg,
                       uint64_t need, const char *fix)
{
    const struct layout *lay = ck->lay;

    return talloc_asprintf(ck->e->ctx, "it maps %zu shared-memory region%s of "
                           "%llu MiB (one per FMP it talks to: %d FMPs x "
                           "max_threads %u x channel_kb %u each), %llu thread "
                           "stacks of %llu KiB (a worker for each logical thread "
                           "that may call in), about %d MiB for the program%s; "
                           "%s at least %llu, or lower defaults.max_threads",
                           nregions, nregions == 1 ? "" : "s",
                           (unsigned long long)(lay->geom.size >> 20), lay->n,
                           ck->cfg->max_threads, ck->cfg->channel_kb,
                           (unsigned long long)threads,
                           (unsigned long long)(lay->stack >> 10), BASE_MB,
                           vg ? " and " VALGRIND_TEXT " MiB for Valgrind" : "", fix,
                           (unsigned long long)((need + (1 << 20) - 1) >> 20));
}

/* The address-space limit this program runs under (ulimit -v), which a
 * child without memory_mb inherits; 0 when there is none. */
static uint64_t inherited_as(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_AS, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
        return 0;
    return (uint64_t)rl.rlim_cur;
}

/* One environment a member of configured FMP @u runs in: @env's limits
 * apply (@base's when @env sets none), under Valgrind if either says so. */
static void check_memory(struct ck *ck, size_t u, const struct fr_fmp_conf *f,
                         const struct fr_env *base, const struct fr_env *env)
{
    const struct fr_env *lim = env->limits.memory_mb > 0 ? env :
                               base && base->limits.memory_mb > 0 ? base : NULL;
    bool vg = env->has_valgrind || (base && base->has_valgrind);
    uint64_t threads, need, have;
    char *hint;

    if (!ck->lay)
        return;
    need = need_bytes(ck, ck->lay->regions[u], vg, &threads);
    have = lim ? (uint64_t)lim->limits.memory_mb << 20 : inherited_as();
    if (!have || need <= have)
        return;
    hint = need_hint(ck, ck->lay->regions[u], threads, vg, need,
                     lim ? "raise memory_mb to" : "give it limits: {memory_mb:} of");
    if (!hint)
        ck->e->oom = true;
    if (lim)
        fr__err(ck->e, lim == env || !env->has_valgrind ? lim->limits.memory_pos
                                                        : env->valgrind_pos,
                hint, "memory_mb %ld leaves FMP '%s' too little address space "
                "to start: it needs about %llu MiB", lim->limits.memory_mb,
                f->name ? f->name : "?",
                (unsigned long long)((need + (1 << 20) - 1) >> 20));
    else
        fr__err(ck->e, f->pos, hint, "FMP '%s' needs about %llu MiB of address "
                "space, more than this program may map (ulimit -v: %llu MiB)",
                f->name ? f->name : "?",
                (unsigned long long)((need + (1 << 20) - 1) >> 20),
                (unsigned long long)(have >> 20));
}

/* The root maps every region, and serves callbacks on workers too. */
static void check_root_memory(struct ck *ck)
{
    uint64_t threads, need, have = inherited_as();
    char *hint;

    if (!ck->lay || !have || !ck->cfg->nfmps)
        return;
    need = need_bytes(ck, (size_t)ck->lay->all_regions, false, &threads);
    if (need <= have)
        return;
    hint = need_hint(ck, (size_t)ck->lay->all_regions, threads, false, need,
                     "raise ulimit -v to");
    if (!hint)
        ck->e->oom = true;
    fr__err(ck->e, ck->cfg->fmps_pos, hint, "the root process needs about %llu "
            "MiB of address space for these FMPs, more than it may map "
            "(ulimit -v: %llu MiB)",
            (unsigned long long)((need + (1 << 20) - 1) >> 20),
            (unsigned long long)(have >> 20));
}

/* Why @path, which does not exist, cannot be made in its directory
 * (@missing: what to say when that directory does not exist), or NULL. */
static const char *parent_refuses(struct ck *ck, const char *path, const char *missing)
{
    char *parent = talloc_strdup(ck->e->ctx, path), *slash;
    struct stat sb;

    if (!parent) {
        ck->e->oom = true;
        return NULL;
    }
    while ((slash = strrchr(parent, '/')) && slash[1] == '\0' && slash != parent)
        *slash = '\0';    /* "a/b/" is "a/b" */
    slash = strrchr(parent, '/');
    if (!slash)
        strcpy(parent, ".");
    else if (slash == parent)
        parent[1] = '\0';
    else
        *slash = '\0';
    if (stat(parent, &sb) < 0)
        return errno == ENOTDIR ? "a part of its path is a file, not a directory" : missing;
    if (!S_ISDIR(sb.st_mode))
        return "a part of its path is a file, not a directory";
    if (access(parent, W_OK | X_OK))
        return "this user may not write in the directory it would be made in";
    return NULL;
}

/* Why @path cannot be written, as a directory to write in (@dir) or as a
 * file, made when it is missing (@missing: what to say when the directory
 * it would be made in does not exist); NULL when it can. */
static const char *path_refuses(struct ck *ck, const char *path, bool dir, const char *missing)
{
    char ebuf[128];
    struct stat sb;

    if (stat(path, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode) != !dir)
            return dir ? "it exists and is not a directory" : "it is a directory";
        if (access(path, dir ? W_OK | X_OK : W_OK))
            return dir ? "this user may not write in it" : "this user may not write it";
        return NULL;
    }
    if (errno == ENOTDIR)
        return "a part of its path is a file, not a directory";
    if (errno != ENOENT) {
        const char *why = talloc_strdup(ck->e->ctx, strerror_r(errno, ebuf, sizeof(ebuf)));
        if (!why)
            ck->e->oom = true;
        return why;
    }
    return parent_refuses(ck, path, missing);
}

/* The reports dir: a child under Valgrind writes its XML there, and the
 * root makes it (one mkdir) before the child starts. */
static void check_reports(struct ck *ck, struct fr_pos vg_pos)
{
    const char *dir = ck->cfg->reports_dir;
    struct fr_pos at = ck->cfg->reports_pos.line ? ck->cfg->reports_pos : vg_pos;
    const char *why;
    struct stat sb;

    if (!dir)
        return;
    why = path_refuses(ck, dir, true, "the directory it would be made in does not exist "
                       "(it is made with one mkdir, not mkdir -p)");
    if (why)
        fr__err(ck->e, at, "give reports: {dir: DIR} a directory this user can "
                "make or write in", "reports dir '%s' cannot be %s: %s",
                fr__show(ck->e, dir, strlen(dir)),
                stat(dir, &sb) == 0 ? "written" : "made", why);
}

/* The trace file: the root writes it at exit, so a path it could not
 * write is refused now, before a run whose counts would be lost. */
static void check_trace(struct ck *ck)
{
    const char *file = ck->cfg->trace_file;
    const char *why;

    if (!ck->cfg->has_trace || !file)
        return;
    why = path_refuses(ck, file, false, "the directory it would be made in does not exist");
    if (why)
        fr__err(ck->e, ck->cfg->trace_pos, "give trace: {file: PATH} a file this user can "
                "write (a relative one is taken from the directory the program starts in)",
                "trace file '%s' cannot be written: %s", fr__show(ck->e, file, strlen(file)),
                why);
}

/*
 * meta: each shared object must be there (a relative path is taken from
 * the config's directory, as a sandbox profile is) and each FMP it names
 * must exist; "root" names the root FMP whatever its name.  Its path and
 * args travel to children in FRACTURE_META (metaload.c), one entry a line
 * and its fields apart by tabs: neither may hold one.  Whether it loads
 * and its entry point agrees is known only when it is loaded.
 */
static void check_meta(struct ck *ck)
{
    const struct fr_config *cfg = ck->cfg;
    const char *slash = cfg->file ? strrchr(cfg->file, '/') : NULL;

    for (size_t i = 0; i < cfg->nmetas; i++) {
        struct fr_meta_conf *mc = (struct fr_meta_conf *)&cfg->metas[i];
        char *path;

        if (!mc->so)
            continue;
        path = mc->so[0] == '/' || !slash
                   ? talloc_strdup((void *)cfg, mc->so)
                   : talloc_asprintf((void *)cfg, "%.*s/%s", (int)(slash - cfg->file),
                                     cfg->file, mc->so);
        if (!path) {
            ck->e->oom = true;
            return;
        }
        if (strpbrk(mc->so, "\t\n"))
            fr__err(ck->e, mc->so_pos, "rename the file, or give a path without them",
                    "the path of a meta-application may not hold a tab or a newline");
        else if (access(path, R_OK) < 0)
            fr__err(ck->e, mc->so_pos, "build the meta-application as a shared object "
                    "(cc -shared -fPIC ...) and give its path (a relative one is taken from "
                    "the config's directory)", "meta-application '%s' cannot be read: %s",
                    fr__show(ck->e, path, strlen(path)), strerror(errno));
        mc->path = path;
        if (mc->args && strpbrk(mc->args, "\t\n"))
            fr__err(ck->e, mc->args_pos, "write the argument string on one line, without tabs",
                    "'args' may not hold a tab or a newline");
        for (size_t j = 0; j < mc->nfmps; j++) {
            const char **names;
            size_t n = 0;
            int found = strcmp(mc->fmps[j], "root") == 0;

            for (size_t k = 0; k < cfg->nfmps && !found; k++)
                found = cfg->fmps[k].name && strcmp(cfg->fmps[k].name, mc->fmps[j]) == 0;
            if (found)
                continue;
            names = talloc_array(ck->e->ctx, const char *, cfg->nfmps + 1);
            if (!names) {
                ck->e->oom = true;
                return;
            }
            names[n++] = "root";
            for (size_t k = 0; k < cfg->nfmps; k++)
                if (cfg->fmps[k].name)
                    names[n++] = cfg->fmps[k].name;
            fr__err(ck->e, mc->fmp_pos[j],
                    fr__errs_hint(ck->e, mc->fmps[j], names, n, 10, "the FMPs: "),
                    "meta-application '%s' names FMP '%s', which the config does not have",
                    fr__show(ck->e, mc->so, strlen(mc->so)),
                    fr__show(ck->e, mc->fmps[j], strlen(mc->fmps[j])));
        }
    }
}

/* The profile file, as the trace file: refused now rather than lost at
 * exit. */
static void check_profile(struct ck *ck)
{
    const char *file = ck->cfg->profile_file;
    const char *why;

    if (!ck->cfg->has_profile || !file)
        return;
    why = path_refuses(ck, file, false, "the directory it would be made in does not exist");
    if (why)
        fr__err(ck->e, ck->cfg->profile_pos, "give profile: {file: PATH} a file this user can "
                "write (a relative one is taken from the directory the program starts in)",
                "profile file '%s' cannot be written: %s", fr__show(ck->e, file, strlen(file)),
                why);
}

static void unknown_module(struct ck *ck, const char *name, struct fr_pos pos)
{
    char *hint = NULL;
    const char **names = talloc_array(ck->e->ctx, const char *,
                                      ck->app->nmodules ? ck->app->nmodules : 1);
    size_t n = 0;

    if (!names) {
        ck->e->oom = true;
        return;
    }
    for (unsigned i = 0; ck->app->modules && i < ck->app->nmodules; i++)
        if (ck->app->modules[i].name)
            names[n++] = ck->app->modules[i].name;
    if (n)
        hint = fr__errs_hint(ck->e, name, names, n, HINT_MODULES,
                             "the app's modules: ");
    fr__err(ck->e, pos, hint, "unknown module '%s'", name);
}

/* Every environment a member of FMP @u may run in, for check_memory; and
 * whether any is under Valgrind (*vg_pos: the first). */
static void check_fmp_envs(struct ck *ck, size_t u, const struct fr_fmp_conf *f,
                           struct fr_pos *vg_pos)
{
    const struct fr_env *base = f->env.present ? &f->env : NULL;
    const struct fr_env *ov[3] = { f->restart.environments,
                                   f->replicate.environments, NULL };
    const size_t nov[3] = { f->restart.nenvironments, f->replicate.nenvironments,
                            f->sample.ninstances };

    fr__env_check(&ck->probe, &f->env);
    check_memory(ck, u, f, NULL, &f->env);
    if (f->env.has_valgrind && !vg_pos->line)
        *vg_pos = f->env.valgrind_pos;
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < nov[k]; i++) {
            const struct fr_env *o = k < 2 ? &ov[k][i] : &f->sample.instances[i].env;

            fr__env_check(&ck->probe, o);
            if (o->present && (o->limits.memory_mb > 0 || o->has_valgrind))
                check_memory(ck, u, f, base, o);
            if (o->present && o->has_valgrind && !vg_pos->line)
                *vg_pos = o->valgrind_pos;
        }
    }
}

static void check_fmp(struct ck *ck, size_t u, const struct fr_fmp_conf *f,
                      struct fr_pos *vg_pos)
{
    /* in fr__caps' order: each policy beside the cap it needs */
    const bool present[FR__NCAPS] = { f->restart.present, f->replicate.present,
                                      f->sample.present };
    const struct fr_pos ppos[FR__NCAPS] = { f->restart.pos, f->replicate.pos,
                                            f->sample.pos };
    const char *name = f->name ? f->name : "?";
    bool holds_main = false;
    int *idx;

    idx = talloc_array(ck->e->ctx, int, f->nmodules ? f->nmodules : 1);
    if (!idx) {
        ck->e->oom = true;
        return;
    }
    for (size_t m = 0; m < f->nmodules; m++) {
        idx[m] = module_index(ck, f->modules[m]);
        if (idx[m] < 0)
            unknown_module(ck, f->modules[m], f->module_pos[m]);
        holds_main = holds_main || !strcmp(f->modules[m], "main");
    }

    if (holds_main) {
        /* Policies and environments are given to a child process at its
         * start; main's process is the one that starts the others. */
        for (size_t i = 0; i <= FR__NCAPS; i++) {
            bool env = i == FR__NCAPS;
            const char *what = env ? "env" : fr__caps[i].policy;
            char *hint;

            if (env ? !f->env.present : !present[i])
                continue;
            hint = f->nmodules > 1 ?
                talloc_asprintf(ck->e->ctx, "main stays in the root process; "
                                "move the modules that need %s to an FMP of "
                                "their own", what) :
                talloc_asprintf(ck->e->ctx, "main stays in the root process; "
                                "remove %s from this FMP", what);
            if (!hint)
                ck->e->oom = true;
            fr__err(ck->e, env ? f->env.pos : ppos[i], hint, "FMP '%s' holds "
                    "main, which always runs in the root process; %s cannot "
                    "apply to it", name, what);
        }
        talloc_free(idx);
        return;
    }

    for (size_t i = 0; i < FR__NCAPS; i++) {
        if (!present[i])
            continue;
        for (size_t m = 0; m < f->nmodules; m++) {
            const struct fr_module *mod;
            char *hint;

            if (idx[m] < 0)
                continue;
            mod = &ck->app->modules[idx[m]];
            if (mod->caps & fr__caps[i].bit)
                continue;
            hint = fr__caps_text(ck->e->ctx, mod->caps | fr__caps[i].bit);
            if (hint)
                hint = talloc_asprintf(ck->e->ctx, "mark it FRACTURE_MODULE(%s, "
                                       "%s) if %s it is safe, or move it to "
                                       "another FMP", mod->name, hint,
                                       fr__caps[i].verb);
            if (!hint)
                ck->e->oom = true;
            fr__err(ck->e, ppos[i], hint, "FMP '%s' asks for %s, but module "
                    "'%s' is not %s", name, fr__caps[i].policy, mod->name,
                    fr__caps[i].adj);
        }
    }
    talloc_free(idx);
    check_fmp_envs(ck, u, f, vg_pos);
}

/* What this runtime cannot do is refused, never ignored. */
static void check_supported(struct ck *ck)
{
    const struct fr_config *cfg = ck->cfg;
    int groups = 0;

    for (size_t i = 0; i < cfg->nfmps; i++) {
        const struct fr_fmp_conf *f = &cfg->fmps[i];
        const char *name = f->name ? f->name : "?";

        /* each group has a pin in every call's header (meta.h) */
        if ((f->replicate.present || f->sample.present) && ++groups == FR__META_PINS_MAX + 1)
            fr__err(ck->e, f->replicate.present ? f->replicate.pos : f->sample.pos,
                    "put the modules of two such FMPs into one", "FMP '%s': more than %d FMPs "
                    "replicated or sampled (crowd included), at most %d are supported",
                    name, FR__META_PINS_MAX, FR__META_PINS_MAX);

        if (f->sample.present && f->sample.ninstances > FR_GROUP_MAX)
            fr__err(ck->e, f->sample.pos, "merge instances with the same environment "
                    "(add their weights)", "FMP '%s': %zu sample instances, at most %d "
                    "are supported", name, f->sample.ninstances, FR_GROUP_MAX);
    }
}

void fr__config_check_all(struct fr_errs *e, const struct fr_config *cfg,
                          const struct fr_app *app)
{
    struct fr_pos vg_pos = { 0, 0 };
    struct layout lay;
    struct ck ck;

    memset(&ck, 0, sizeof(ck));
    ck.e = e;
    ck.cfg = cfg;
    ck.app = app;
    fr__env_probe_init(&ck.probe, e);
    ck.sorted = talloc_array(e->ctx, struct fr_named,
                             app->nmodules ? app->nmodules : 1);
    if (!ck.sorted) {
        e->oom = true;
        return;
    }
    for (unsigned i = 0; app->modules && i < app->nmodules; i++)
        if (app->modules[i].name)
            ck.sorted[ck.nsorted++] =
                (struct fr_named){ app->modules[i].name, i };
    /* by name, then index: the first of two equal names wins */
    qsort(ck.sorted, ck.nsorted, sizeof(*ck.sorted), fr__named_cmp);

    /* The numbers first: the memory checks of each FMP need them. */
    memset(&lay, 0, sizeof(lay));
    if (cfg->nfmps) {
        int rc = make_layout(&ck, &lay);

        if (rc == -ENOMEM)
            e->oom = true;
        if (rc == 0 && check_region(&ck, &lay))
            ck.lay = &lay;
    }
    check_root_memory(&ck);
    for (size_t i = 0; i < cfg->nfmps && !e->full && !e->oom; i++)
        check_fmp(&ck, i, &cfg->fmps[i], &vg_pos);
    if (vg_pos.line)
        check_reports(&ck, vg_pos);
    check_trace(&ck);
    check_meta(&ck);
    check_profile(&ck);
    check_supported(&ck);
}

int fr__config_check(const struct fr_config *cfg, const struct fr_app *app,
                     struct fr_diag *d)
{
    struct fr_errs e;
    void *tmp;
    int ret;

    if (!cfg || !app)
        return -EINVAL;
    tmp = talloc_new(d->ctx);
    if (!tmp)
        return -ENOMEM;
    fr__errs_init(&e, tmp, cfg->file ? cfg->file : "<config>");
    fr__config_check_all(&e, cfg, app);
    ret = fr__errs_flush(&e, d);
    talloc_free(tmp);
    return ret;
}
