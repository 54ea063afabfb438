/*
 * inputs.c - a deployment's reports from a directory or a .tar.gz
 * (inputs.h).
 *
 * A directory's reports are taken in name order, an archive's in the
 * archive's order, so that the same input gives the same output.  Files
 * other than *.xml (a trace, a config beside the reports) are passed
 * over; symbolic links are not followed, so a walk stays inside the
 * argument.
 */
#include "inputs.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <talloc.h>
#include <unistd.h>

#include "slurp.h"

#define MAX_REPORT (512u << 20)   /* one report: memcheck's are kilobytes to megabytes */
#define MAX_DEPTH 8

static const char hint_none[] =
    "an FMP under env: {valgrind: ...} writes its XML reports into reports.dir "
    "(default fracture-reports); give that directory, or a .tar.gz of it";

static int ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int fr__input_is_archive(const char *arg)
{
    return ends(arg, ".tar.gz") || ends(arg, ".tgz");
}

char *fr__input_deployment(void *ctx, const char *arg)
{
    size_t n = strlen(arg);

    while (n > 1 && arg[n - 1] == '/')
        n--;
    if (n > 7 && strncmp(arg + n - 7, ".tar.gz", 7) == 0)
        n -= 7;
    else if (n > 4 && strncmp(arg + n - 4, ".tgz", 4) == 0)
        n -= 4;
    return talloc_strndup(ctx, arg, n);
}

struct paths {
    char **v;
    size_t n;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.xml under @dir, depth first, into @p (names under @ctx). */
static int collect(void *ctx, const char *dir, int depth, struct paths *p, struct fr_perr *e)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int rc = 0;

    if (!d)
        return fr__perr_set(e, -errno, FR_PERR_FAILURE, NULL, "%s: cannot read: %s", dir,
                            strerror(errno));
    while (rc == 0 && (de = readdir(d))) {
        struct stat st;
        char *path;

        if (de->d_name[0] == '.')
            continue;       /* ., .., and the temporaries of a copy under way */
        path = talloc_asprintf(ctx, "%s%s%s", dir, ends(dir, "/") ? "" : "/", de->d_name);
        if (!path) {
            rc = fr__perr_oom(e);
            break;
        }
        if (lstat(path, &st) < 0) {
            rc = fr__perr_set(e, -errno, FR_PERR_FAILURE, NULL, "%s: %s", path, strerror(errno));
        } else if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
            rc = collect(ctx, path, depth + 1, p, e);
        } else if (S_ISREG(st.st_mode) && ends(de->d_name, ".xml")) {
            char **grown = talloc_realloc(ctx, p->v, char *, p->n + 1);
            if (!grown) {
                rc = fr__perr_oom(e);
                break;
            }
            p->v = grown;
            p->v[p->n++] = path;
        }
    }
    closedir(d);
    return rc;
}

static int walk_dir(void *ctx, const char *arg, fr_input_fn fn, void *fnarg, struct fr_perr *e)
{
    struct paths p = { 0 };
    int rc = collect(ctx, arg, 0, &p, e);

    if (rc < 0)
        return rc;
    if (p.n == 0)
        return fr__perr_set(e, -ENOENT, FR_PERR_FAILURE, hint_none,
                            "%s: no Valgrind XML report (*.xml) in this directory", arg);
    qsort(p.v, p.n, sizeof *p.v, by_name);
    for (size_t i = 0; i < p.n && rc == 0; i++) {
        int fd = open(p.v[i], O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        char *data = NULL;
        size_t len = 0;

        if (fd < 0 || fstat(fd, &st) < 0)
            rc = fr__perr_set(e, -errno, FR_PERR_FAILURE, NULL, "%s: cannot read: %s",
                              p.v[i], strerror(errno));
        else if (!(data = fr__slurp_fd(ctx, fd, MAX_REPORT, &len)))
            rc = fr__perr_set(e, -errno, FR_PERR_FAILURE, NULL, "%s: cannot read: %s",
                              p.v[i], strerror(errno));
        else if (len > MAX_REPORT)
            rc = fr__perr_set(e, -EFBIG, FR_PERR_FAILURE, "leave it out",
                              "%s: larger than %u MiB: not a report", p.v[i], MAX_REPORT >> 20);
        else
            rc = fn(fnarg, p.v[i], data, len, (int64_t)st.st_mtime);
        if (fd >= 0)
            close(fd);
        talloc_free(data);
    }
    return rc;
}

static int corrupt(struct fr_perr *e, const char *arg, struct archive *a, const char *entry)
{
    const char *why = archive_error_string(a);

    return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE,
                        "make it again with `tar czf NAME.tar.gz DIR` from the deployment's "
                        "reports dir, or give the directory itself",
                        "%s: not a readable .tar.gz archive%s%s: %s", arg,
                        entry ? " at " : "", entry ? entry : "", why ? why : "unknown error");
}

/* The reports of an opened archive @a. */
static int walk_archive(void *ctx, const char *arg, struct archive *a, fr_input_fn fn,
                        void *fnarg, struct fr_perr *e)
{
    struct archive_entry *ent;
    size_t nreports = 0;
    int r, rc = 0;

    while (rc == 0 && (r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
        const char *path = archive_entry_pathname(ent);
        const char *base = path ? strrchr(path, '/') : NULL;
        la_int64_t size = archive_entry_size(ent);
        char *name, *data;
        size_t len = 0;

        base = base ? base + 1 : path;
        if (archive_entry_filetype(ent) != AE_IFREG || !path || !ends(path, ".xml") ||
            base[0] == '.')
            continue;
        if (size > (la_int64_t)MAX_REPORT)
            return fr__perr_set(e, -EFBIG, FR_PERR_FAILURE, "leave it out of the archive",
                                "%s: %s: larger than %u MiB: not a report", arg, path,
                                MAX_REPORT >> 20);
        name = talloc_asprintf(ctx, "%s:%s", arg, path);
        data = talloc_size(ctx, (size_t)(size > 0 ? size : 0) + 1);
        if (!name || !data)
            return fr__perr_oom(e);
        while (len < (size_t)(size > 0 ? size : 0)) {
            la_ssize_t n = archive_read_data(a, data + len, (size_t)size - len);
            if (n < 0)
                return corrupt(e, arg, a, path);
            if (n == 0)
                break;
            len += (size_t)n;
        }
        data[len] = '\0';
        nreports++;
        rc = fn(fnarg, name, data, len, (int64_t)archive_entry_mtime(ent));
        talloc_free(name);
        talloc_free(data);
    }
    if (rc < 0)
        return rc;
    if (r != ARCHIVE_EOF)
        return corrupt(e, arg, a, NULL);
    if (nreports == 0)
        return fr__perr_set(e, -ENOENT, FR_PERR_FAILURE, hint_none,
                            "%s: no Valgrind XML report (*.xml) in this archive", arg);
    return 0;
}

static struct archive *new_reader(void)
{
    struct archive *a = archive_read_new();

    if (a && (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
              archive_read_support_format_tar(a) != ARCHIVE_OK)) {
        archive_read_free(a);
        return NULL;
    }
    return a;
}

int fr__input_archive_mem(void *ctx, const char *arg, const void *data, size_t len,
                          fr_input_fn fn, void *fnarg, struct fr_perr *e)
{
    struct archive *a = new_reader();
    int rc;

    if (!a)
        return fr__perr_oom(e);
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK)
        rc = corrupt(e, arg, a, NULL);
    else
        rc = walk_archive(ctx, arg, a, fn, fnarg, e);
    archive_read_free(a);
    return rc;
}

int fr__input_walk(void *ctx, const char *arg, fr_input_fn fn, void *fnarg, struct fr_perr *e)
{
    struct archive *a;
    struct stat st;
    int rc;

    if (stat(arg, &st) < 0)
        return fr__perr_set(e, -errno, FR_PERR_FAILURE,
                            "each argument is one deployment's reports: a directory or a .tar.gz",
                            "%s: %s", arg, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return walk_dir(ctx, arg, fn, fnarg, e);
    if (!S_ISREG(st.st_mode) || !fr__input_is_archive(arg))
        return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE,
                            "each argument is one deployment's reports: a directory or a .tar.gz",
                            "%s: neither a reports directory nor a .tar.gz archive", arg);
    if (!(a = new_reader()))
        return fr__perr_oom(e);
    if (archive_read_open_filename(a, arg, 64 << 10) != ARCHIVE_OK)
        rc = corrupt(e, arg, a, NULL);
    else
        rc = walk_archive(ctx, arg, a, fn, fnarg, e);
    archive_read_free(a);
    return rc;
}
