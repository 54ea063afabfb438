/*
 * env.c - the `env:` block of the deployment file (env.h): its keys and
 * their callbacks for the walk (yaml_walk.h), then the check of one
 * environment against what this machine can give.  config.c walks an env
 * wherever the file may hold one (an FMP, restart and replicate
 * environments, a sample instance); config_check.c checks each of them.
 *
 * Every value here is checked so that a config the check passes starts: a
 * child that cannot be pinned, preloaded or limited as written would fail
 * in launch.c, after the other FMPs started, or (an agent the dynamic
 * loader skips) run silently without it.
 */
#include "env.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <talloc.h>

/* LD_PRELOAD agents shipped in rt/preload, named in `preload:` without a
 * '/'.  Anything else must be a path. */
static const char *const shipped_agents[] = {
    "rx-alloc",
};

#define MAX_CPUS 1024

/* ---- environments ------------------------------------------------------ */

void fr__env_init(struct fr_env *env)
{
    memset(env, 0, sizeof(*env));
    env->limits.memory_mb = -1;
    env->limits.cpu_s = -1;
    env->limits.open_files = -1;
    env->limits.core = -1;
}

static void fn_valgrind_args(struct fr_walk *st, const yaml_node_t *k,
                             yaml_node_t *v, void *obj)
{
    struct fr_env *env = obj;

    (void)k;
    fr__walk_str_list(st, v, "a list of Valgrind arguments",
                      "a Valgrind argument", "write `args: []` for none", NULL,
                      &env->valgrind_args, NULL, &env->nvalgrind_args);
}

static const struct fr_field valgrind_fields[] = {
    { STR("tool", struct fr_env, valgrind_tool, "a Valgrind tool name"),
      AT(struct fr_env, tool_pos) },
    { FN("args", fn_valgrind_args, 0) },
};
static const struct fr_schema valgrind_schema = {
    "in valgrind", valgrind_fields, ARRAY_SIZE(valgrind_fields)
};

static void fn_valgrind(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                        void *obj)
{
    struct fr_env *env = obj;

    env->has_valgrind = true;
    env->valgrind_pos = pos_of(k);
    env->valgrind_tool = talloc_strdup(st->tree, "memcheck");
    if (!env->valgrind_tool) {
        fr__walk_oom(st);
        return;
    }
    fr__walk_map(st, v, &valgrind_schema, env, "a mapping for 'valgrind'",
                 "write `valgrind: {}` for the default tool (memcheck)");
}

static void fn_preload(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                       void *obj)
{
    struct fr_env *env = obj;

    (void)k;
    fr__walk_str_list(st, v, "a list of preload agents or paths",
                      "an agent name or a library path",
                      "write `preload: []` for none", NULL, &env->preload,
                      &env->preload_pos, &env->npreload);
}

static void fn_vars(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                    void *obj)
{
    struct fr_env *env = obj;
    struct fr_pos *kpos;
    size_t n, *first;

    (void)k;
    if (!fr__walk_expect(st, v, YAML_MAPPING_NODE, "a mapping of variable names to "
                         "values", "write `vars: {}` for none"))
        return;
    n = map_len(v);
    if (!n)
        return;
    env->var_names = talloc_zero_array(st->tree, char *, n);
    env->var_values = talloc_zero_array(st->tree, char *, n);
    kpos = talloc_array(st->e.ctx, struct fr_pos, n);
    first = talloc_array(st->e.ctx, size_t, n);
    if (!env->var_names || !env->var_values || !kpos || !first) {
        fr__walk_oom(st);
        return;
    }
    for (yaml_node_pair_t *pr = v->data.mapping.pairs.start;
         pr < v->data.mapping.pairs.top && !fr__walk_stopped(st); pr++) {
        yaml_node_t *kn = fr__walk_node(st, pr->key);
        yaml_node_t *vn = fr__walk_node(st, pr->value);
        const char *name;
        size_t len;
        size_t i = env->nvars;

        if (!kn || !vn || !fr__walk_text(st, kn, "a variable name", &name, &len))
            continue;
        if (!fr__walk_ident(name, len, false)) {
            fr__err(&st->e, pos_of(kn), "a name holds letters, digits and "
                    "'_', and does not start with a digit", "'%s' is not a "
                    "valid environment variable name", fr__show(&st->e, name, len));
            continue;
        }
        /* FRACTURE_PLAN, _CONFIG, _CHECK, _MODULES, ... steer the runtime
         * of the child itself; one set by the config would be dropped or
         * would break the child, so none may be.  FRACTURE_FAULT is the
         * one meant for a child: the crash tests' injection points. */
        if (len >= 9 && !memcmp(name, "FRACTURE_", 9) &&
            !text_is(name, len, "FRACTURE_FAULT")) {
            fr__err(&st->e, pos_of(kn), "rename it: a module's own "
                    "variables may not start with FRACTURE_ (FRACTURE_FAULT, "
                    "for fault injection, is the one exception)", "variable '%s' "
                    "is reserved: FRACTURE_* variables are Fracture's own",
                    fr__show(&st->e, name, len));
            continue;
        }
        if (vn->type != YAML_SCALAR_NODE) {
            fr__err(&st->e, pos_of(vn), NULL, "expected a value for '%.*s' (a "
                    "string or a number), found %s", (int)len, name,
                    fr__walk_describe(st, vn));
            continue;
        }
        if (memchr(stext(vn), '\0', slen(vn))) {
            fr__err(&st->e, pos_of(vn), NULL, "the value of '%.*s' holds a "
                    "NUL byte", (int)len, name);
            continue;
        }
        env->var_names[i] = talloc_strndup(st->tree, name, len);
        env->var_values[i] = talloc_strndup(st->tree, stext(vn), slen(vn));
        if (!env->var_names[i] || !env->var_values[i]) {
            fr__walk_oom(st);
            return;
        }
        kpos[i] = pos_of(kn);
        env->nvars++;
    }
    if (fr__walk_stopped(st) ||
        fr__find_firsts(st->e.ctx, (const char *const *)env->var_names,
                        env->nvars, first)) {
        if (!fr__walk_stopped(st))
            fr__walk_oom(st);
        return;
    }
    for (size_t i = 0; i < env->nvars; i++)
        if (first[i] != i)
            fr__err(&st->e, kpos[i], NULL, "duplicate variable '%s' (first at "
                    "%s:%u:%u)", env->var_names[i], st->e.file,
                    kpos[first[i]].line, kpos[first[i]].col);
}

static const struct fr_field limits_fields[] = {
    { LONG("memory_mb", struct fr_limits, memory_mb, 1, 1048576),
      AT(struct fr_limits, memory_pos) },
    { LONG("cpu_s", struct fr_limits, cpu_s, 1, 31536000),
      AT(struct fr_limits, cpu_pos) },
    { LONG("open_files", struct fr_limits, open_files, 16, 1048576),
      AT(struct fr_limits, files_pos) },
    { BOOL("core", struct fr_limits, core), AT(struct fr_limits, core_pos) },
};
static const struct fr_schema limits_schema = {
    "in limits", limits_fields, ARRAY_SIZE(limits_fields)
};

static void fn_limits(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                      void *obj)
{
    (void)k;
    fr__walk_map(st, v, &limits_schema, obj, "a mapping for 'limits'",
                 "write `limits: {}` for none");
}

static void fn_nice(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                    void *obj)
{
    struct fr_env *env = obj;
    long long ll;

    (void)k;
    if (fr__walk_ll(st, "nice", v, -20, 19, &ll)) {
        env->has_nice = true;
        env->nice = (int)ll;
        env->nice_pos = pos_of(v);
    }
}

static void fn_cpus(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                    void *obj)
{
    struct fr_env *env = obj;
    struct fr_pos *seen;
    size_t n;

    (void)k;
    if (!fr__walk_expect(st, v, YAML_SEQUENCE_NODE, "a list of CPU numbers",
                         "write `cpus: []` for any CPU"))
        return;
    n = seq_len(v);
    if (!n)
        return;
    env->cpus = talloc_zero_array(st->tree, int, n < MAX_CPUS ? n : MAX_CPUS);
    env->cpu_pos = talloc_zero_array(st->tree, struct fr_pos,
                                     n < MAX_CPUS ? n : MAX_CPUS);
    seen = talloc_zero_array(st->e.ctx, struct fr_pos, MAX_CPUS);
    if (!env->cpus || !env->cpu_pos || !seen) {
        fr__walk_oom(st);
        return;
    }
    for (yaml_node_item_t *item = v->data.sequence.items.start;
         item < v->data.sequence.items.top && !fr__walk_stopped(st); item++) {
        yaml_node_t *it = fr__walk_node(st, *item);
        long long cpu;

        if (!it || !fr__walk_ll(st, "cpus", it, 0, MAX_CPUS - 1, &cpu))
            continue;
        if (seen[cpu].line) {
            fr__err(&st->e, pos_of(it), NULL, "CPU %lld is listed twice (first "
                    "at %s:%u:%u)", cpu, st->e.file, seen[cpu].line,
                    seen[cpu].col);
            continue;
        }
        seen[cpu] = pos_of(it);
        env->cpu_pos[env->ncpus] = pos_of(it);
        env->cpus[env->ncpus++] = (int)cpu;
    }
    talloc_free(seen);
}

static void fn_privileges(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                          void *obj)
{
    struct fr_env *env = obj;
    const char *t;
    size_t len;

    if (!fr__walk_text(st, v, "'keep' or 'drop'", &t, &len))
        return;
    env->privileges_pos = pos_of(k);
    if (len == 4 && memcmp(t, "keep", 4) == 0)
        env->privileges = FR_PRIV_KEEP;
    else if (len == 4 && memcmp(t, "drop", 4) == 0)
        env->privileges = FR_PRIV_DROP;
    else
        fr__err(&st->e, pos_of(v), "'drop' (the default) takes every capability from a "
                "child of a root running as root; 'keep' leaves them",
                "privileges is 'keep' or 'drop', not '%s'",
                fr__show(&st->e, t, len));
}

/* "strict", "none", or a profile file, which the check reads (sandbox.c). */
static void fn_sandbox(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                       void *obj)
{
    struct fr_env *env = obj;
    const char *t;
    size_t len;

    if (!fr__walk_text(st, v, "'strict', 'none' or a profile file", &t, &len))
        return;
    if (!len || memchr(t, '\0', len)) {
        fr__err(&st->e, pos_of(v), "write `sandbox: strict`, or the path of a profile",
                "an empty sandbox");
        return;
    }
    env->sandbox_pos = pos_of(k);
    env->sandbox = talloc_strndup(st->tree, t, len);
    if (!env->sandbox)
        fr__walk_oom(st);
}

static const struct fr_field env_fields[] = {
    { FN("valgrind", fn_valgrind, 0) },
    { FN("preload", fn_preload, 0) },
    { FN("vars", fn_vars, 0) },
    { FN("limits", fn_limits, offsetof(struct fr_env, limits)) },
    { FN("nice", fn_nice, 0) },
    { FN("cpus", fn_cpus, 0) },
    { FN("privileges", fn_privileges, 0) },
    { FN("sandbox", fn_sandbox, 0) },
};
static const struct fr_schema env_schema = {
    "in env", env_fields, ARRAY_SIZE(env_fields)
};

void fr__env_walk(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                  void *obj)
{
    struct fr_env *env = obj;

    env->present = true;
    env->pos = pos_of(k);
    fr__walk_map(st, v, &env_schema, env, "a mapping for 'env'",
                 "write `env: {}` for an environment that changes nothing");
}

void fr__env_list(struct fr_walk *st, yaml_node_t *v, struct fr_env **out,
                  size_t *nout)
{
    size_t n;

    if (!fr__walk_expect(st, v, YAML_SEQUENCE_NODE, "a list of environments",
                         "write `environments: []` for none"))
        return;
    n = seq_len(v);
    if (!n)
        return;
    *out = talloc_zero_array(st->tree, struct fr_env, n);
    if (!*out) {
        fr__walk_oom(st);
        return;
    }
    for (yaml_node_item_t *item = v->data.sequence.items.start;
         item < v->data.sequence.items.top && !fr__walk_stopped(st); item++) {
        yaml_node_t *it = fr__walk_node(st, *item);
        struct fr_env *env = &(*out)[*nout];

        if (!it)
            continue;
        fr__env_init(env);
        env->present = true;
        env->pos = pos_of(it);
        if (fr__walk_map(st, it, &env_schema, env, "an environment (a mapping)",
                         "write `{}` for an environment that changes nothing"))
            (*nout)++;
    }
}

/* ---- what the machine can give ----------------------------------------- */

void fr__env_probe_init(struct fr_env_probe *ck, struct fr_errs *e)
{
    memset(ck, 0, sizeof(*ck));
    ck->e = e;
    ck->valgrind = -1;
    ck->have_cpus = -1;
    ck->have_tools = -1;
}

/* As execvp looks a command up; the full path (scratch) or NULL. */
static char *in_path(void *tmp, const char *cmd)
{
    const char *path = getenv("PATH");
    char *copy, *save = NULL, *found = NULL;

    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    copy = talloc_strdup(tmp, path);
    if (!copy)
        return NULL;
    /* strtok_r would skip empty elements, which mean the current directory */
    for (char *dir = copy; dir && !found; dir = save) {
        char *colon = strchr(dir, ':');
        char *full;
        struct stat sb;

        save = colon ? colon + 1 : NULL;
        if (colon)
            *colon = '\0';
        full = talloc_asprintf(tmp, "%s/%s", *dir ? dir : ".", cmd);
        if (full && access(full, X_OK) == 0 && stat(full, &sb) == 0 &&
            S_ISREG(sb.st_mode))
            found = full;
        else
            talloc_free(full);
    }
    talloc_free(copy);
    return found;
}

/* Valgrind's tools are the programs NAME-PLATFORM in its libexec directory
 * (VALGRIND_LIB, as valgrind itself reads it, else beside the valgrind in
 * PATH, else where distributions put them). */
#if defined(__x86_64__)
#define VG_PLATFORM "-amd64-linux"
#elif defined(__aarch64__)
#define VG_PLATFORM "-arm64-linux"
#elif defined(__i386__)
#define VG_PLATFORM "-x86-linux"
#endif

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void find_tools(struct fr_env_probe *ck)
{
#ifdef VG_PLATFORM
    const char *dirs[6];
    size_t nd = 0, plen = strlen(VG_PLATFORM);
    char *vg = in_path(ck->e->ctx, "valgrind");

    ck->have_tools = 0;
    if (getenv("VALGRIND_LIB") && *getenv("VALGRIND_LIB"))
        dirs[nd++] = getenv("VALGRIND_LIB");
    if (vg && strrchr(vg, '/')) {
        *strrchr(vg, '/') = '\0';
        dirs[nd++] = talloc_asprintf(ck->e->ctx, "%s/../libexec/valgrind", vg);
        dirs[nd++] = talloc_asprintf(ck->e->ctx, "%s/../lib/valgrind", vg);
    }
    dirs[nd++] = "/usr/libexec/valgrind";
    dirs[nd++] = "/usr/lib/valgrind";
    for (size_t i = 0; i < nd && !ck->have_tools; i++) {
        DIR *dir = dirs[i] ? opendir(dirs[i]) : NULL;
        struct dirent *de;

        if (!dir)
            continue;
        while ((de = readdir(dir))) {
            size_t len = strlen(de->d_name);
            const char **t;

            /* memcheck-amd64-linux; not vgpreload_*.so, nor the getoff
             * helper, which are no tools */
            if (len <= plen || strcmp(de->d_name + len - plen, VG_PLATFORM) ||
                !strncmp(de->d_name, "getoff", 6))
                continue;
            t = talloc_realloc(ck->e->ctx, ck->tools, const char *, ck->ntools + 1);
            if (!t) {
                ck->e->oom = true;
                break;
            }
            ck->tools = t;
            ck->tools[ck->ntools] = talloc_strndup(ck->e->ctx, de->d_name, len - plen);
            if (ck->tools[ck->ntools])
                ck->ntools++;
        }
        closedir(dir);
        ck->have_tools = ck->ntools > 0;
    }
    if (ck->ntools)
        qsort(ck->tools, ck->ntools, sizeof(*ck->tools), cmp_str);
#else
    ck->have_tools = 0;       /* a platform whose tool names we do not know */
#endif
}

static void check_valgrind(struct fr_env_probe *ck, const struct fr_env *env)
{
    const char *tool = env->valgrind_tool ? env->valgrind_tool : "memcheck";
    struct fr_pos at = env->tool_pos.line ? env->tool_pos : env->valgrind_pos;
    char *hint;

    if (ck->valgrind < 0)
        ck->valgrind = in_path(ck->e->ctx, "valgrind") != NULL;
    if (!ck->valgrind) {
        fr__err(ck->e, env->valgrind_pos, "apt-get install valgrind",
                "valgrind is not installed (no 'valgrind' in PATH)");
        return;
    }
    if (ck->have_tools < 0)
        find_tools(ck);
    /* Without its directory the tools cannot be told: valgrind will say. */
    if (!ck->have_tools)
        return;
    if (bsearch(&tool, ck->tools, ck->ntools, sizeof(*ck->tools), cmp_str))
        return;
    hint = fr__errs_hint(ck->e, tool, ck->tools, ck->ntools, ck->ntools,
                         "its tools: ");
    fr__err(ck->e, at, hint, "Valgrind has no tool '%s'",
            fr__show(ck->e, tool, strlen(tool)));
}

/* CPUs a child may be pinned to: those this process may run on, which the
 * child inherits (sched_setaffinity refuses the others). */
static void check_cpus(struct fr_env_probe *ck, const struct fr_env *env)
{
    if (!env->ncpus)
        return;
    if (ck->have_cpus < 0) {
        CPU_ZERO(&ck->cpus);
        ck->have_cpus = sched_getaffinity(0, sizeof(ck->cpus), &ck->cpus) == 0;
    }
    if (!ck->have_cpus)
        return;
    for (size_t i = 0; i < env->ncpus; i++)
        if (!CPU_ISSET(env->cpus[i], &ck->cpus))
            fr__err(ck->e, env->cpu_pos[i], "`nproc` counts the CPUs this "
                    "program may use, numbered from 0 (`taskset -cp $$` lists "
                    "them)", "CPU %d does not exist here, or this program may "
                    "not run on it", env->cpus[i]);
}

/* Whether @path is a shared object the dynamic loader of this program can
 * preload: a regular file, ELF, this program's class and machine, ET_DYN.
 * NULL when it is, else why not (static text). */
static const char *not_preloadable(const char *path, int *err)
{
    unsigned char h[EI_NIDENT + 4];
    struct stat sb;
    uint16_t type, machine;
    ssize_t n;
    int fd;

    *err = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        *err = errno;
        return NULL;
    }
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return S_ISDIR(sb.st_mode) ? "it is a directory, not a shared library"
                                   : "it is not a regular file";
    }
    n = pread(fd, h, sizeof(h), 0);
    close(fd);
    if (n < (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG))
        return "it is not an ELF file";
    if (h[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32))
        return sizeof(void *) == 8 ? "it is a 32-bit library; this program is 64-bit"
                                   : "it is a 64-bit library; this program is 32-bit";
    if (h[EI_DATA] != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB
                                                                 : ELFDATA2MSB))
        return "it is built for a machine of the other byte order";
    memcpy(&type, h + EI_NIDENT, 2);
    memcpy(&machine, h + EI_NIDENT + 2, 2);
    if (type != ET_DYN)
        return type == ET_EXEC ? "it is an executable, not a shared library"
                               : "it is an ELF file but not a shared library";
#if defined(__x86_64__)
    if (machine != EM_X86_64)
#elif defined(__aarch64__)
    if (machine != EM_AARCH64)
#elif defined(__i386__)
    if (machine != EM_386)
#else
    if (0)
#endif
        return "it is built for another kind of machine";
    return NULL;
}

/* Where a shipped agent NAME is: NAME.so in $FRACTURE_PRELOAD_DIR, where
 * Fracture is installed, or in its build tree (launch.c looks the same
 * way).  Scratch string or NULL. */
static char *shipped_path(struct fr_env_probe *ck, const char *name)
{
    const char *dirs[] = {
        getenv("FRACTURE_PRELOAD_DIR"),
#ifdef FR_PRELOAD_INSTALL_DIR
        FR_PRELOAD_INSTALL_DIR,
#endif
#ifdef FR_PRELOAD_BUILD_DIR
        FR_PRELOAD_BUILD_DIR,
#endif
    };

    for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
        char *p;

        if (!dirs[d] || !*dirs[d])
            continue;
        p = talloc_asprintf(ck->e->ctx, "%s/%s.so", dirs[d], name);
        if (p && access(p, R_OK) == 0)
            return p;
        talloc_free(p);
    }
    return NULL;
}

static void check_preload(struct fr_env_probe *ck, const struct fr_env *env)
{
    const size_t nagents = ARRAY_SIZE(shipped_agents);
    char ebuf[128];

    for (size_t i = 0; i < env->npreload; i++) {
        const char *p = env->preload[i], *why;
        bool shipped = false;
        char *file = NULL, *hint;
        int err;

        if (strchr(p, '/')) {
            file = (char *)p;
        } else {
            for (size_t a = 0; a < nagents; a++)
                shipped = shipped || !strcmp(p, shipped_agents[a]);
            if (!shipped) {
                hint = fr__errs_hint(ck->e, p, shipped_agents, nagents,
                                     nagents, "shipped agents: ");
                if (hint && !fr__suggest(p, shipped_agents, nagents))
                    hint = talloc_asprintf_append(hint, "; give your own library "
                                                  "as a path (with a '/')");
                if (!hint)
                    ck->e->oom = true;
                fr__err(ck->e, env->preload_pos[i], hint, "unknown preload agent "
                        "'%s'", fr__show(ck->e, p, strlen(p)));
                continue;
            }
            file = shipped_path(ck, p);
            if (!file) {
                fr__err(ck->e, env->preload_pos[i], "install Fracture, or set "
                        "FRACTURE_PRELOAD_DIR to the directory that holds it",
                        "preload agent '%s' is not installed (no %s.so found)",
                        p, p);
                continue;
            }
        }
        /* The dynamic loader skips an LD_PRELOAD entry it cannot load, with
         * a warning, and runs the program without it: refuse it here. */
        why = not_preloadable(file, &err);
        if (err)
            fr__err(ck->e, env->preload_pos[i], NULL, "cannot read preload "
                    "library '%s': %s", fr__show(ck->e, p, strlen(p)),
                    strerror_r(err, ebuf, sizeof(ebuf)));
        else if (why)
            fr__err(ck->e, env->preload_pos[i], "give the path of a shared "
                    "library (.so) built for this program's machine",
                    "preload library '%s' cannot be preloaded: %s",
                    fr__show(ck->e, p, strlen(p)), why);
    }
}

/* Limits a child sets with setrlimit(soft = hard = value): raising a hard
 * limit above ours needs privilege (CAP_SYS_RESOURCE). */
static void check_rlimit(struct fr_env_probe *ck, int res, const char *key,
                         long value, rlim_t want, struct fr_pos at)
{
    struct rlimit rl;

    if (value < 0 || geteuid() == 0 || getrlimit(res, &rl) < 0 ||
        rl.rlim_max == RLIM_INFINITY || want <= rl.rlim_max)
        return;
    fr__err(ck->e, at, "lower it, or raise the hard limit of the shell that "
            "starts the program (ulimit -H)", "'%s' asks for more than this "
            "program's hard limit (%llu), which only a privileged process may "
            "raise", key, (unsigned long long)rl.rlim_max);
}

static void check_limits(struct fr_env_probe *ck, const struct fr_env *env)
{
    const struct fr_limits *l = &env->limits;

    check_rlimit(ck, RLIMIT_AS, "memory_mb", l->memory_mb,
                 (rlim_t)l->memory_mb << 20, l->memory_pos);
    check_rlimit(ck, RLIMIT_CPU, "cpu_s", l->cpu_s, (rlim_t)l->cpu_s, l->cpu_pos);
    check_rlimit(ck, RLIMIT_NOFILE, "open_files", l->open_files,
                 (rlim_t)l->open_files, l->files_pos);
    check_rlimit(ck, RLIMIT_CORE, "core", l->core == 1 ? 1 : -1, RLIM_INFINITY,
                 l->core_pos);
    if (env->has_nice && geteuid() != 0) {
        struct rlimit rl;
        int now;

        errno = 0;
        now = getpriority(PRIO_PROCESS, 0);
        /* Lower than now only down to 20 - RLIMIT_NICE (sched(7)). */
        if (errno == 0 && env->nice < now && getrlimit(RLIMIT_NICE, &rl) == 0 &&
            (rl.rlim_cur == RLIM_INFINITY ? false : env->nice < 20 - (long)rl.rlim_cur))
            fr__err(ck->e, env->nice_pos, "a nice value below the program's own "
                    "needs CAP_SYS_NICE or a higher RLIMIT_NICE", "nice %d is "
                    "below this program's (%d), which an unprivileged process "
                    "may not set", env->nice, now);
    }
}

void fr__env_check(struct fr_env_probe *ck, const struct fr_env *env)
{
    if (!env->present)
        return;
    if (env->has_valgrind)
        check_valgrind(ck, env);
    check_preload(ck, env);
    check_cpus(ck, env);
    check_limits(ck, env);
}
