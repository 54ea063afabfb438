/*
 * listing.c - module "listing": the HTML index of a directory that has no
 * index.html.  It only reads the file system and returns a page, so it is
 * restartable, replicable and samplable; names are sorted (readdir's order
 * is the file system's) so that every run lists alike.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"

/* Static helpers of this file belong to the module too (FR_MODULE moves
 * only the function it stands on). */
FRACTURE_MODULE(listing, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE);

struct page {
    char *p;
    size_t len, cap;
};

static int put(struct page *pg, const char *s, size_t n)
{
    if (pg->len + n + 1 > pg->cap) {
        size_t cap = (pg->len + n + 1) * 2;
        char *p = realloc(pg->p, cap);
        if (!p)
            return -1;
        pg->p = p;
        pg->cap = cap;
    }
    memcpy(pg->p + pg->len, s, n);
    pg->len += n;
    pg->p[pg->len] = '\0';
    return 0;
}

static int puts_raw(struct page *pg, const char *s)
{
    return put(pg, s, strlen(s));
}

static int puts_html(struct page *pg, const char *s)
{
    for (; *s; s++) {
        const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;" : NULL;
        if (put(pg, e ? e : s, e ? strlen(e) : 1))
            return -1;
    }
    return 0;
}

static int puts_href(struct page *pg, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
        int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    strchr("-._~/", c);
        if (put(pg, plain ? (const char *)s : esc, plain ? 1 : 3))
            return -1;
    }
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

FR_MODULE(listing, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE)
FR_RET_STRING FR_RET_OWNED char *dir_listing(const char *fspath, const char *urlpath)
{
    struct page pg = { 0 };
    char **names = NULL;
    size_t n = 0, cap = 0;
    DIR *d = opendir(fspath);
    struct dirent *e;
    int bad = 0;

    if (!d)
        return NULL;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? 2 * cap : 32) * sizeof *names);
            if (!nn) {
                bad = 1;
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name))) {
            bad = 1;
            break;
        }
        n++;
    }
    closedir(d);
    if (!bad && n > 0)   /* an empty directory has no array at all */
        qsort(names, n, sizeof *names, by_name);

    bad = bad || puts_raw(&pg, "<html><head><title>Index of ") || puts_html(&pg, urlpath) ||
          puts_raw(&pg, "</title></head>\n<body><h1>Index of ") || puts_html(&pg, urlpath) ||
          puts_raw(&pg, "</h1>\n<ul>\n<li><a href=\"../\">../</a></li>\n");
    for (size_t i = 0; i < n && !bad; i++) {
        char full[PATH_LEN * 2];
        struct stat st;
        int dir;
        snprintf(full, sizeof full, "%s/%s", fspath, names[i]);
        dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
        /*
         * DELIBERATE BUG (issue 16): a subdirectory's name is copied for
         * the listing and the copy replaces the original, which is never
         * freed: a listing of a directory that holds directories leaks one
         * block per subdirectory.  Only deployments whose users list such
         * directories reach it, and only the one that isolates listing
         * under memcheck sees it: the crowd story of the README.
         */
        if (dir) {
            char *copy = strdup(names[i]);

            if (copy)
                names[i] = copy;
        }
        bad = puts_raw(&pg, "<li><a href=\"") || puts_href(&pg, names[i]) ||
              puts_raw(&pg, dir ? "/\">" : "\">") || puts_html(&pg, names[i]) ||
              puts_raw(&pg, dir ? "/</a></li>\n" : "</a></li>\n");
    }
    if (!bad)
        bad = puts_raw(&pg, "</ul>\n</body></html>\n");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (bad) {
        free(pg.p);
        return NULL;
    }
    return pg.p;
}
