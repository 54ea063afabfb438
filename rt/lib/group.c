/*
 * group.c - what replicated and sampled FMPs share (group.h): the groups
 * of the plan in this process, the environment of each member, whether a
 * member still serves, the metadata pin that keeps a logical thread on one
 * member for the whole of a call, and the dispatch of a call to a group.
 */
#include <errno.h>
#include <fracture/meta.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <unistd.h>

#include "config.h"
#include "group.h"
#include "meta.h"
#include "plan.h"
#include "restart.h"
#include "overlay.h"
#include "state.h"

/* Process-lifetime copies (calloc: never in a Valgrind report of the app). */
int fr__groups_adopt(const struct fr_plan *p, int self)
{
    int n = p->nfmps;

    fr__rt.group_of = calloc((size_t)n, sizeof *fr__rt.group_of);
    if (!fr__rt.group_of)
        return -ENOMEM;
    for (int k = 0; k < n; k++)
        fr__rt.group_of[k] = -1;
    if (!p->ngroups)
        return 0;
    fr__rt.groups = calloc((size_t)p->ngroups, sizeof *fr__rt.groups);
    if (!fr__rt.groups)
        return -ENOMEM;
    fr__rt.ngroups = p->ngroups;
    for (int gi = 0; gi < p->ngroups; gi++) {
        struct fr_group *g = &fr__rt.groups[gi];
        const struct fr_group *src = &p->groups[gi];
        g->kind = src->kind;
        g->n = src->n;
        g->on_divergence = src->on_divergence;
        g->restarts = src->restarts;
        g->seed = src->seed;
        g->crowd = src->crowd;
        g->plain = src->plain;
        g->total = src->total;
        memcpy(g->member, src->member, sizeof g->member);
        memcpy(g->weight, src->weight, sizeof g->weight);
        memcpy(g->recycle, src->recycle, sizeof g->recycle);
        atomic_init(&g->draws, 0);
        for (int j = 0; j < g->n; j++) {
            /* N replicas spinning for their next request, with the caller,
             * would outnumber the cores of a small machine: then the one
             * replica that has work waits for a time slice, and all burn
             * CPU.  There they sleep at once instead and are woken (the
             * caller still spins for their replies). */
            if (g->member[j] == self && g->kind == FR_GROUP_REPLICATE &&
                sysconf(_SC_NPROCESSORS_ONLN) <= g->n + 1)
                fr__rt.serve_spin_us = 0;
            fr__rt.group_of[g->member[j]] = gi;
            if (g->member[j] == self && g->kind == FR_GROUP_SAMPLE)
                fr__rt.recycle_after = g->recycle[j];
        }
    }
    return 0;
}

/* The member index of FMP @fmp in its group, or -1. */
int fr__member_index(int fmp)
{
    int gi = fr__rt.group_of ? fr__rt.group_of[fmp] : -1;

    if (gi < 0)
        return -1;
    for (int j = 0; j < fr__rt.groups[gi].n; j++)
        if (fr__rt.groups[gi].member[j] == fmp)
            return j;
    return -1;
}

int fr__group_primary(int fmp)
{
    int gi = fmp >= 0 && fr__rt.group_of ? fr__rt.group_of[fmp] : -1;

    return gi < 0 ? fmp : fr__rt.groups[gi].member[0];
}

/*
 * The environment member @k starts in: the FMP's env with the member's
 * overlay (replicate.environments[j], or the instance's env) laid on it.
 * NULL for an FMP without an env; talloc under @ctx otherwise.
 */
const struct fr_env *fr__member_env(void *ctx, const struct fr_fmp_conf *fc, int k)
{
    const struct fr_env *env = fc && fc->env.present ? &fc->env : NULL;
    int j = fr__member_index(k);

    if (!fc || j < 0)
        return env;
    if (fc->replicate.present && (size_t)j < fc->replicate.nenvironments)
        return fr__env_overlay(ctx, env, &fc->replicate.environments[j]);
    if (fc->sample.present && fc->sample.instances[j].env.present)
        return fr__env_overlay(ctx, env, &fc->sample.instances[j].env);
    return env;
}

/* What a member's Valgrind reports are called: "DIR/FMP.replicaJ" or
 * "DIR/FMP.instanceJ" (launch.c adds ".PID.xml").  talloc under @ctx. */
char *fr__member_report_prefix(void *ctx, const char *dir, const char *name, int k)
{
    int gi = fr__rt.group_of ? fr__rt.group_of[k] : -1;
    int j = fr__member_index(k);

    if (gi < 0)
        return talloc_asprintf(ctx, "%s/%s", dir, name);
    return talloc_asprintf(ctx, "%s/%s.%s%d", dir, fr__rt.fmps[fr__rt.groups[gi].member[0]].name,
                           fr__rt.groups[gi].kind == FR_GROUP_REPLICATE ? "replica" : "instance",
                           j);
}

char *fr__member_report_comment(void *ctx, const struct fr_fmp_conf *fc, int k)
{
    int gi = fr__rt.group_of ? fr__rt.group_of[k] : -1;
    int j = fr__member_index(k);
    const char *fmp = gi < 0 ? fr__rt.fmps[k].name : fr__rt.fmps[fr__rt.groups[gi].member[0]].name;
    char *s;

    s = talloc_asprintf(ctx, "<fracture fmp=\"%s\"", fmp);
    if (s && gi >= 0)
        s = talloc_asprintf_append(s, " member=\"%s%d\"",
                                   fr__rt.groups[gi].kind == FR_GROUP_REPLICATE ? "replica"
                                                                                : "instance", j);
    if (s)
        s = talloc_strdup_append(s, ">");
    for (size_t i = 0; s && fc && i < fc->nmodules; i++)
        s = talloc_asprintf_append(s, "<module>%s</module>", fc->modules[i]);
    return s ? talloc_strdup_append(s, "</fracture>") : NULL;
}

/*
 * Whether member @fmp still serves, as this process sees it: not lost,
 * not gone, and not stopped by this process for breaking the protocol
 * (`failed`, set by fr__fault before the root kills it).  A recycled
 * instance is gone only for a moment and comes back: it still counts.
 */
int fr__member_alive(int fmp)
{
    int r = fr__rt.region_of_fmp[fmp];
    struct fr_region *rg;

    if (r < 0 || atomic_load(fr__peer_lost(r)))
        return 0;
    rg = &fr__rt.regions[r];
    if (!atomic_load(&rg->failed))
        return 1;
    /* Stopped by this process: alive again once a new incarnation holds
     * the region (a restarted member; the next exchange syncs to it and
     * clears `failed`). */
    return atomic_load(rg->peer_gen) != rg->gen_seen;
}

int fr__pin_get(const struct fr_group *g, int *member)
{
    unsigned v = fr__meta_pin((unsigned)(g - fr__rt.groups));

    if (v < 1 || v > (unsigned)g->n)
        return 0;
    *member = (int)v - 1;
    return 1;
}

/* 1: set (the caller clears it after the call); a pin always has room. */
int fr__pin_set(const struct fr_group *g, int member)
{
    fr__meta_pin_set((unsigned)(g - fr__rt.groups), (unsigned)member + 1);
    return 1;
}

void fr__pin_clear(const struct fr_group *g, int was_set)
{
    if (was_set)
        fr__meta_pin_set((unsigned)(g - fr__rt.groups), 0);
}

int fr__crowd_group(unsigned m)
{
    int k = fr__rt.fmp_of_module[m], gi = fr__rt.group_of ? fr__rt.group_of[k] : -1;

    return gi >= 0 && fr__rt.groups[gi].crowd ? gi : -1;
}

int fr__crowd_plain(unsigned m)
{
    int gi = fr__crowd_group(m);

    return gi < 0 ? -1 : fr__rt.groups[gi].plain;
}

unsigned char fr__remote_placed(unsigned m)
{
    if (fr__rt.fmp_of_module[m] == fr__group_primary(fr__rt.self))
        return 0;
    return fr__crowd_group(m) >= 0 ? FR_REMOTE_CROWD : 1;
}

int fr__group_replicates(int fmp)
{
    int gi = fr__rt.group_of ? fr__rt.group_of[fmp] : -1;

    return gi >= 0 && fr__rt.groups[gi].kind == FR_GROUP_REPLICATE;
}
