/*
 * start.c - fr_main: what a fractured program does before its own main().
 *
 * No FRACTURE_CONFIG: call main() at once; one process, no shared memory,
 * no thread, every stub a direct call.  With a config, the root reads and
 * checks it against the module table before anything starts, creates one
 * memfd region (and one descriptor socket) per pair of FMPs that may call
 * each other, starts each child FMP, waits until every one is READY, and
 * only then runs main().  FRACTURE_PLAN marks a child (child.c).
 * With `trace:` the root makes every FMP's trace area before the first
 * child starts and writes the trace at exit (trace.h, tracefile.h).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <talloc.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "child.h"
#include "config.h"
#include "crowd.h"
#include "control.h"
#include "diag.h"
#include "group.h"
#include "handle.h"
#include "hook.h"
#include "launch.h"
#include "lthread.h"
#include "metaexec.h"
#include "metaload.h"
#include "plan.h"
#include "policy.h"
#include "restart.h"
#include "fault.h"
#include "overlay.h"
#include "state.h"
#include "sandbox.h"
#include "spawn.h"
#include "standby.h"
#include "supervise.h"
#include "trace.h"
#include "profile.h"
#include "profilefile.h"
#include "tracefile.h"



/* When fr_main began (CLOCK_MONOTONIC ns): a trace's wall_ns counts from it. */
static int64_t main_start_ns;

static int print_modules(const struct fr_app *app)
{
    /* the id a trace of this build names (tracefile.h) */
    printf("{\"app\": \"%s\", \"id\": \"%016llx\", \"modules\": [", app->name ? app->name : "",
           (unsigned long long)fr__trace_app_id(app));
    for (unsigned m = 0; m < app->nmodules; m++) {
        unsigned caps = app->modules[m].caps;
        printf("%s{\"name\": \"%s\", \"caps\": [", m ? ", " : "", app->modules[m].name);
        printf("%s%s%s%s%s", caps & FR_RESTARTABLE ? "\"restartable\"" : "",
               (caps & FR_RESTARTABLE) && (caps & (FR_REPLICABLE | FR_SAMPLABLE)) ? ", " : "",
               caps & FR_REPLICABLE ? "\"replicable\"" : "",
               (caps & FR_REPLICABLE) && (caps & FR_SAMPLABLE) ? ", " : "",
               caps & FR_SAMPLABLE ? "\"samplable\"" : "");
        printf("], \"functions\": [");
        for (unsigned f = 0, first = 1; f < app->nfunctions; f++) {
            if (app->functions[f].module != m)
                continue;
            printf("%s\"%s\"", first ? "" : ", ", app->functions[f].name);
            first = 0;
        }
        printf("]}");
    }
    printf("]}\n");
    return 0;
}

/* `fracture check`: which namespaces each sandboxed FMP would get here,
 * as lines (@json 0) or as the JSON array of "sandboxes". */
static void print_sandboxes(FILE *f, const struct fr_config *cfg, int json)
{
    int ns = -1, n = 0;
    char names[32];

    for (size_t i = 0; i < cfg->nfmps; i++) {
        const struct fr_env *env = &cfg->fmps[i].env;
        if (!fr__sandbox_wanted(env))
            continue;
        if (ns < 0)
            ns = fr__sandbox_probe();
        fr__sandbox_ns_names(ns, names, sizeof names);
        if (!json) {
            fprintf(f, "  FMP '%s': sandbox %s: seccomp filter with no_new_privs; namespaces: %s\n",
                    cfg->fmps[i].name, env->sandbox, names);
            continue;
        }
        fprintf(f, "%s{\"fmp\": ", n++ ? ", " : "");
        fr__json_string(f, cfg->fmps[i].name);
        fputs(", \"sandbox\": ", f);
        fr__json_string(f, env->sandbox);
        fputs(", \"namespaces\": ", f);
        fr__json_string(f, names);
        fputs("}", f);
    }
}

/* The verdict on config @file as one JSON object: ok with its FMPs,
 * modules and sandboxes (@cfg given), or every error of @d. */
static void print_check_json(FILE *f, const char *file, const struct fr_diag *d,
                             const struct fr_config *cfg, unsigned nmodules)
{
    fputs("{\"config\": ", f);
    fr__json_string(f, file);
    if (cfg) {
        fprintf(f, ", \"ok\": true, \"fmps\": %zu, \"modules\": %u, \"sandboxes\": [",
                cfg->nfmps, nmodules);
        print_sandboxes(f, cfg, 1);
        fputs("], \"trace\": ", f);
        fr__json_string(f, cfg->has_trace ? cfg->trace_file : NULL);
        fputs(", \"profile\": ", f);
        fr__json_string(f, cfg->has_profile ? cfg->profile_file : NULL);
        fputs(", \"crowd\": ", f);
        fr__crowd_print(f, cfg, true);
    } else {
        fputs(", \"ok\": false", f);
    }
    fputs(", \"errors\": ", f);
    fr__diag_print_json(d, f);
    fputs("}\n", f);
}

/* Whether member k of a group may be lost at start: another member is
 * up or still to come. */
static int group_member_can_go(int k)
{
    int gi = fr__rt.group_of ? fr__rt.group_of[k] : -1;

    if (gi < 0)
        return 0;
    for (int j = 0; j < fr__rt.groups[gi].n; j++) {
        int m = fr__rt.groups[gi].member[j];
        if (m != k && !atomic_load(&fr__rt.fmps[m].gone))
            return 1;
    }
    return 0;
}

/* Kill and reap every child started so far (start-up failed). */
static void abandon(int upto)
{
    fr__standby_stop_all();
    for (int k = 1; k < upto; k++) {
        if (atomic_load(&fr__rt.fmps[k].gone))
            continue;
        kill(fr__rt.fmps[k].pid, SIGKILL);
        while (waitpid(fr__rt.fmps[k].pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
}

static int root_start(void *ctx, const struct fr_config *cfg, char **argv)
{
    struct fr_plan p;
    int n, rc, crc;
    int *memfd, *sock0, *sock1;   /* per pair index i*n+j (i<j) */
    char err[512];

    rc = fr__plan_build(ctx, cfg, fr__rt.app, &p);
    if (rc < 0)
        return rc;
    /* Non-dumpable: no other process of this user may open /proc/ROOT/mem
     * or /proc/ROOT/fd/N (where every region's memfd is), nor ptrace it;
     * only a process with CAP_SYS_PTRACE could, and children have none. */
    prctl(PR_SET_DUMPABLE, 0);
    n = p.nfmps;
    fr__rt.self = 0;
    fr__rt.nfmps = n;
    fr__rt.root_pid = getpid();
    fr__chan_pace(p.spin_us);
    fr__rt.max_threads = p.max_threads;
    fr__rt.max_payload = p.max_payload;
    fr__rt.call_timeout_ns = (int64_t)p.call_timeout_ms * 1000000;
    fr__region_geom(&fr__rt.geom, (uint32_t)n * p.max_threads, p.channel_bytes);
    fr__rt.window = fr__rt.geom.slot_size - FR_SLOT_WINDOW;
    /* Regions are sparse, but their address space is not free. */
    if (fr__rt.geom.size > ((uint64_t)64 << 30)) {
        fprintf(stderr, "fracture: error: %s: %d FMPs x max_threads %u x channel_kb %llu "
                        "needs %llu GiB of address space per region (at most 64)\n"
                        "  hint: lower defaults.max_threads or defaults.channel_kb\n",
                cfg->file, n, p.max_threads, (unsigned long long)(p.channel_bytes >> 10),
                (unsigned long long)(fr__rt.geom.size >> 30));
        return -E2BIG;
    }
    /* Process-lifetime state: calloc, not talloc, so that it never shows as
     * "possibly lost" in a Valgrind report of the app. */
    fr__rt.fmps = calloc((size_t)n, sizeof *fr__rt.fmps);
    fr__rt.fmp_of_module = calloc(fr__rt.app->nmodules, sizeof *fr__rt.fmp_of_module);
    fr__rt.region_of_fmp = calloc((size_t)n, sizeof *fr__rt.region_of_fmp);
    fr__rt.regions = calloc((size_t)n, sizeof *fr__rt.regions);
    fr__rt.pairs = calloc((size_t)(n * n / 2 + 1), sizeof *fr__rt.pairs);
    fr__rt.lts = calloc(fr__rt.geom.nslots, sizeof *fr__rt.lts);
    fr__rt.ids_used = calloc((p.max_threads + 63) / 64, sizeof *fr__rt.ids_used);
    memfd = talloc_array(ctx, int, n * n);
    sock0 = talloc_array(ctx, int, n * n);
    sock1 = talloc_array(ctx, int, n * n);
    if (!fr__rt.fmps || !fr__rt.region_of_fmp || !fr__rt.regions || !fr__rt.pairs ||
        !fr__rt.lts || !fr__rt.ids_used || !memfd || !sock0 || !sock1)
        return -ENOMEM;
    memcpy(fr__rt.fmp_of_module, p.fmp_of_module, fr__rt.app->nmodules * sizeof(int));
    fr__rt.retries = calloc((size_t)n, sizeof *fr__rt.retries);
    fr__rt.abort_exhausted = calloc((size_t)n, sizeof *fr__rt.abort_exhausted);
    if (!fr__rt.retries || !fr__rt.abort_exhausted)
        return -ENOMEM;
    memcpy(fr__rt.retries, p.retries, (size_t)n * sizeof(int));
    memcpy(fr__rt.abort_exhausted, p.abort_exhausted, (size_t)n * sizeof(int));
    rc = fr__groups_adopt(&p, 0);
    if (rc == 0)
        rc = fr__policy_adopt();
    if (rc < 0)
        return rc;
    fr__handle_adopt(0);      /* the root is never reborn */
    /* Before any child: each is handed its own area (spawn.c). */
    /* A profiled deployment runs the traced call path (profile.h). */
    if ((cfg->has_trace || cfg->has_profile) && (rc = fr__trace_setup(n)) < 0) {
        if (rc == -E2BIG)
            fprintf(stderr, "fracture: error: %s: cannot trace a module table of %u modules "
                    "and %u functions (its counters would take more than 1 GiB per FMP)\n",
                    cfg->file, fr__rt.app->nmodules, fr__rt.app->nfunctions);
        return rc;
    }
    if (cfg->has_profile && (rc = fr__prof_setup(n, cfg->profile_events)) < 0)
        return rc;
    pthread_mutex_init(&fr__rt.lock, NULL);
    for (int k = 0; k < n; k++) {
        snprintf(fr__rt.fmps[k].name, FR_FMP_NAME_MAX, "%s", p.names[k]);
        fr__rt.fmps[k].ctl = fr__rt.fmps[k].pidfd = -1;
        fr__rt.region_of_fmp[k] = -1;
    }
    /* Its meta-applications (metaload.h) before any child starts: one that
     * fails stops the program here, with nothing to undo. */
    {
        int oom = 0;
        char *meta = fr__meta_env(ctx, cfg, p.conf[0] ? p.conf[0]->name : "root", 1, &oom);
        if (oom)
            return -ENOMEM;
        if (meta && fr__meta_load(meta, p.names[0]) < 0)
            exit(1);
    }

    /* Regions: the root maps every one (to mark a dead side), and keeps a
     * channel view of those it is a party to. */
    for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
            int sv[2];
            void *base;
            memfd[i * n + j] = -1;
            if (!p.pair[i * n + j])
                continue;
            rc = fr__region_create(&fr__rt.geom, p.names[i], p.names[j]);
            if (rc < 0)
                return rc;
            memfd[i * n + j] = rc;
            rc = fr__region_map(memfd[i * n + j], &fr__rt.geom, 1, &base);
            if (rc < 0)
                return rc;
            if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;
            sock0[i * n + j] = sv[0];
            sock1[i * n + j] = sv[1];
            fr__rt.pairs[fr__rt.npairs++] = (struct fr_pairmap){ i, j, base };
            if (i == 0) {
                struct fr_region *rg = &fr__rt.regions[fr__rt.nregions];
                rg->peer = j;
                rg->side = 0;
                rg->base = base;
                rg->memfd = -1;
                rg->sock = sv[0];
                pthread_mutex_init(&rg->sock_lock, NULL);
                pthread_mutex_init(&rg->gen_lock, NULL);
                fr__region_cache(fr__rt.nregions);
                fr__rt.region_of_fmp[j] = fr__rt.nregions++;
            }
        }
    }

    fr__boot_keep(&p, cfg, argv, memfd, sock0, sock1);
    /* Children, in config order.  The root keeps every region's memfd and
     * the children's socket ends: a restarted FMP gets them again. */
    for (int k = 1; k < n; k++) {
        /* a replica or an instance: the FMP's env with its own overlay */
        rc = fr__spawn(k, fr__member_env(ctx, p.conf[k], k), err, sizeof err);
        if (rc < 0) {
            fprintf(stderr, "fracture: error: cannot start FMP '%s': %s\n", p.names[k], err);
            abandon(k);
            return rc;
        }
    }
    for (int k = 1; k < n; k++) {
        rc = fr__await_ready(k, err, sizeof err);
        /* A restartable FMP may die anywhere, starting up too: before it
         * was ready it served nothing and holds nothing, so it is simply
         * started again (a few times: a child that cannot start at all is
         * an error of the deployment). */
        for (int again = 0; rc == -ECHILD && again < 3 && p.conf[k] && p.conf[k]->restart.present;
             again++) {
            fr__log("FMP '%s' %s; starting it again", p.names[k], err);
            close(fr__rt.fmps[k].pidfd);
            close(fr__rt.fmps[k].ctl);
            fr__rt.fmps[k].pidfd = fr__rt.fmps[k].ctl = -1;
            atomic_store(&fr__rt.fmps[k].gone, 0);
            /* in the environment of its first restart, as a restart would */
            rc = fr__spawn(k, fr__restart_env(ctx, fr__member_env(ctx, p.conf[k], k), p.conf[k],
                                              (unsigned)again), err, sizeof err);
            if (rc == 0)
                rc = fr__await_ready(k, err, sizeof err);
        }
        /* A replica or a sampled instance is never restarted: the group
         * goes on without it, as it would after a later death. */
        if (rc == -ECHILD && group_member_can_go(k)) {
            char why[600];
            snprintf(why, sizeof why, "%s; its group goes on without it", err);
            close(fr__rt.fmps[k].pidfd);
            close(fr__rt.fmps[k].ctl);
            fr__rt.fmps[k].pidfd = fr__rt.fmps[k].ctl = -1;
            fr__lose(k, why);
            rc = 0;
        }
        if (rc < 0) {
            fprintf(stderr, "fracture: error: FMP '%s' (pid %d) did not start: %s\n",
                    p.names[k], (int)fr__rt.fmps[k].pid, err);
            abandon(n);
            return rc;
        }
    }
    for (unsigned m = 0; m < fr__rt.app->nmodules; m++)
        fr__remote[m] = fr__remote_placed(m);
    if ((rc = fr__hooks_start()) < 0) {
        abandon(n);
        return rc;
    }
    if (cfg->has_trace || cfg->has_profile)
        fr__trace_enable(1);
    if (cfg->has_profile)
        fr__prof_enable();
    fr__rt.active = 1;
    fr__fault_init(0);
    for (int k = 1; k < n; k++)
        if (p.conf[k] && p.conf[k]->restart.present)
            fr__standby_start(k, 0);   /* for its first restart */
    rc = fr__supervisor_start();
    if (rc == 0 && (crc = fr__control_start(cfg->file)) < 0)
        fr__log("no control socket (%s): `fracture ps` and `fracture ctl` will not see this "
                "program", strerror(-crc));
    if (rc == 0)
        rc = fr__acceptor_start();
    fr__acceptor_open();
    /* Registered first, so run last: after fr__shutdown stopped the
     * children, every count is in. */
    if (rc == 0 && cfg->has_trace)
        rc = fr__trace_file_start(cfg->trace_file, main_start_ns);
    if (rc == 0 && cfg->has_profile)
        rc = fr__prof_file_start(cfg->profile_file);
    if (rc < 0) {
        abandon(n);
        return rc;
    }
    atexit(fr__shutdown);
    return 0;
}

/*
 * A sandbox profile is read now, so that its errors come with the
 * config's; Valgrind under a seccomp filter is refused: the filter would
 * apply to Valgrind's own syscalls (it runs the program on its own
 * threads, and reads its own files), and it cannot run the guest's filter
 * for the guest alone.
 */
static int check_sandbox(const struct fr_config *cfg, const struct fr_fmp_conf *f,
                         struct fr_env *env, struct fr_diag *d)
{
    const struct fr_env *base = &f->env;
    int vg = env->has_valgrind || (env != base && base->has_valgrind);
    int sb = env->sandbox ? fr__sandbox_wanted(env)
                          : env != base && fr__sandbox_wanted(base);

    if (env->sandbox && fr__sandbox_wanted(env) && strcmp(env->sandbox, "strict") != 0 &&
        !env->sandbox_prof) {
        /* A relative profile is found beside the config. */
        const char *slash = strrchr(cfg->file, '/');
        char *path = env->sandbox[0] == '/' || !slash
                         ? env->sandbox
                         : talloc_asprintf((void *)cfg, "%.*s/%s", (int)(slash - cfg->file),
                                           cfg->file, env->sandbox);
        if (!path || fr__sandbox_profile_load((void *)cfg, path, &env->sandbox_prof, d) < 0)
            return -EINVAL;
    }
    if (vg && sb && (env->has_valgrind || env->sandbox))
        return fr__diag_add(d, cfg->file, env->sandbox ? env->sandbox_pos.line : env->valgrind_pos.line,
                            env->sandbox ? env->sandbox_pos.col : env->valgrind_pos.col,
                            "run the module under Valgrind without a sandbox, or sandboxed "
                            "without Valgrind",
                            "FMP '%s': valgrind together with sandbox is not supported: the "
                            "filter would apply to Valgrind itself", f->name);
    return 0;
}

/* Every environment of every FMP: its sandbox profile read, and the
 * combinations a sandbox cannot serve refused. */
static int check_sandboxes(struct fr_config *cfg, struct fr_diag *d)
{
    int rc = 0;

    for (size_t i = 0; i < cfg->nfmps; i++) {
        struct fr_fmp_conf *f = &cfg->fmps[i];
        if (check_sandbox(cfg, f, &f->env, d) < 0)
            rc = -EINVAL;
        for (size_t j = 0; j < f->restart.nenvironments; j++)
            if (check_sandbox(cfg, f, &f->restart.environments[j], d) < 0)
                rc = -EINVAL;
        for (size_t j = 0; j < f->replicate.nenvironments; j++)
            if (check_sandbox(cfg, f, &f->replicate.environments[j], d) < 0)
                rc = -EINVAL;
        for (size_t j = 0; j < f->sample.ninstances; j++)
            if (check_sandbox(cfg, f, &f->sample.instances[j].env, d) < 0)
                rc = -EINVAL;
    }
    return rc;
}

int fr_main(const struct fr_app *app, int argc, char **argv, int (*real_main)(int, char **))
{
    const char *file, *plan;
    struct fr_config *cfg;
    struct fr_diag d;
    void *ctx;
    int rc, json;

    /* the items a parent process passed down are on this thread already */
    (void)fr__meta_exec_inherited();
    if (app->abi_version != FR_ABI_VERSION || app->nmodules == 0 ||
        app->nmodules > FR_MAX_MODULES || strcmp(app->modules[0].name, "main") != 0 ||
        (app->functions && app->function_list) ||
        (app->nfunctions && !app->functions && !app->function_list)) {
        fprintf(stderr, "fracture: error: this program's module table does not match "
                        "libfracture (ABI %u, expected %u); rebuild it with this Fracture\n",
                app->abi_version, FR_ABI_VERSION);
        return 70;
    }
    plan = getenv("FRACTURE_PLAN");
    file = getenv("FRACTURE_CONFIG");
    /* Without a config nothing reads the table: no allocation at all. */
    if ((plan && *plan) || (file && *file) || getenv("FRACTURE_MODULES")) {
        app = fr__app_flatten(app);
        if (!app) {
            fprintf(stderr, "fracture: error: out of memory for the module table\n");
            return 70;
        }
    }
    fr__rt.app = app;
    if (plan && *plan)
        fr__child_main(plan);
    if (getenv("FRACTURE_MODULES")) {
        print_modules(app);
        exit(0);
    }
    if (!file || !*file) {
        /* hooks registered before main() (a constructor): one process */
        if ((fr__hooks_pending() || atomic_load(&fr__meta_local)) && fr__hooks_start() < 0) {
            fprintf(stderr, "fracture: error: out of memory for the hooks\n");
            return 70;
        }
        return real_main(argc, argv);
    }
    main_start_ns = fr__now_ns();
    /* `fracture check --json` / `run --json`: the config's verdict as JSON
     * (on stdout for check; run leaves stdout to the app). */
    json = getenv("FRACTURE_JSON") != NULL;
    unsetenv("FRACTURE_JSON");

    ctx = talloc_new(NULL);
    fr__diag_init(&d, ctx);
    /* The same read as `fracture check`: every error of the file at once,
     * the same verdict and the same first message. */
    rc = fr__config_read(ctx, file, app, &cfg, &d);
    if (rc == 0)
        rc = check_sandboxes(cfg, &d);
    if (rc < 0) {
        if (json)
            print_check_json(getenv("FRACTURE_CHECK") ? stdout : stderr, file, &d, NULL, 0);
        else
            fr__diag_print(&d, stderr);
        exit(1);
    }
    if (getenv("FRACTURE_CHECK")) {
        if (json) {
            print_check_json(stdout, file, &d, cfg, app->nmodules);
        } else {
            printf("%s: OK: %zu FMPs configured for %u modules\n", file, cfg->nfmps,
                   app->nmodules);
            print_sandboxes(stdout, cfg, 0);
            if (cfg->has_trace)
                printf("  the deployment traces to %s (written at exit; a file there is "
                       "replaced)\n", cfg->trace_file);
            if (cfg->has_profile)
                printf("  the deployment profiles to %s (written at exit; a file there is "
                       "replaced)\n", cfg->profile_file);
            fr__crowd_print(stdout, cfg, false);
            for (size_t i = 0; i < cfg->nmetas; i++) {
                printf("  meta-application %s loads into", cfg->metas[i].path);
                for (size_t j = 0; j < cfg->metas[i].nfmps; j++)
                    printf("%s %s", j ? "," : "", cfg->metas[i].fmps[j]);
                printf(" (fr_meta_init runs there at start)\n");
            }
        }
        exit(0);
    }
    rc = root_start(ctx, cfg, argv);
    if (rc < 0) {
        if (rc != -ECHILD && rc != -ETIMEDOUT && rc != -E2BIG)
            fprintf(stderr, "fracture: error: cannot start the FMPs of %s: %s\n", file,
                    strerror(-rc));
        exit(1);
    }
    /* A program this one runs is not fractured by our config.  (The config
     * itself stays in memory: a restart needs its environments.) */
    unsetenv("FRACTURE_CONFIG");
    if (cfg->has_trace || cfg->has_profile)
        fr__trace_thread_begin(0);   /* main() from here; the start-up was the runtime's */
    return real_main(argc, argv);
}
