/*
 * child.c - the life of a child FMP.  The root exec'd this same binary
 * with FRACTURE_PLAN; fr_main lands here instead of running main().  The
 * child maps only the regions it is a party to, starts its acceptor, says
 * READY, and then its main thread waits on the control socket: when the
 * root closes it (exit) or dies, the child exits.  PR_SET_PDEATHSIG,
 * inherited across exec, covers a root killed outright.
 *
 * Before it serves anything, a child makes itself non-dumpable (a sibling
 * may open neither its /proc/PID/mem nor its /proc/PID/fd; exec made it
 * dumpable again) unless `limits: {core: true}` asks for a core file,
 * which needs it, and installs its sandbox, if it has one (sandbox.c).
 * A traced or profiled deployment hands it its trace area and span buffer,
 * mapped before the sandbox (trace.h, profile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <talloc.h>
#include <unistd.h>

#include "child.h"
#include "channel.h"

#include "ctl.h"
#include "deathwatch.h"
#include "fault.h"
#include "group.h"
#include "handle.h"
#include "hook.h"
#include "plan.h"
#include "initlog.h"
#include "lthread.h"
#include "metaload.h"
#include "policy.h"
#include "program.h"
#include "state.h"
#include "sandbox.h"
#include "profile.h"
#include "trace.h"

static FR_NORETURN void die(const char *what)
{
    fprintf(stderr, "fracture: child FMP: %s\n", what);
    _exit(127);
}

void fr__child_main(const char *plan_text)
{
    void *ctx = talloc_new(NULL);
    struct fr_plan p;
    struct fr_plan_region *regions;
    int self, nregions, ctl;
    pid_t root;
    char *copy = talloc_strdup(ctx, plan_text);
    struct fr_ctl_msg ready = { FR_CTL_READY, 0, 0 };

    unsetenv("FRACTURE_PLAN");
    fr__fault_init(1);
    if (!copy || fr__plan_decode(ctx, copy, fr__rt.app, &p, &self, &root, &regions,
                                 &nregions, &ctl) < 0)
        die("FRACTURE_PLAN is malformed (it is set by the root FMP, not by hand)");
    if (getppid() != root)
        _exit(0);             /* the root is gone already */

    if (!getenv("FRACTURE_CORE"))
        prctl(PR_SET_DUMPABLE, 0);
    unsetenv("FRACTURE_CORE");

    fr__rt.self = self;
    fr__rt.nfmps = p.nfmps;
    fr__rt.root_pid = root;
    fr__rt.ctl = ctl;
    fcntl(ctl, F_SETFD, FD_CLOEXEC);
    fr__chan_pace(p.spin_us);
    fr__rt.max_threads = p.max_threads;
    fr__rt.max_payload = p.max_payload;
    fr__rt.call_timeout_ns = (int64_t)p.call_timeout_ms * 1000000;
    fr__region_geom(&fr__rt.geom, (uint32_t)p.nfmps * p.max_threads, p.channel_bytes);
    fr__rt.window = fr__rt.geom.slot_size - FR_SLOT_WINDOW;
    /* The runtime's own state lives as long as the process: calloc, so that
     * Valgrind reports on the app's modules stay free of it. */
    fr__rt.fmps = calloc((size_t)p.nfmps, sizeof *fr__rt.fmps);
    fr__rt.fmp_of_module = calloc(fr__rt.app->nmodules, sizeof *fr__rt.fmp_of_module);
    fr__rt.region_of_fmp = calloc((size_t)p.nfmps, sizeof *fr__rt.region_of_fmp);
    fr__rt.regions = calloc(nregions ? (size_t)nregions : 1, sizeof *fr__rt.regions);
    fr__rt.lts = calloc(fr__rt.geom.nslots, sizeof *fr__rt.lts);
    fr__rt.ids_used = calloc((p.max_threads + 63) / 64, sizeof *fr__rt.ids_used);
    fr__rt.retries = calloc((size_t)p.nfmps, sizeof *fr__rt.retries);
    fr__rt.abort_exhausted = calloc((size_t)p.nfmps, sizeof *fr__rt.abort_exhausted);
    if (!fr__rt.fmps || !fr__rt.region_of_fmp || !fr__rt.regions || !fr__rt.lts ||
        !fr__rt.ids_used || !fr__rt.retries || !fr__rt.abort_exhausted)
        die("out of memory");
    memcpy(fr__rt.retries, p.retries, (size_t)p.nfmps * sizeof(int));
    memcpy(fr__rt.abort_exhausted, p.abort_exhausted, (size_t)p.nfmps * sizeof(int));
    memcpy(fr__rt.fmp_of_module, p.fmp_of_module, fr__rt.app->nmodules * sizeof(int));
    if (fr__groups_adopt(&p, self) < 0 || fr__policy_adopt() < 0)
        die("out of memory");
    pthread_mutex_init(&fr__rt.lock, NULL);
    for (int k = 0; k < p.nfmps; k++) {
        snprintf(fr__rt.fmps[k].name, sizeof fr__rt.fmps[k].name, "%s", p.names[k]);
        fr__rt.region_of_fmp[k] = -1;
    }
    for (int i = 0; i < nregions; i++) {
        struct fr_region *rg = &fr__rt.regions[i];
        rg->peer = regions[i].peer;
        rg->side = self < rg->peer ? 0 : 1;
        rg->memfd = regions[i].memfd;
        rg->sock = regions[i].sock;
        pthread_mutex_init(&rg->sock_lock, NULL);
        pthread_mutex_init(&rg->gen_lock, NULL);
        if (rg->peer == self || fr__region_map(rg->memfd, &fr__rt.geom, 0, &rg->base) < 0)
            die("cannot map a shared-memory region");
        close(rg->memfd);     /* the mapping keeps it */
        rg->memfd = -1;
        fcntl(rg->sock, F_SETFD, FD_CLOEXEC);   /* not for programs a module runs */
        fr__rt.region_of_fmp[rg->peer] = i;
        fr__region_cache(i);
    }
    fr__rt.nregions = nregions;
    /* This thread first, then every thread the runtime makes (lthread.c). */
    fr__deathwatch_child_init(p.watch_fd);
    for (unsigned m = 0; m < fr__rt.app->nmodules; m++)
        fr__remote[m] = fr__remote_placed(m);
    /* The meta-applications of this FMP (metaload.h), before any call can
     * come in and before the sandbox: their hooks see every call.  A
     * shared object that fails here said why; the root sees this FMP
     * fail to start. */
    {
        char *meta = getenv("FRACTURE_META") ? talloc_strdup(ctx, getenv("FRACTURE_META"))
                                             : NULL;
        unsetenv("FRACTURE_META");
        if (meta && fr__meta_load(meta, fr__rt.fmps[self].name) < 0)
            _exit(1);
    }
    if (fr__hooks_start() < 0)
        die("out of memory for its hooks");
    if (p.trace_fd >= 0) {
        if (fr__trace_attach(p.trace_fd) < 0)
            die("cannot map its trace area");
        if (p.prof_fd >= 0 && fr__prof_attach(p.prof_fd) < 0)
            die("cannot map its profile's span buffer");
        fr__trace_enable(1);
    }
    fr__rt.active = 1;
    talloc_free(ctx);
    /* Before the acceptor: every thread it makes is under the filter. */
    if (fr__sandbox_enter(fr__rt.fmps[self].name) < 0)
        die("cannot install its sandbox (seccomp)");

    /* A warm spare waits here, its regions mapped and its threads made,
     * until it replaces a crashed incarnation; any other child finds GO
     * waiting already. */
    prctl(PR_SET_NAME, "fr-standby");
    if (fr__acceptor_start() < 0)
        die("cannot start the acceptor thread");
    struct fr_ctl_msg go;
    for (;;) {
        ssize_t got = recv(ctl, &go, sizeof go, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got != (ssize_t)sizeof go || go.type != FR_CTL_GO)
            fr__program_runtime_exit(0);   /* the root closed it: not needed */
        break;
    }
    /* Its incarnation is the one GO names (a warm spare's predecessor has
     * died since it was made): its handles are tagged with it. */
    fr__handle_adopt(go.gen);
    /* Before any call can come in: from here on, exit(n) is the program's. */
    fr__program_watch_exit();
    fr__program_signals_child();
    fr__acceptor_open();
    fr__sandbox_announce();
    fr__thread_name();        /* the threads made from here on inherit it */
    FR_FAULT_POINT(CHILD_START);
    if (send(ctl, &ready, sizeof ready, MSG_NOSIGNAL) != (ssize_t)sizeof ready)
        _exit(0);             /* the root is gone */

    for (;;) {
        struct fr_ctl_in in;
        ssize_t n = fr__ctl_recv(ctl, 0, &in);
        if (n == 0 || (n < 0 && n != -EAGAIN))
            fr__program_runtime_exit(0);   /* the root closed it: the app is ending */
        /* A restarted incarnation gets the records of the FR_INIT calls
         * its predecessors made before anything reaches it (initlog.c). */
        if (n > 0 && in.m.type == FR_CTL_INIT_RECORD)
            fr__init_record_in(&in);
        /* Before the root replays an FR_INIT call into it: the lasting
         * handles its reply gave the program (handle.h).  One datagram
         * (the root sends no more); kept, or said, then answered. */
        if (n > 0 && in.m.type == FR_CTL_INIT_HANDLES) {
            struct fr_ctl_msg kept = { FR_CTL_HANDLES_KEPT, (uint32_t)self, 0 };
            uint64_t v[FR_CTL_CHUNK / sizeof(uint64_t)];
            unsigned nv = (unsigned)(in.len / sizeof *v);
            memcpy(v, in.data, nv * sizeof *v);
            if (in.m.gen || fr__handle_expect(v, nv) < 0)
                fr__log("cannot keep the handles of an FR_INIT call replayed into it: they "
                        "fail with ESTALE");
            if (send(ctl, &kept, sizeof kept, MSG_NOSIGNAL) != (ssize_t)sizeof kept)
                fr__program_runtime_exit(0);
        }
        if (n > 0 && in.m.type == FR_CTL_RECORDS_END) {
            struct fr_ctl_msg kept = { FR_CTL_RECORDS_KEPT, (uint32_t)self, 0 };
            if (send(ctl, &kept, sizeof kept, MSG_NOSIGNAL) != (ssize_t)sizeof kept)
                fr__program_runtime_exit(0);
        }
        fr__ctl_drop_fds(&in);
    }
}
