/*
 * group.h - FMPs that run as several processes: the replicas of a
 * `replicate:` FMP (replicate.c) and the instances of a `sample:` FMP
 * (sample.c).
 *
 * A group is laid out as ordinary FMPs: member 0 is the FMP the config
 * names (it holds the modules in fmp_of_module), the other members are
 * extra FMP indices after every configured one, named NAME.rJ (replica J)
 * or NAME.iJ (instance J).  Each member has a region with every FMP the
 * group's modules may call or be called by, so the channel protocol, the
 * supervisor and the restart path treat it as any FMP; only a caller's
 * choice of where a request goes (its policy: policy.h) knows it is a group.
 */
#ifndef FR_GROUP_H
#define FR_GROUP_H

#include <stdatomic.h>
#include <stdint.h>

#include <fracture/abi.h>

#define FR_GROUP_MAX 16       /* replicas or instances of one FMP */

enum fr_group_kind { FR_GROUP_REPLICATE = 1, FR_GROUP_SAMPLE = 2 };

struct fr_group {
    int kind;
    int n;                    /* members */
    int member[FR_GROUP_MAX]; /* FMP indices; member[0] is the configured FMP */
    int on_divergence;        /* replicate: enum fr_on_divergence */
    int restarts;             /* a member that dies comes back (restart: beside it): the
                               * one source of it, in the root and every child */
    uint64_t seed;            /* sample */
    unsigned weight[FR_GROUP_MAX];
    uint64_t recycle[FR_GROUP_MAX];   /* sample: calls before a fresh instance, 0: never */
    unsigned total;           /* sample: sum of the weights */
    int crowd;                /* sample: the crowd's twin (crowdcall.c): one member, the
                               * instrumented copy of modules that run plain in FMP
                               * `plain` too; weight[0] is the percent of their calls it
                               * takes */
    int plain;                /* crowd: the FMP of the plain copy (0: the root), where
                               * `fmps:` places the modules; never a group's member */
    _Atomic uint64_t draws;   /* sample: choices made so far by this process */
    _Atomic int voters;       /* replicate: replicas serving, as last said (0: all) */
    _Atomic uint32_t said_dead[FR_GROUP_MAX];  /* replicate: the incarnation + 1 whose
                                                * death this process said */
    _Atomic uint32_t said_stale[FR_GROUP_MAX]; /* replicate: the incarnation + 1 said not
                                                * to hold its group's older objects */
};

/* Request header `status` of a REQ sent to a replica (0 for any other). */
enum fr_req_mode {
    FR_REQ_RECORD = 1,        /* the leader: run it, record the outward calls */
    FR_REQ_FOLLOW = 2,        /* a follower: first field is the leader's record */
};

/* A logical thread is pinned to one member of group G while a call to G
 * is in progress (fr__meta_pin of G: member index + 1), so that every
 * nested call into G, from any FMP, reaches the member serving the call;
 * the pins travel in the runtime's own room of a header (meta.h). */

struct fr_call;
struct fr_lt;
struct fr_wire_reader;
struct fr__field;

struct fr_plan;
struct fr_env;
struct fr_fmp_conf;

int fr__groups_adopt(const struct fr_plan *p, int self);
int fr__member_index(int fmp);
const struct fr_env *fr__member_env(void *ctx, const struct fr_fmp_conf *fc, int k);
char *fr__member_report_prefix(void *ctx, const char *dir, const char *name, int k);

/* What a member's Valgrind reports say of it, for `fracture report`
 * (rt/report/vgxml.c reads it): the FMP, the member, the modules, as
 * <fracture fmp="NAME" member="instanceJ"><module>M</module>...</fracture>
 * (Valgrind's --xml-user-comment puts it in <usercomment>).  Names are
 * identifiers, so nothing needs escaping.  talloc under @ctx, or NULL. */
char *fr__member_report_comment(void *ctx, const struct fr_fmp_conf *fc, int k);

int fr__group_primary(int fmp);
/* The group of the crowd's twin that holds module @m (an instrumented
 * copy: the module runs plain in the group's `plain` FMP too), or -1. */
int fr__crowd_group(unsigned m);
/* The FMP where crowd module @m's plain copy runs (0: the root), or -1
 * when @m is not a crowd module. */
int fr__crowd_plain(unsigned m);
/* fr__remote[@m] as the plan places module @m, for this FMP: 0 here, 1
 * in another FMP, FR_REMOTE_CROWD a crowd module not run here as twin. */
unsigned char fr__remote_placed(unsigned m);
/* Whether FMP @fmp is a replica of a replicated group. */
int fr__group_replicates(int fmp);

/* Whether member @fmp still serves, as this process sees it. */
int fr__member_alive(int fmp);
/* The pin of group @g on this thread (its member index), while a call to
 * it is in progress: nested calls into the group go to that member. */
int fr__pin_get(const struct fr_group *g, int *member);
int fr__pin_set(const struct fr_group *g, int member);
void fr__pin_clear(const struct fr_group *g, int was_set);

#endif /* FR_GROUP_H */
