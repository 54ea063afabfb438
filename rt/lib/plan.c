/*
 * plan.c - from a checked config to the FMP layout (plan.h), and the
 * FRACTURE_PLAN string that carries it to a child.
 *
 * Format (one line, fields separated by ';'):
 *   v1;self;rootpid;nfmps;spin_us;max_threads;timeout_ms;channel_bytes;
 *   max_payload;name,name,...;R:A,R:A,... (per FMP: retries+1, 0 when not
 *   restartable, and on_exhausted abort);fmp,fmp,... (per module);i-j,... (pairs);
 *   kind:div:restarts:seed:n:m.w.K:m.w.K,... (groups, group.h; div of a
 *   sample group: 0, or for the crowd's twin 1 + the FMP of its plain copy);
 *   peer:memfd:sock,... (this child's regions);ctl[:watch] (its deathwatch
 *   table, deathwatch.h)[;trace[:profile]] (its trace area, trace.h, and
 *   its span buffer, profile.h)
 * FMP names are identifiers (the config parser guarantees it), so they
 * need no quoting.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "meta.h"
#include "plan.h"

static int module_index(const struct fr_app *app, const char *name)
{
    for (unsigned m = 0; m < app->nmodules; m++)
        if (strcmp(app->modules[m].name, name) == 0)
            return (int)m;
    return -1;
}

/*
 * The groups of @cfg: member 0 is the FMP's own index (in config order,
 * after the root), the others are numbered on from the last configured
 * FMP.  A replica is never restarted (retries -1: a diverged or dead one is
 * dropped); an instance is, when recycled: a call in flight to it is
 * replayed on its successor, and again if that one is recycled too before
 * it takes it (busy threads), so recycling is not counted as a crash.  An
 * instance that crashes is lost, and its calls fail at once.
 */
#define SAMPLE_REPLAYS 100

/* The plan's index of configured FMP @i: 0 for the root's, else its place
 * among the others, after the root. */
static int plan_index(int root_conf, long i)
{
    if (i < 0 || i == root_conf)
        return 0;
    return (int)i + 1 - (root_conf >= 0 && root_conf < i);
}

static void add_groups(const struct fr_config *cfg, int root_conf, struct fr_plan *p)
{
    int next = (int)cfg->nfmps + (root_conf < 0), gi = 0;

    for (size_t i = 0, k = 1; i < cfg->nfmps; i++) {
        const struct fr_fmp_conf *f = &cfg->fmps[i];
        struct fr_group *g;
        int rep = f->replicate.present;

        if ((int)i == root_conf)
            continue;
        if (!rep && !f->sample.present) {
            k++;
            continue;
        }
        g = &p->groups[gi++];
        g->kind = rep ? FR_GROUP_REPLICATE : FR_GROUP_SAMPLE;
        g->n = rep ? (int)f->replicate.count : (int)f->sample.ninstances;
        g->on_divergence = (int)f->replicate.on_divergence;
        g->restarts = f->restart.present;
        g->seed = f->sample.seed;
        g->crowd = f->sample.crowd;
        /* the crowd's plain copy: in the root, or where `fmps:` places it
         * (crowd.c refuses a group there) */
        g->plain = g->crowd ? plan_index(root_conf, f->sample.plain) : 0;
        for (int j = 0; j < g->n; j++) {
            int e = j ? next++ : (int)k;
            g->member[j] = e;
            if (!rep) {
                g->weight[j] = f->sample.instances[j].weight;
                g->recycle[j] = f->sample.instances[j].recycle_after_calls;
                g->total += g->weight[j];
            }
            p->retries[e] = rep ? -1 : SAMPLE_REPLAYS;
            if (j) {
                snprintf(p->names[e], FR_FMP_NAME_MAX, "%.56s.%c%u", f->name, rep ? 'r' : 'i',
                         (unsigned)(unsigned char)j);
                p->conf[e] = f;
                p->abort_exhausted[e] = 0;
            }
        }
        k++;
    }
}

int fr__plan_build(void *ctx, const struct fr_config *cfg, const struct fr_app *app,
                   struct fr_plan *p)
{
    int root_conf = -1, n;

    for (size_t i = 0; i < cfg->nfmps; i++)
        for (size_t j = 0; j < cfg->fmps[i].nmodules; j++)
            if (strcmp(cfg->fmps[i].modules[j], "main") == 0)
                root_conf = (int)i;
    /* FMP 0 is the root: the config's FMP holding main, or an implicit one.
     * The extra members of replicated and sampled FMPs come last. */
    n = (int)cfg->nfmps + (root_conf < 0);
    p->ngroups = 0;
    for (size_t i = 0; i < cfg->nfmps; i++) {
        const struct fr_fmp_conf *f = &cfg->fmps[i];
        int members = f->replicate.present ? (int)f->replicate.count
                      : f->sample.present ? (int)f->sample.ninstances : 0;
        if (!members)
            continue;
        if (members > FR_GROUP_MAX || (int)i == root_conf || p->ngroups == FR__META_PINS_MAX)
            return -EINVAL;   /* check_supported said so already */
        p->ngroups++;
        n += members - 1;
    }
    p->nfmps = n;
    p->names = talloc_zero_size(ctx, (size_t)n * FR_FMP_NAME_MAX);
    p->conf = talloc_zero_array(ctx, const struct fr_fmp_conf *, n);
    p->fmp_of_module = talloc_zero_array(ctx, int, app->nmodules);
    p->pair = talloc_zero_array(ctx, uint8_t, n * n);
    p->retries = talloc_array(ctx, int, n);
    p->abort_exhausted = talloc_zero_array(ctx, int, n);
    p->groups = talloc_zero_array(ctx, struct fr_group, p->ngroups ? p->ngroups : 1);
    if (!p->names || !p->conf || !p->fmp_of_module || !p->pair || !p->retries ||
        !p->abort_exhausted || !p->groups)
        return -ENOMEM;
    p->retries[0] = -1;           /* the root is never restarted */
    if (root_conf < 0) {
        snprintf(p->names[0], FR_FMP_NAME_MAX, "root");
    } else {
        snprintf(p->names[0], FR_FMP_NAME_MAX, "%s", cfg->fmps[root_conf].name);
        p->conf[0] = &cfg->fmps[root_conf];
    }
    for (size_t i = 0, k = 1; i < cfg->nfmps; i++) {
        if ((int)i == root_conf)
            continue;
        snprintf(p->names[k], FR_FMP_NAME_MAX, "%s", cfg->fmps[i].name);
        p->conf[k] = &cfg->fmps[i];
        p->retries[k] = cfg->fmps[i].restart.present ? (int)cfg->fmps[i].restart.retries : -1;
        p->abort_exhausted[k] = cfg->fmps[i].restart.present &&
                                cfg->fmps[i].restart.on_exhausted == FR_EXHAUSTED_ABORT;
        for (size_t j = 0; j < cfg->fmps[i].nmodules; j++) {
            int m = module_index(app, cfg->fmps[i].modules[j]);
            if (m < 0)
                return -EINVAL;   /* fr__config_check said so already */
            p->fmp_of_module[m] = (int)k;
        }
        k++;
    }
    add_groups(cfg, root_conf, p);
    /* A region for every pair of FMPs whose modules may call each other. */
    if (!app->edges) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                p->pair[i * n + j] = i != j;
    } else {
        for (unsigned e = 0; e < app->nedges; e++) {
            int a = p->fmp_of_module[app->edges[e].from];
            int b = p->fmp_of_module[app->edges[e].to];
            if (a != b)
                p->pair[a * n + b] = p->pair[b * n + a] = 1;
        }
        /* The root replays every FR_INIT call, a child's too (initlog.c),
         * into each FMP that holds an FR_INIT function. */
        for (unsigned f = 0; f < app->nfunctions; f++) {
            int b = p->fmp_of_module[app->functions[f].module];
            if ((app->functions[f].flags & FR_FN_INIT) && b != 0)
                p->pair[b] = p->pair[b * n] = 1;
        }
    }
    /* The crowd's modules run plain too, in the root or in the FMP `fmps:`
     * places them in (crowdcall.c): that FMP talks to whom their
     * instrumented copy talks to (callers and callees of the modules, and
     * the root, which replays their FR_INIT calls), and they to it. */
    for (int gi = 0; gi < p->ngroups; gi++) {
        int twin = p->groups[gi].member[0], home = p->groups[gi].plain;
        for (int q = 0; p->groups[gi].crowd && q < n; q++)
            if (q != home && p->pair[twin * n + q])
                p->pair[home * n + q] = p->pair[q * n + home] = 1;
    }
    /* Every member talks to whom its group's first member talks to. */
    for (int gi = 0; gi < p->ngroups; gi++) {
        const struct fr_group *g = &p->groups[gi];
        for (int j = 1; j < g->n; j++)
            for (int q = 0; q < n; q++) {
                int e = g->member[j];
                if (q != e && p->pair[g->member[0] * n + q])
                    p->pair[e * n + q] = p->pair[q * n + e] = 1;
            }
    }
    p->spin_us = cfg->spin_us;
    p->max_threads = cfg->max_threads;
    p->call_timeout_ms = cfg->call_timeout_ms;
    p->channel_bytes = (uint64_t)cfg->channel_kb * 1024;
    p->max_payload = (uint64_t)cfg->max_payload_mb << 20;
    p->watch_fd = -1;
    p->trace_fd = -1;
    p->prof_fd = -1;
    return 0;
}

char *fr__plan_encode(void *ctx, const struct fr_plan *p, int self, pid_t root,
                      const struct fr_plan_region *regions, int nregions, int ctl)
{
    char *s = talloc_asprintf(ctx, "v1;%d;%d;%d;%u;%u;%u;%" PRIu64 ";%" PRIu64 ";",
                              self, (int)root, p->nfmps, p->spin_us, p->max_threads,
                              p->call_timeout_ms, p->channel_bytes, p->max_payload);
    for (int i = 0; s && i < p->nfmps; i++)
        s = talloc_asprintf_append(s, "%s%s", i ? "," : "", p->names[i]);
    s = s ? talloc_strdup_append(s, ";") : NULL;
    for (int i = 0; s && i < p->nfmps; i++)
        s = talloc_asprintf_append(s, "%s%d:%d", i ? "," : "", p->retries[i] + 1,
                                   p->abort_exhausted[i]);
    s = s ? talloc_strdup_append(s, ";") : NULL;
    for (unsigned m = 0; s && m < fr__rt.app->nmodules; m++)  /* same binary, same table */
        s = talloc_asprintf_append(s, "%s%d", m ? "," : "", p->fmp_of_module[m]);
    s = s ? talloc_strdup_append(s, ";") : NULL;
    for (int i = 0, first = 1; s && i < p->nfmps; i++)
        for (int j = i + 1; s && j < p->nfmps; j++)
            if (p->pair[i * p->nfmps + j]) {
                s = talloc_asprintf_append(s, "%s%d-%d", first ? "" : ",", i, j);
                first = 0;
            }
    s = s ? talloc_strdup_append(s, ";") : NULL;
    for (int gi = 0; s && gi < p->ngroups; gi++) {
        const struct fr_group *g = &p->groups[gi];
        s = talloc_asprintf_append(s, "%s%d:%d:%d:%" PRIu64 ":%d", gi ? "," : "", g->kind,
                                   g->kind != FR_GROUP_SAMPLE ? g->on_divergence
                                   : g->crowd                 ? 1 + g->plain
                                                              : 0,
                                   g->restarts, g->seed, g->n);
        for (int j = 0; s && j < g->n; j++)
            s = talloc_asprintf_append(s, ":%d.%u.%" PRIu64, g->member[j], g->weight[j],
                                       g->recycle[j]);
    }
    s = s ? talloc_strdup_append(s, ";") : NULL;
    for (int i = 0; s && i < nregions; i++)
        s = talloc_asprintf_append(s, "%s%d:%d:%d", i ? "," : "", regions[i].peer,
                                   regions[i].memfd, regions[i].sock);
    s = s ? talloc_asprintf_append(s, ";%d", ctl) : NULL;
    s = s && p->watch_fd >= 0 ? talloc_asprintf_append(s, ":%d", p->watch_fd) : s;
    s = s && p->trace_fd >= 0 ? talloc_asprintf_append(s, ";%d", p->trace_fd) : s;
    return s && p->trace_fd >= 0 && p->prof_fd >= 0 ? talloc_asprintf_append(s, ":%d", p->prof_fd)
                                                    : s;
}

/* A strict unsigned decimal ending at one of @ends. */
static int num(const char **sp, const char *ends, uint64_t max, uint64_t *out)
{
    const char *s = *sp;
    uint64_t v = 0;

    if (*s < '0' || *s > '9')
        return -EINVAL;
    for (; *s >= '0' && *s <= '9'; s++) {
        uint64_t d = (uint64_t)(*s - '0');
        /* d > max first: max - d would wrap, and 5 would pass for max 4
         * (an FMP index past the plan's arrays; found by fuzz_plan) */
        if (d > max || v > (max - d) / 10)
            return -EINVAL;
        v = v * 10 + d;
    }
    if (!strchr(ends, *s))
        return -EINVAL;
    *out = v;
    *sp = *s ? s + 1 : s;
    return 0;
}

/* The groups section, up to and past its ';'.  Every member index is a
 * distinct FMP of the plan other than the root. */
static int decode_groups(void *ctx, const char **sp, struct fr_plan *p)
{
    const char *s = *sp;
    int n = p->nfmps, cap = 0;
    uint8_t *seen = talloc_zero_array(ctx, uint8_t, n);

    p->ngroups = 0;
    p->groups = NULL;
    if (!seen)
        return -ENOMEM;
    while (*s != ';') {
        uint64_t kind, div, restarts, seed, count;
        struct fr_group *g;
        if (p->ngroups == FR__META_PINS_MAX)
            return -EINVAL;   /* config_check.c refuses more */
        if (p->ngroups == cap) {
            cap = cap ? 2 * cap : 4;
            p->groups = talloc_realloc(ctx, p->groups, struct fr_group, cap);
            if (!p->groups)
                return -ENOMEM;
        }
        g = &p->groups[p->ngroups++];
        memset(g, 0, sizeof *g);
        if (num(&s, ":", 2, &kind) < 0 || kind == 0 ||
            num(&s, ":", kind == FR_GROUP_SAMPLE ? (uint64_t)n : 2, &div) < 0 ||
            num(&s, ":", 1, &restarts) < 0 || num(&s, ":", UINT64_MAX, &seed) < 0 || num(&s, ":", FR_GROUP_MAX, &count) < 0 ||
            count == 0)
            return -EINVAL;
        g->kind = (int)kind;
        /* a sample group's slot says whether it is the crowd's twin, and
         * where its plain copy runs (checked below, once every member is
         * known) */
        if (g->kind == FR_GROUP_SAMPLE) {
            g->crowd = div != 0;
            g->plain = div ? (int)div - 1 : 0;
        } else
            g->on_divergence = (int)div;
        g->restarts = (int)restarts;
        g->seed = seed;
        g->n = (int)count;
        for (int j = 0; j < g->n; j++) {
            uint64_t m, w, k;
            if (num(&s, ".", (uint64_t)n - 1, &m) < 0 || m == 0 || seen[m] ||
                num(&s, ".", UINT32_MAX, &w) < 0 ||
                num(&s, j + 1 == g->n ? ",;" : ":", UINT64_MAX, &k) < 0)
                return -EINVAL;
            seen[m] = 1;
            g->member[j] = (int)m;
            g->weight[j] = (unsigned)w;
            g->recycle[j] = k;
            g->total += (unsigned)w;
        }
        if (g->kind == FR_GROUP_SAMPLE && (g->total == 0 || (g->crowd && (g->n != 1 ||
                                                                         g->total > 100))))
            return -EINVAL;
        if (s[-1] == ';') {
            s--;
            break;
        }
    }
    /* a plain copy is one FMP of no group */
    for (int gi = 0; gi < p->ngroups; gi++)
        if (p->groups[gi].crowd && seen[p->groups[gi].plain])
            return -EINVAL;
    *sp = s + 1;
    return 0;
}

int fr__plan_decode(void *ctx, const char *s, const struct fr_app *app, struct fr_plan *p,
                    int *self, pid_t *root, struct fr_plan_region **regions,
                    int *nregions, int *ctl)
{
    uint64_t v[8];
    int n, rc;

    if (strncmp(s, "v1;", 3) != 0)
        return -EINVAL;
    s += 3;
    for (int i = 0; i < 8; i++)
        if (num(&s, ";", i >= 6 ? UINT64_MAX : INT32_MAX, &v[i]) < 0)
            return -EINVAL;
    n = (int)v[2];
    if (n < 2 || n > 129 || v[0] == 0 || v[0] >= (uint64_t)n || v[4] == 0 || v[4] > 4096)
        return -EINVAL;
    *self = (int)v[0];
    *root = (pid_t)v[1];
    p->nfmps = n;
    p->spin_us = (unsigned)v[3];
    p->max_threads = (unsigned)v[4];
    p->call_timeout_ms = (unsigned)v[5];
    p->channel_bytes = v[6];
    p->max_payload = v[7];
    p->names = talloc_zero_size(ctx, (size_t)n * FR_FMP_NAME_MAX);
    p->conf = NULL;
    p->fmp_of_module = talloc_zero_array(ctx, int, app->nmodules);
    p->pair = talloc_zero_array(ctx, uint8_t, n * n);
    p->retries = talloc_array(ctx, int, n);
    p->abort_exhausted = talloc_zero_array(ctx, int, n);
    *regions = talloc_zero_array(ctx, struct fr_plan_region, n);
    if (!p->names || !p->fmp_of_module || !p->pair || !*regions || !p->retries ||
        !p->abort_exhausted)
        return -ENOMEM;
    for (int i = 0; i < n; i++) {
        size_t len = strcspn(s, i == n - 1 ? ";" : ",");
        if (len == 0 || len >= FR_FMP_NAME_MAX || s[len] != (i == n - 1 ? ';' : ','))
            return -EINVAL;
        memcpy(p->names[i], s, len);
        s += len + 1;
    }
    for (int i = 0; i < n; i++) {
        uint64_t r, a;
        if (num(&s, ":", 101, &r) < 0 || num(&s, i == n - 1 ? ";" : ",", 1, &a) < 0)
            return -EINVAL;
        p->retries[i] = (int)r - 1;
        p->abort_exhausted[i] = (int)a;
    }
    for (unsigned m = 0; m < app->nmodules; m++) {
        uint64_t f;
        if (num(&s, m + 1 == app->nmodules ? ";" : ",", (uint64_t)n - 1, &f) < 0)
            return -EINVAL;
        p->fmp_of_module[m] = (int)f;
    }
    while (*s != ';') {
        uint64_t a, b;
        /* the root writes each pair once, lower index first: an FMP is
         * never its own peer (0-0 was taken; found by fuzz_plan) */
        if (num(&s, "-", (uint64_t)n - 1, &a) < 0 || num(&s, ",;", (uint64_t)n - 1, &b) < 0 ||
            a >= b)
            return -EINVAL;
        p->pair[a * n + b] = p->pair[b * n + a] = 1;
        if (s[-1] == ';') {
            s--;
            break;
        }
    }
    s++;
    rc = decode_groups(ctx, &s, p);
    if (rc < 0)
        return rc;
    *nregions = 0;
    while (*s != ';') {
        uint64_t peer, memfd, sock;
        if (*nregions == n || num(&s, ":", (uint64_t)n - 1, &peer) < 0 ||
            num(&s, ":", INT32_MAX, &memfd) < 0 || num(&s, ",;", INT32_MAX, &sock) < 0)
            return -EINVAL;
        (*regions)[*nregions] = (struct fr_plan_region){ (int)peer, (int)memfd, (int)sock };
        (*nregions)++;
        if (s[-1] == ';') {
            s--;
            break;
        }
    }
    s++;
    uint64_t c, w, t;
    if (num(&s, ":;", INT32_MAX, &c) < 0)
        return -EINVAL;
    *ctl = (int)c;
    p->watch_fd = -1;
    p->trace_fd = -1;
    p->prof_fd = -1;
    if (s[-1] == ':') {
        if (num(&s, ";", INT32_MAX, &w) < 0)
            return -EINVAL;
        p->watch_fd = (int)w;
    }
    if (s[-1] == ';') {
        if (num(&s, ":", INT32_MAX, &t) < 0)
            return -EINVAL;
        p->trace_fd = (int)t;
        if (s[-1] == ':') {
            if (num(&s, "", INT32_MAX, &t) < 0)
                return -EINVAL;
            p->prof_fd = (int)t;
        }
    }
    return 0;
}
