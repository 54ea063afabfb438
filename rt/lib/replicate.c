/*
 * replicate.c - a `replicate:` FMP runs as N replicas (N-version runs, each
 * replica in its own environment overlay), and every call to it goes to
 * all of them; their replies are compared byte for byte, as the caller
 * would decode them, and `on_divergence` says what a difference does.
 *
 * The protocol, on the ordinary channels:
 *   1. The caller sends the request to the leader (the first replica that
 *      still serves, normally replica 0) with mode RECORD.  The leader runs
 *      it; each outward call it makes while serving it (a call into another
 *      FMP, a callback into the caller) runs for real and is recorded:
 *      function, request bytes, reply bytes.  Its reply carries the record
 *      as a first field.
 *   2. The caller then sends the request to each other replica, one after
 *      the other, with mode FOLLOW and the record as a first field.  A
 *      follower runs the function, but its outward calls do not leave it:
 *      each must equal the next one recorded (same function, same request
 *      bytes) and gets the recorded reply.  A different call, one too many
 *      or one too few is a divergence: the follower answers -EXDEV (and its
 *      thread stops there; it is dropped).
 *   3. The caller compares: equal reply bytes (or equal errors) are one
 *      vote.  A replica that died, broke the protocol or diverged in its
 *      outward calls has no vote and counts as diverged.  One that
 *      restarted and was passed a handle of an object its group made
 *      before (which it does not hold: handle.h) refuses the call with
 *      -ESTALE before it runs: it abstains, said once per incarnation, and
 *      the call is the others' (if every replica abstains, it fails with
 *      ESTALE).
 * Invariants: a follower never sends a message but its reply; only the
 * leader's outward calls have effects; the caller's arguments are not
 * touched until the chosen reply is decoded (copy-by-value-result).
 *
 * Divergence (DESIGN leaves the choice; this runtime's):
 *   vote   the majority of the replicas asked wins and the caller gets it;
 *          every replica outside it is logged and dropped (stopped, never
 *          restarted: a replica cannot be resynchronised without its
 *          state); with no majority the program ends, as with abort;
 *   abort  any divergence ends the program with a message naming the
 *          module, the function, the FMP and the replica;
 *   log    the divergence is logged and the leader's reply returned; a
 *          replica that died or diverged in its outward calls is dropped,
 *          one that only replied differently keeps serving.
 * A replica that is gone is skipped by every later call: the group goes
 * on with the survivors.  Nested calls back into the group while one of
 * its calls is in progress (pinned by metadata, group.c) go to the leader
 * alone, as plain calls, like the callbacks that run there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"
#include "config.h"
#include "group.h"
#include "meta.h"
#include "nlog.h"
#include "replicate.h"
#include "plain.h"
#include "policy.h"
#include "request.h"
#include "restart.h"
#include "state.h"
#include "supervise.h"
#include "wire.h"

/* One recorded outward call, followed by its request and reply bytes,
 * each padded to 8. */
struct rec_entry {
    uint32_t fn;
    uint32_t err;             /* the call failed with -err: no reply bytes */
    uint64_t req_len;
    uint64_t rep_len;
    int32_t eno;              /* the errno the reply carried */
    uint32_t unused;
};

struct fr_rep {
    int mode;                 /* FR_REQ_RECORD or FR_REQ_FOLLOW */
    int depth;                /* lt->depth while the replicated call runs */
    int r;                    /* region of the caller */
    uint32_t fn;              /* the replicated function */
    unsigned char *rec;       /* leader: the record (malloc) */
    size_t len, cap;
    const unsigned char *p, *end;   /* follower: what is left of the record */
};


int fr__replica_begin(struct fr_lt *lt, int mode, struct fr_wire_reader *rd, int r, uint32_t fn)
{
    struct fr_wire_field f;
    struct fr_rep *rep;

    if (!fr__group_replicates(fr__rt.self) || lt->rep || (mode != FR_REQ_RECORD && mode != FR_REQ_FOLLOW))
        return -EPROTO;
    rep = calloc(1, sizeof *rep);
    if (!rep)
        return -ENOMEM;
    rep->mode = mode;
    rep->depth = lt->depth;
    rep->r = r;
    rep->fn = fn;
    if (mode == FR_REQ_FOLLOW) {
        if (fr__wire_next(rd, &f) < 0 || f.kind != FR_W_BUF) {
            free(rep);
            return -EPROTO;
        }
        rep->p = f.data;
        rep->end = f.data + f.len;
    } else {
        rep->cap = 256;
        rep->rec = malloc(rep->cap);
        if (!rep->rec) {
            free(rep);
            return -ENOMEM;
        }
    }
    lt->rep = rep;
    return 0;
}

int fr__replica_end(struct fr_lt *lt, int status, struct fr__field *pre)
{
    struct fr_rep *rep = lt->rep;

    if (!rep)
        return status;
    lt->rep = NULL;
    if (rep->mode == FR_REQ_FOLLOW && status == 0 && rep->p != rep->end) {
        fr__log("%s() made fewer outward calls than the leader replica: diverged",
                fr__rt.app->functions[rep->fn].name);
        status = -EXDEV;
    }
    if (rep->mode == FR_REQ_RECORD && status == 0) {
        /* the callee frees it once the reply is sent (fr_ret_owned) */
        *pre = (struct fr__field){ .ptr = rep->rec, .len = rep->len, .kind = FR_W_BUF, .fd = -1 };
        rep->rec = NULL;
    }
    free(rep->rec);
    free(rep);
    return status;
}

static int append(struct fr_rep *rep, const void *p, uint64_t n)
{
    uint64_t padded = FR_WIRE_PAD(n);

    if (rep->len + padded > rep->cap) {
        size_t cap = rep->cap;
        while (cap < rep->len + padded)
            cap *= 2;
        unsigned char *b = realloc(rep->rec, cap);
        if (!b)
            return -ENOMEM;
        rep->rec = b;
        rep->cap = cap;
    }
    if (n)
        memcpy(rep->rec + rep->len, p, n);
    memset(rep->rec + rep->len + n, 0, padded - n);
    rep->len += padded;
    return 0;
}

void fr__replica_note(struct fr_call *c, struct fr_lt *lt, int rc)
{
    struct fr_rep *rep = lt->rep;
    struct rec_entry e;
    unsigned char *req;
    uint64_t req_len;

    /* only the replicated call's own outward calls: what a callback run
     * here meanwhile calls is part of that outward call's effect */
    if (rep->mode != FR_REQ_RECORD || lt->depth != rep->depth)
        return;
    req = fr__request_encode_alike(c, &req_len);
    /* a failed call is recorded too: the followers' copy fails the same way */
    e = (struct rec_entry){ c->fn, rc < 0 ? (uint32_t)-rc : 0, req_len,
                            rc < 0 ? 0 : (uint64_t)(c->rend - c->rp), c->eno_back, 0 };
    /* a record cut short makes every follower diverge: loud, not wrong */
    if (!req || append(rep, &e, sizeof e) < 0 || append(rep, req, req_len) < 0 ||
        append(rep, c->rp, e.rep_len) < 0)
        fr__log("out of memory recording an outward call of a replica");
    free(req);
}

/* A follower strayed from the leader: say how, answer the replicated call
 * -EXDEV, and stop this thread (the caller drops this replica). */
static FR_NORETURN void stray(struct fr_lt *lt, const char *how, unsigned fn)
{
    struct fr_rep *rep = lt->rep;
    const struct fr_function *f = fr__rt.app->functions;

    fr__log("%s() diverged from the leader replica: %s %s()", f[rep->fn].name, how, f[fn].name);
    (void)fr__chan_send(lt, rep->r, FR_MSG_ERR, rep->fn, -EXDEV, NULL, 0);
    for (;;)
        pause();
}

int fr__replica_intercept(struct fr_call *c, struct fr_lt *lt, int *rc)
{
    struct fr_rep *rep = lt->rep;
    struct rec_entry e;
    unsigned char *req;
    uint64_t req_len;
    int same;

    if (rep->mode != FR_REQ_FOLLOW || lt->depth != rep->depth)
        return 0;
    if ((size_t)(rep->end - rep->p) < sizeof e)
        stray(lt, "one outward call more, to", c->fn);
    memcpy(&e, rep->p, sizeof e);
    if (e.req_len > (uint64_t)(rep->end - rep->p) - sizeof e ||
        FR_WIRE_PAD(e.rep_len) > (uint64_t)(rep->end - rep->p) - sizeof e - FR_WIRE_PAD(e.req_len))
        stray(lt, "an outward call the record cannot hold, to", c->fn);
    req = fr__request_encode_alike(c, &req_len);
    if (!req)
        return *rc = c->err = -ENOMEM, 1;
    same = e.fn == c->fn && e.req_len == req_len &&
           memcmp(req, rep->p + sizeof e, req_len) == 0;
    free(req);
    if (!same)
        stray(lt, "a different outward call, to", c->fn);
    const unsigned char *reply = rep->p + sizeof e + FR_WIRE_PAD(e.req_len);
    rep->p = reply + FR_WIRE_PAD(e.rep_len);
    if (e.err) {
        c->rp = c->rend = NULL;
        *rc = c->err = e.err < 4096 ? -(int)e.err : -EIO;
        return 1;
    }
    if ((*rc = fr__nlog_reply(c, lt, reply, e.rep_len, e.eno)) < 0)
        return 1;
    for (struct fr_wire_reader rd = { c->rp, c->rend }; rd.p < rd.end;) {
        struct fr_wire_field f;
        if (fr__wire_next(&rd, &f) < 0 || f.kind == FR_W_FD)
            stray(lt, "an outward call whose reply cannot be fed to it (a descriptor), to", c->fn);
    }
    c->err = 0;
    *rc = 0;
    return 1;
}

/* ---- caller side ------------------------------------------------------- */

enum { ASKED_NOT = 0, ASKED_OK, ASKED_ERR, ASKED_DEAD, ASKED_ABSTAINED };

struct outcome {
    int state;
    int err;                  /* ASKED_ERR: the call's error; ASKED_DEAD: why */
    unsigned char *bytes;     /* ASKED_OK: the reply (malloc) */
    uint64_t len;
    int eno;                  /* ASKED_OK: the errno it carried (not voted on: a
                               * successful function's errno is often noise) */
};

static int same(const struct outcome *a, const struct outcome *b)
{
    if (a->state != b->state || a->state == ASKED_DEAD)
        return 0;
    if (a->state == ASKED_ERR)
        return a->err == b->err;
    return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

/* Errors that mean the replica has no answer: it died, broke the call
 * protocol, did not answer in time, or strayed from the leader. */
static int no_vote(int err)
{
    return err == -EPIPE || err == -EPROTO || err == -ETIMEDOUT || err == -EXDEV;
}

static void take(struct outcome *o, const struct fr_call *c, int rc)
{
    o->state = rc == 0 ? ASKED_OK : no_vote(rc) ? ASKED_DEAD : rc == -ESTALE ? ASKED_ABSTAINED
                                                                              : ASKED_ERR;
    o->err = rc;
    o->eno = c->eno_back;
    if (rc == 0) {
        o->len = (uint64_t)(c->rend - c->rp);
        o->bytes = malloc(o->len ? o->len : 1);
        if (!o->bytes) {
            o->state = ASKED_ERR;
            o->err = -ENOMEM;
        } else {
            memcpy(o->bytes, c->rp, o->len);
        }
    }
}

static const char *why(const struct outcome *o, char *buf, size_t len, int ref)
{
    if (o->state == ASKED_ERR) {
        snprintf(buf, len, "it failed the call (%s)", strerror(-o->err));
        return buf;
    }
    if (o->state == ASKED_OK) {
        if (ref >= 0)
            snprintf(buf, len, "its reply differs from replica %d's", ref);
        else
            snprintf(buf, len, "its reply differs from the majority's");
        return buf;
    }
    switch (-o->err) {
    case EXDEV: return "it made a different outward call than the leader replica";
    case EPIPE: return "it died";
    case ETIMEDOUT: return "it did not answer within call_timeout_ms";
    default: return "it broke the call protocol";
    }
}

/* Stop replica @j (it has no vote, or lost one): for good, or, under a
 * restart: policy, until it is back.  One that died is only said. */
static void drop(struct fr_lt *lt, const struct fr_group *g, int j, const char *what, int died)
{
    int m = g->member[j], r = fr__rt.region_of_fmp[m];
    char msg[400];

    snprintf(msg, sizeof msg, "(replica %d of FMP '%s') %s; %s", j,
             fr__rt.fmps[g->member[0]].name, what,
             g->restarts ? "it rejoins the group once restarted" : "it is dropped");
    if (!died && fr__member_alive(m))
        fr__fault(m, lt->gen[r], msg);   /* says it, and stops it */
    else if (atomic_exchange(&((struct fr_group *)g)->said_dead[j], lt->gen[r] + 1) !=
             lt->gen[r] + 1)
        fr__log("FMP '%s' %s", fr__rt.fmps[m].name, msg);   /* once per death, not per call */
}

static FR_NORETURN void diverged_abort(const struct fr_call *c, const struct fr_group *g, int j,
                                       const char *how)
{
    const struct fr_function *f = &fr__rt.app->functions[c->fn];
    static atomic_flag said = ATOMIC_FLAG_INIT;

    /* one message, however many threads see the divergence at once */
    if (atomic_flag_test_and_set(&said))
        for (;;)
            pause();
    fprintf(stderr, "fracture: error: call to %s() of module '%s': replica %d of FMP '%s' "
                    "diverged: %s (on_divergence: abort)\n", f->name,
            fr__rt.app->modules[f->module].name, j, fr__rt.fmps[g->member[0]].name, how);
    exit(70);
}

/* The chosen reply as the call's own, in the thread's reply buffer. */
static int deliver(struct fr_call *c, struct fr_lt *lt, const struct outcome *o)
{
    if (o->state != ASKED_OK)
        return c->err = o->err;
    if (o->len > lt->rcap) {
        void *b = realloc(lt->rbuf, o->len);
        if (!b)
            return c->err = -ENOMEM;
        lt->rbuf = b;
        lt->rcap = o->len;
    }
    if (o->len)
        memcpy(lt->rbuf, o->bytes, o->len);
    c->rp = lt->rbuf;
    c->rend = (unsigned char *)lt->rbuf + o->len;
    c->eno_back = o->eno;
    return c->err = 0;
}

/* Replica @j abstained from @c: it does not hold an object the call
 * passes.  Said once per incarnation of it. */
static void abstained(const struct fr_call *c, struct fr_lt *lt, struct fr_group *g, int j)
{
    int m = g->member[j];
    uint32_t gen = lt->gen[fr__rt.region_of_fmp[m]] + 1;

    if (atomic_exchange(&g->said_stale[j], gen) != gen)
        fr__log("FMP '%s' (replica %d of FMP '%s') does not hold an object that a call to %s() "
                "passes (it restarted after its group made it): such calls vote without it",
                fr__rt.fmps[m].name, j, fr__rt.fmps[g->member[0]].name,
                fr__rt.app->functions[c->fn].name);
}

/* Judge the outcomes of the replicas asked; returns the one to deliver. */
static int judge(struct fr_call *c, struct fr_lt *lt, const struct fr_group *g,
                 struct outcome *out, int leader)
{
    const struct fr_function *f = &fr__rt.app->functions[c->fn];
    const char *mod = fr__rt.app->modules[f->module].name, *fmp = fr__rt.fmps[g->member[0]].name;
    int asked = 0, best = -1, best_votes = 0;
    char buf[128], what[300];

    for (int j = 0; j < g->n; j++) {
        int votes = 0;
        if (out[j].state == ASKED_ABSTAINED)
            abstained(c, lt, (struct fr_group *)g, j);
        if (out[j].state == ASKED_NOT || out[j].state == ASKED_ABSTAINED)
            continue;
        asked++;
        for (int k = 0; k < g->n; k++)
            votes += same(&out[j], &out[k]);
        if (votes > best_votes) {
            best = j;
            best_votes = votes;
        }
    }
    int ref = g->on_divergence == FR_DIVERGE_VOTE ? -1 : leader;
    int chosen = g->on_divergence == FR_DIVERGE_VOTE ? best : leader;
    for (int j = 0; j < g->n; j++) {
        if (out[j].state == ASKED_NOT || out[j].state == ASKED_ABSTAINED ||
            (chosen >= 0 && same(&out[j], &out[chosen])))
            continue;
        const char *how = why(&out[j], buf, sizeof buf, ref);
        snprintf(what, sizeof what, "diverged in %s() of module '%s': %s", f->name, mod, how);
        switch (g->on_divergence) {
        case FR_DIVERGE_ABORT:
            diverged_abort(c, g, j, how);
        case FR_DIVERGE_VOTE:
            if (best_votes * 2 <= asked) {
                static atomic_flag said = ATOMIC_FLAG_INIT;
                if (atomic_flag_test_and_set(&said))
                    for (;;)
                        pause();
                fprintf(stderr, "fracture: error: call to %s() of module '%s': no majority among "
                                "the %d replicas of FMP '%s' (replica %d: %s)\n",
                        f->name, mod, asked, fmp, j, how);
                exit(70);
            }
            drop(lt, g, j, what, out[j].state == ASKED_DEAD && out[j].err == -EPIPE);
            break;
        default:
            fr__log("FMP '%s': replica %d %s; replica %d's reply is used (on_divergence: log)",
                    fmp, j, what, leader);
            if (out[j].state == ASKED_DEAD)
                drop(lt, g, j, what, out[j].state == ASKED_DEAD && out[j].err == -EPIPE);
            break;
        }
    }
    return chosen;
}

/* Whether replica @m takes part in a call now: it serves, and is not
 * away being restarted (it rejoins once it is back). */
static int serves(int m)
{
    return fr__member_alive(m) && !atomic_load(fr__peer_gone(fr__rt.region_of_fmp[m]));
}

/* Say it when the replicas that vote are fewer (or again as many) than
 * the group has: a vote of two is not a vote of three. */
static void say_voters(const struct fr_group *g)
{
    int n = 0, was;

    for (int j = 0; j < g->n; j++)
        n += serves(g->member[j]);
    was = atomic_exchange(&((struct fr_group *)g)->voters, n);
    if (was != n && (was != 0 || n != g->n))
        fr__log("FMP '%s': %d of its %d replicas serve%s", fr__rt.fmps[g->member[0]].name, n,
                g->n, n < g->n ? "; calls to it vote with those until the others are back"
                               : " again");
}

/*
 * Metadata (meta.h): every replica gets the caller's set, and the caller's
 * set after the call is the one the chosen reply's merge makes (the voted
 * one, or the leader's under abort and log); the caller's transfer-point
 * callbacks run once, as for one callee.  NULL when the thread holds none
 * and no type travels here (nothing to keep), or without memory.
 */
struct rep_meta {
    struct fr__meta_set asked;      /* the caller's, as each replica gets it */
    struct fr__meta_set got[FR_GROUP_MAX];   /* after each reply's merge */
    unsigned char have[FR_GROUP_MAX];
};

static struct rep_meta *meta_begin(unsigned fn)
{
    struct rep_meta *rm;

    if (!fr__meta_any() && !atomic_load_explicit(&fr__meta_local, memory_order_relaxed))
        return NULL;
    rm = calloc(1, sizeof *rm);
    if (!rm)
        return NULL;
    fr__meta_fire(FR_META_CALL_OUT, fn);
    fr__meta_save(&rm->asked);
    fr__meta_quiet++;
    return rm;
}

static void meta_ask(struct rep_meta *rm)
{
    if (rm)
        fr__meta_restore(&rm->asked);
}

static void meta_took(struct rep_meta *rm, int j)
{
    if (rm) {
        fr__meta_save(&rm->got[j]);
        rm->have[j] = 1;
    }
}

static void meta_end(struct rep_meta *rm, int chosen, unsigned fn)
{
    if (!rm)
        return;
    fr__meta_quiet--;
    fr__meta_restore(chosen >= 0 && rm->have[chosen] ? &rm->got[chosen] : &rm->asked);
    if (chosen >= 0)
        fr__meta_fire(FR_META_REPLY_IN, fn);
    free(rm);
}

static int replicate_call(struct fr_call *c, struct fr_lt *lt, int peer)
{
    struct fr_group *g = &fr__rt.groups[fr__rt.group_of[peer]];
    struct outcome out[FR_GROUP_MAX];
    struct fr__field pre = { .kind = FR_W_BUF, .fd = -1 };
    unsigned char *rec = NULL;
    int leader = -1, pinned, set, rc = -EPIPE, abstain = 0;

    if (fr__pin_get(g, &pinned)) {
        /* nested in a call to this group: the leader alone */
        for (int j = 0; j < g->n; j++)
            if (serves(g->member[j]))
                return fr__member_call(c, lt, g->member[j], 0, NULL);
        return fr__member_call(c, lt, g->member[0], 0, NULL);
    }
    memset(out, 0, sizeof out);
    say_voters(g);
    set = fr__pin_set(g, 0);
    struct rep_meta *rm = meta_begin(c->fn);
    /* every member is asked at one place in the call tree (state.h) */
    int was_at = lt->place_at, was_kept = lt->place_kept;
    lt->place_at = lt->depth + 1;
    lt->place_kept = 0;
    /* 1. the leader: the first replica that answers at all */
    for (int j = 0; j < g->n && leader < 0; j++) {
        struct fr_wire_reader rd;
        struct fr_wire_field f;
        if (!serves(g->member[j]))
            continue;
        meta_ask(rm);
        rc = fr__member_call(c, lt, g->member[j], FR_REQ_RECORD, NULL);
        meta_took(rm, j);
        if (rc == 0) {
            rd = (struct fr_wire_reader){ c->rp, c->rend };
            if (fr__wire_next(&rd, &f) < 0 || f.kind != FR_W_BUF) {
                fr__fault(g->member[j], lt->gen[fr__rt.region_of_fmp[g->member[j]]],
                          "sent a replicated reply without its record");
                rc = -EPROTO;
            } else if (!(rec = malloc(f.len ? f.len : 1))) {
                rc = -ENOMEM;
            } else {
                memcpy(rec, f.data, f.len);
                pre.ptr = rec;
                pre.len = f.len;
                c->rp = rd.p;
            }
        }
        take(&out[j], c, rc);
        if (out[j].state == ASKED_ABSTAINED) {
            abstained(c, lt, g, j);
            abstain = 1;
        } else if (out[j].state != ASKED_DEAD) {
            leader = j;
        }
    }
    if (leader < 0) {
        /* every replica is gone, or holds not the object: the call fails
         * as for any lost FMP, or with ESTALE */
        for (int j = 0; j < g->n; j++)
            free(out[j].bytes);
        meta_end(rm, -1, c->fn);
        fr__pin_clear(g, set);
        lt->place_at = was_at;
        lt->place_kept = was_kept;
        c->peer = g->member[0];
        return c->err = abstain ? -ESTALE : rc;
    }
    if (!pre.ptr)
        pre.ptr = "";         /* the leader answered with an error: nothing recorded */
    /* 2. the followers, fed the leader's record */
    for (int j = leader + 1; j < g->n; j++) {
        if (!serves(g->member[j]))
            continue;
        meta_ask(rm);
        rc = fr__member_call(c, lt, g->member[j], FR_REQ_FOLLOW, &pre);
        meta_took(rm, j);
        take(&out[j], c, rc);
    }
    lt->place_at = was_at;
    lt->place_kept = was_kept;
    /* 3. the verdict */
    int chosen = judge(c, lt, g, out, leader);
    FR_ASSERTF(chosen >= 0 && chosen < g->n && out[chosen].state != ASKED_NOT,
               "the vote chose replica %d of %d", chosen, g->n);
    rc = deliver(c, lt, &out[chosen]);
    meta_end(rm, chosen, c->fn);
    c->peer = g->member[leader];
    for (int j = 0; j < g->n; j++)
        free(out[j].bytes);
    free(rec);
    fr__pin_clear(g, set);
    return rc;
}

/* A replica that dies is restarted under a restart: policy, and rejoins
 * the group at the first call after it is back, from its FR_INIT state
 * (the others' later state is not copied into it); without one it is lost
 * and the others carry on. */
static void replicate_died(int k, int status)
{
    if (fr__rt.groups[fr__rt.group_of[k]].restarts)
        fr__restart_or_lose(k, status);
    else
        fr__lose(k, "a replica is never restarted without a restart: policy (it could not "
                    "catch up with the others' state); the other replicas carry on");
}

const struct fr_policy fr__replicate_policy = { "replicate", replicate_call, replicate_died,
                                                  NULL };
