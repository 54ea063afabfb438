/*
 * check_httpd.c - end-to-end tests of apps/httpd on loopback, driven by
 * CTest:
 *
 *   check_httpd compare PLAIN FRACTURED [CONFIG]
 *       every request of the test set (static files of several types, a
 *       binary file, HEAD, 304, 404, 403, 413, 431, 414, 405, 400, 501, 505,
 *       listings, redirects, CGI GET and POST, keep-alive and pipelining,
 *       32 concurrent clients, curl) against PLAIN, then against FRACTURED
 *       under CONFIG (or none): the answers and the access logs must be the
 *       same bytes, Date headers and the port aside.
 *   check_httpd crash PLAIN [FRACTURED CONFIG]
 *       the over-long header line kills PLAIN; FRACTURED under CONFIG
 *       (parser-rx) answers it and every request after it.
 *
 * Each server is stopped with SIGTERM and must exit 0; then nothing may be
 * left: no process (the driver is a child subreaper), no memfd region, no
 * descriptor.  Under a config the server must have been seen with child
 * FMPs.  The document root is made here, in a temporary directory, with
 * fixed modification times.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "client.h"
#include "leftovers.h"
#include "spawn.h"


#define MTIME 1700000000L   /* Tue, 14 Nov 2023 22:13:20 GMT */
#define NCONC 32

static char www[] = "/tmp/httpd-www-XXXXXX";
static char logdir[] = "/tmp/httpd-log-XXXXXX";

/* ---- the document root ---- */

static void put_file(const char *rel, const void *data, size_t len, mode_t mode)
{
    char path[512];
    struct utimbuf t = { MTIME, MTIME };
    int fd;

    snprintf(path, sizeof path, "%s/%s", www, rel);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) < 0 ||
        write(fd, data, len) != (ssize_t)len || close(fd) != 0)
        FAIL("cannot write %s: %s", path, strerror(errno));
    utime(path, &t);
}

static void make_root(void)
{
    static const char env_sh[] =
        "#!/bin/sh\n"
        "# Echoes its CGI environment and its stdin, in a fixed order.\n"
        "printf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
        "for v in GATEWAY_INTERFACE SERVER_SOFTWARE SERVER_NAME SERVER_PORT SERVER_PROTOCOL \\\n"
        "         REQUEST_METHOD SCRIPT_NAME PATH_INFO QUERY_STRING REMOTE_ADDR \\\n"
        "         CONTENT_LENGTH CONTENT_TYPE; do\n"
        "  eval \"printf '%s=%s\\n' $v \\\"\\${$v-<unset>}\\\"\"\n"
        "done\n"
        "printf 'stdin:'\n"
        "cat\n"
        "printf ':end\\n'\n";
    static const char redirect_sh[] =
        "#!/bin/sh\nprintf 'Status: 302 Found\\nLocation: /index.html\\n\\n'\n";
    static const char bad_sh[] = "#!/bin/sh\necho 'no head at all'\n";
    char bin[10240], sub[512];

    if (!mkdtemp(www) || !mkdtemp(logdir))
        FAIL("mkdtemp: %s", strerror(errno));
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (char)(i * 7 + i / 256);
    put_file("index.html", "<html><body>hello, fracture</body></html>\n", 42, 0644);
    put_file("style.css", "body { color: #333; }\n", 22, 0644);
    put_file("app.js", "console.log('hi');\n", 19, 0644);
    put_file("data.json", "{\"answer\": 42}\n", 15, 0644);
    put_file("image.png", bin, 2048, 0644);
    put_file("blob.bin", bin, sizeof bin, 0644);
    put_file("notes.txt", "plain text\n", 11, 0644);
    for (const char *const *d = (const char *const[]){ "dir", "dir/deeper", "site", "cgi-bin", NULL };
         *d; d++) {
        snprintf(sub, sizeof sub, "%s/%s", www, *d);
        if (mkdir(sub, 0755) != 0)
            FAIL("mkdir %s", sub);
    }
    put_file("dir/b.txt", "b\n", 2, 0644);
    put_file("dir/a file & <more>.txt", "a\n", 2, 0644);
    put_file("dir/c.json", "{}\n", 3, 0644);
    put_file("site/index.html", "<p>site</p>\n", 12, 0644);
    put_file("cgi-bin/env.sh", env_sh, sizeof env_sh - 1, 0755);
    put_file("cgi-bin/redirect.sh", redirect_sh, sizeof redirect_sh - 1, 0755);
    put_file("cgi-bin/bad.sh", bad_sh, sizeof bad_sh - 1, 0755);
    put_file("cgi-bin/not-exec.sh", bad_sh, sizeof bad_sh - 1, 0644);
}

static int rm_one(const char *p, const struct stat *s, int flag, struct FTW *f)
{
    (void)s, (void)flag, (void)f;
    return remove(p);
}

static void remove_dirs(void)
{
    if (getenv("HTTPD_KEEP")) {   /* to read the servers' stderr and logs */
        fprintf(stderr, "kept %s and %s\n", www, logdir);
        return;
    }
    nftw(www, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    nftw(logdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- one server ---- */

struct server {
    pid_t pid;
    int port;
    int kids;            /* most child FMPs seen */
    char err[512];       /* its stderr, a file */
    char log[512];       /* its access log */
};

static void start(struct server *s, const char *prog, const char *config, const char *tag)
{
    int p[2], efd;
    char line[128] = "";
    size_t n = 0;

    snprintf(s->err, sizeof s->err, "%s/%s.stderr", logdir, tag);
    snprintf(s->log, sizeof s->log, "%s/%s.log", logdir, tag);
    if (pipe(p) != 0 || (efd = open(s->err, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
        FAIL("pipe/open: %s", strerror(errno));
    s->pid = fork();
    if (s->pid < 0)
        FAIL("fork: %s", strerror(errno));
    if (s->pid == 0)
        fr_test_exec(-1, p[1], efd, -1, config,
                     (char *[]){ (char *)prog, "--port", "0", "--root", (char *)www, "--threads",
                                 "4", "--log", s->log, NULL });
    close(p[1]);
    close(efd);
    while (n < sizeof line - 1) {
        ssize_t k = read(p[0], line + n, 1);
        if (k <= 0)
            break;
        if (line[n++] == '\n')
            break;
    }
    close(p[0]);
    if (sscanf(line, "listening on %d", &s->port) != 1)
        FAIL("%s%s%s did not start (printed '%s'); see %s", prog, config ? " under " : "",
             config ? config : "", line, s->err);
    s->kids = children_of(s->pid);
}

static char *slurp(const char *path)
{
    struct buf b = { 0 };
    char tmp[4096];
    FILE *f = fopen(path, "r");
    size_t n;

    if (f) {
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
            buf_add(&b, tmp, n);
        fclose(f);
    }
    buf_adds(&b, "");
    return b.p;
}

/* SIGTERM, exit 0 within 15 s. */
static void stop(struct server *s)
{
    int st = 0;
    pid_t w = 0;

    if (kill(s->pid, SIGTERM) != 0)
        FAIL("kill: %s", strerror(errno));
    for (int i = 0; i < 1500 && (w = waitpid(s->pid, &st, WNOHANG)) == 0; i++)
        usleep(10000);
    if (w == 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &st, 0);
        FAIL("the server did not stop within 15 s of SIGTERM");
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char *e = slurp(s->err);
        FAIL("the server ended with status 0x%x; stderr:\n%s", st, e);
    }
}

/* ---- normalising ---- */

/* Dates change, and the port is the server's own. */
static void normalise(struct buf *b, int port)
{
    char portstr[32];
    struct buf o = { 0 };
    size_t i = 0;

    snprintf(portstr, sizeof portstr, "SERVER_PORT=%d", port);
    while (i < b->len) {
        if (b->len - i > 6 && memcmp(b->p + i, "\r\nDate: ", 8) == 0) {
            char *eol = memmem(b->p + i + 2, b->len - i - 2, "\r\n", 2);
            buf_adds(&o, "\r\nDate: <date>");
            i = eol ? (size_t)(eol - b->p) : b->len;
        } else if (b->len - i >= strlen(portstr) &&
                   memcmp(b->p + i, portstr, strlen(portstr)) == 0) {
            buf_adds(&o, "SERVER_PORT=<port>");
            i += strlen(portstr);
        } else {
            buf_add(&o, b->p + i, 1);
            i++;
        }
    }
    buf_free(b);
    *b = o;
    if (!b->p)
        buf_adds(b, "");
}

/* ---- the test set ---- */

struct result_set {
    struct buf r[128];
    const char *name[128];
    int n;
};

static void add(struct result_set *rs, const char *name, struct buf b, int port)
{
    normalise(&b, port);
    rs->name[rs->n] = name;
    rs->r[rs->n++] = b;
}

static void raw(struct result_set *rs, int port, const char *name, const char *req)
{
    struct buf b = { 0 };

    client_once(port, req, strlen(req), &b);
    add(rs, name, b, port);
}

static void raw_big(struct result_set *rs, int port, const char *name, const char *pre,
                    size_t fill, const char *post)
{
    struct buf req = { 0 }, b = { 0 };

    buf_adds(&req, pre);
    for (size_t i = 0; i < fill; i++)
        buf_add(&req, "a", 1);
    buf_adds(&req, post);
    client_once(port, req.p, req.len, &b);
    buf_free(&req);
    add(rs, name, b, port);
}

struct conc {
    int port, i;
    struct buf out;
};

static void *one_client(void *arg)
{
    struct conc *c = arg;
    char req[256];

    if (c->i % 3 == 0)
        snprintf(req, sizeof req, "GET /cgi-bin/env.sh?client=%d HTTP/1.1\r\nHost: t\r\n"
                 "Connection: close\r\n\r\n", c->i);
    else
        snprintf(req, sizeof req, "GET /%s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                 c->i % 3 == 1 ? "blob.bin" : "dir/");
    client_once(c->port, req, strlen(req), &c->out);
    return NULL;
}

static void curl(struct result_set *rs, int port, const char *name, const char *const *args,
                 const char *path)
{
    const char *argv[32];
    char url[256];
    int p[2], n = 0, st;
    struct buf b = { 0 };
    pid_t pid;

    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    argv[n++] = "curl";
    argv[n++] = "-s";
    argv[n++] = "--http1.1";
    for (; *args; args++)
        argv[n++] = *args;
    argv[n++] = url;
    argv[n] = NULL;
    if (pipe(p) != 0 || (pid = fork()) < 0)
        FAIL("pipe/fork");
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execvp("curl", (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    for (;;) {   /* a pipe: read(), not the client's recv() */
        char tmp[65536];
        ssize_t k = read(p[0], tmp, sizeof tmp);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        buf_add(&b, tmp, (size_t)k);
    }
    close(p[0]);
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        FAIL("curl %s failed (status 0x%x)", path, st);
    add(rs, name, b, port);
}

static void run_set(struct result_set *rs, int port)
{
    char req[1024];
    struct buf b = { 0 };
    pthread_t t[NCONC];
    static struct conc cs[NCONC];

#define H "HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
    raw(rs, port, "get-html", "GET /index.html " H "\r\n");
    raw(rs, port, "get-root", "GET / " H "\r\n");
    raw(rs, port, "get-css", "GET /style.css " H "\r\n");
    raw(rs, port, "get-js", "GET /app.js " H "\r\n");
    raw(rs, port, "get-json", "GET /data.json " H "\r\n");
    raw(rs, port, "get-txt", "GET /notes.txt " H "\r\n");
    raw(rs, port, "get-png", "GET /image.png " H "\r\n");
    raw(rs, port, "get-binary", "GET /blob.bin " H "\r\n");
    raw(rs, port, "get-encoded", "GET /dir/a%20file%20%26%20%3Cmore%3E.txt " H "\r\n");
    raw(rs, port, "head", "HEAD /index.html " H "\r\n");
    raw(rs, port, "304", "GET /index.html " H "If-Modified-Since: Tue, 14 Nov 2023 22:13:20 GMT\r\n\r\n");
    raw(rs, port, "ims-older", "GET /index.html " H "If-Modified-Since: Mon, 13 Nov 2023 22:13:20 GMT\r\n\r\n");
    raw(rs, port, "ims-bad-date", "GET /index.html " H "If-Modified-Since: yesterday\r\n\r\n");
    raw(rs, port, "404", "GET /missing.html " H "\r\n");
    raw(rs, port, "403-dotdot", "GET /../etc/passwd " H "\r\n");
    raw(rs, port, "403-encoded", "GET /dir/%2e%2e/%2E%2E/etc/passwd " H "\r\n");
    raw(rs, port, "400-nul", "GET /index%00.html " H "\r\n");
    raw(rs, port, "413", "POST /cgi-bin/env.sh " H "Content-Length: 2000000\r\n\r\n");
    raw_big(rs, port, "431-line", "GET / " H "X-Big: ", 9000, "\r\n\r\n");
    {   /* 20 lines of 1000 bytes: each line is fine, the head is not */
        struct buf big = { 0 };
        char line[1100];
        buf_adds(&big, "GET / " H);
        memset(line, 'h', 1000);
        for (int i = 0; i < 20; i++) {
            snprintf(line, sizeof line, "X-%02d: ", i);
            line[6] = 'h';
            memset(line + 6, 'h', 994);
            memcpy(line + 1000, "\r\n", 3);
            buf_adds(&big, line);
        }
        buf_adds(&big, "\r\n");
        client_once(port, big.p, big.len, &b);
        buf_free(&big);
        add(rs, "431-head", b, port);
        b = (struct buf){ 0 };
    }
    raw_big(rs, port, "414", "GET /", 3000, " " H "\r\n");
    raw_big(rs, port, "414-no-version", "GET /", 17000, "");
    raw(rs, port, "405", "DELETE /index.html " H "\r\n");
    raw(rs, port, "405-post-static", "POST /index.html " H "Content-Length: 3\r\n\r\nabc");
    raw(rs, port, "400-garbage", "hello\r\n\r\n");
    raw(rs, port, "400-no-host", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    raw(rs, port, "400-bad-header", "GET / " H "no colon here\r\n\r\n");
    raw(rs, port, "400-two-lengths", "POST /cgi-bin/env.sh " H "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab");
    raw(rs, port, "501-chunked", "POST /cgi-bin/env.sh " H "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    raw(rs, port, "505", "GET / HTTP/2.0\r\n\r\n");
    raw(rs, port, "http10-closes", "GET /style.css HTTP/1.0\r\n\r\n");
    raw(rs, port, "listing", "GET /dir/ " H "\r\n");
    raw(rs, port, "listing-head", "HEAD /dir/deeper/ " H "\r\n");
    raw(rs, port, "301-dir", "GET /dir " H "\r\n");
    raw(rs, port, "dir-index", "GET /site/ " H "\r\n");
    raw(rs, port, "cgi-get", "GET /cgi-bin/env.sh/extra/path?a=1&b=two%20words " H "\r\n");
    raw(rs, port, "cgi-post", "POST /cgi-bin/env.sh?x=y " H
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 22\r\n\r\nname=value&other=thing");
    raw(rs, port, "cgi-head", "HEAD /cgi-bin/env.sh " H "\r\n");
    raw(rs, port, "cgi-redirect", "GET /cgi-bin/redirect.sh " H "\r\n");
    raw(rs, port, "cgi-bad-output", "GET /cgi-bin/bad.sh " H "\r\n");
    raw(rs, port, "cgi-not-exec", "GET /cgi-bin/not-exec.sh " H "\r\n");
    raw(rs, port, "cgi-missing", "GET /cgi-bin/none.sh " H "\r\n");
    raw_big(rs, port, "long-header-ok", "GET /index.html " H "X-Fill: ", 1500, "\r\n\r\n");
#undef H

    /* Keep-alive: four requests, one after the other, then two pipelined,
     * on one connection. */
    int fd = client_connect(port);
    if (fd < 0)
        FAIL("connect");
    static const struct {
        const char *req;
        int head;
    } ka[] = {
        { "GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n", 0 },
        { "HEAD /style.css HTTP/1.1\r\nHost: t\r\n\r\n", 1 },
        { "GET /cgi-bin/env.sh?keep=1 HTTP/1.1\r\nHost: t\r\n\r\n", 0 },
        { "GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n", 0 },
    };
    for (size_t i = 0; i < sizeof ka / sizeof ka[0]; i++) {
        if (client_send(fd, ka[i].req, strlen(ka[i].req)) != 0 ||
            client_read_response(fd, ka[i].head, &b) != 0)
            FAIL("keep-alive: request %zu got no whole response: %s", i, b.p ? b.p : "");
    }
    snprintf(req, sizeof req, "GET /data.json HTTP/1.1\r\nHost: t\r\n\r\n"
             "POST /cgi-bin/env.sh HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody");
    client_send(fd, req, strlen(req));
    client_read_response(fd, 0, &b);
    client_read_all(fd, &b);   /* the last one closes */
    close(fd);
    add(rs, "keep-alive", b, port);

    for (int i = 0; i < NCONC; i++) {
        cs[i] = (struct conc){ port, i, { 0 } };
        pthread_create(&t[i], NULL, one_client, &cs[i]);
    }
    for (int i = 0; i < NCONC; i++) {
        pthread_join(t[i], NULL);
        add(rs, "concurrent", cs[i].out, port);
    }

    curl(rs, port, "curl-get", (const char *const[]){ "-i", NULL }, "/data.json");
    curl(rs, port, "curl-binary", (const char *const[]){ "-i", NULL }, "/blob.bin");
    curl(rs, port, "curl-head", (const char *const[]){ "-I", NULL }, "/index.html");
    curl(rs, port, "curl-304",
         (const char *const[]){ "-i", "-H", "If-Modified-Since: Tue, 14 Nov 2023 22:13:20 GMT", NULL },
         "/index.html");
    curl(rs, port, "curl-cgi-query", (const char *const[]){ "-i", NULL }, "/cgi-bin/env.sh?q=curl&n=1");
    curl(rs, port, "curl-cgi-post",
         (const char *const[]){ "-i", "--data-binary", "posted by curl", NULL }, "/cgi-bin/env.sh");
    curl(rs, port, "curl-listing", (const char *const[]){ "-i", NULL }, "/dir/");
    curl(rs, port, "curl-404", (const char *const[]){ "-i", NULL }, "/nope");
}

/* The access log without its timestamps, sorted (workers log in any
 * order). */
static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct buf log_lines(const char *path)
{
    char *text = slurp(path), *lines[1024], *save = NULL;
    struct buf b = { 0 };
    int n = 0;

    for (char *l = strtok_r(text, "\n", &save); l && n < 1024; l = strtok_r(NULL, "\n", &save)) {
        char *open = strchr(l, '['), *close = open ? strchr(open, ']') : NULL;
        if (open && close)
            memmove(open + 1, close, strlen(close) + 1);
        lines[n++] = l;
    }
    qsort(lines, (size_t)n, sizeof lines[0], by_str);
    for (int i = 0; i < n; i++) {
        buf_adds(&b, lines[i]);
        buf_adds(&b, "\n");
    }
    free(text);
    if (!b.p)
        buf_adds(&b, "");
    return b;
}

static void check_sanity(const struct result_set *rs)
{
    /* The baseline itself must say what the test set expects. */
    static const struct {
        const char *name, *want;
    } w[] = {
        { "get-html", "HTTP/1.1 200 OK" },      { "get-png", "Content-Type: image/png" },
        { "get-css", "text/css" },              { "head", "Content-Length: 42" },
        { "304", "HTTP/1.1 304 " },             { "ims-older", "HTTP/1.1 200 " },
        { "404", "HTTP/1.1 404 " },             { "403-dotdot", "HTTP/1.1 403 " },
        { "403-encoded", "HTTP/1.1 403 " },     { "413", "HTTP/1.1 413 " },
        { "431-line", "HTTP/1.1 431 " },        { "431-head", "HTTP/1.1 431 " },
        { "414", "HTTP/1.1 414 " },             { "414-no-version", "HTTP/1.1 414 " },
        { "405", "Allow: GET, HEAD, POST" },    { "400-garbage", "HTTP/1.1 400 " },
        { "400-no-host", "HTTP/1.1 400 " },     { "501-chunked", "HTTP/1.1 501 " },
        { "505", "HTTP/1.1 505 " },             { "http10-closes", "Connection: close" },
        { "listing", "<li><a href=\"a%20file%20%26%20%3Cmore%3E.txt\">a file &amp; &lt;more&gt;.txt</a></li>\n<li><a href=\"b.txt\">" },
        { "301-dir", "Location: /dir/" },       { "dir-index", "<p>site</p>" },
        { "cgi-get", "PATH_INFO=/extra/path\nQUERY_STRING=a=1&b=two%20words\n" },
        { "cgi-post", "CONTENT_LENGTH=22\nCONTENT_TYPE=application/x-www-form-urlencoded\nstdin:name=value&other=thing:end" },
        { "cgi-redirect", "HTTP/1.1 302 Found\r\n" }, { "cgi-bad-output", "HTTP/1.1 502 " },
        { "cgi-not-exec", "HTTP/1.1 403 " },    { "long-header-ok", "hello, fracture" },
        { "keep-alive", "stdin::end\n" },     { "keep-alive", "HTTP/1.1 404 " },
        { "keep-alive", "stdin:body:end" },       { "curl-cgi-post", "stdin:posted by curl:end" },
        { "curl-304", "HTTP/1.1 304 " },
    };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        for (int j = 0; j < rs->n; j++)
            if (strcmp(rs->name[j], w[i].name) == 0 && !memmem(rs->r[j].p, rs->r[j].len, w[i].want, strlen(w[i].want)))
                FAIL("baseline answer to '%s' lacks '%s':\n%s", w[i].name, w[i].want, rs->r[j].p);
}

static int compare(const char *plain, const char *fractured, const char *config)
{
    static struct result_set a, b;
    struct server s;
    struct buf la, lb;
    int fds_before = count_fds();

    start(&s, plain, NULL, "plain");
    run_set(&a, s.port);
    stop(&s);
    la = log_lines(s.log);
    check_sanity(&a);

    start(&s, fractured, config, "fractured");
    run_set(&b, s.port);
    {
        int k = children_of(s.pid);
        if (k > s.kids)
            s.kids = k;
    }
    stop(&s);
    lb = log_lines(s.log);

    if (a.n != b.n)
        FAIL("%d answers plain, %d fractured", a.n, b.n);
    for (int i = 0; i < a.n; i++)
        if (a.r[i].len != b.r[i].len || memcmp(a.r[i].p, b.r[i].p, a.r[i].len) != 0)
            FAIL("'%s' answered differently:\n--- plain\n%s\n--- fractured%s%s\n%s", a.name[i],
                 a.r[i].p, config ? " under " : "", config ? config : "", b.r[i].p);
    if (la.len != lb.len || memcmp(la.p, lb.p, la.len) != 0)
        FAIL("access logs differ:\n--- plain\n%s--- fractured\n%s", la.p, lb.p);
    {
        char *e = slurp(s.err);
        if (*e && !getenv("HTTPD_ALLOW_STDERR"))
            FAIL("the fractured server wrote to stderr:\n%s", e);
        free(e);
    }
    if (config && s.kids == 0 && !getenv("HTTPD_NO_FMPS"))
        FAIL("under %s the server was never seen with a child FMP", config);
    if (!config && s.kids != 0)
        FAIL("without a config the server started %d FMPs", s.kids);
    expect_no_orphans(5);
    if (own_regions() != 0)
        FAIL("the driver maps a region");
    if (count_fds() != fds_before)
        FAIL("descriptors: %d before, %d after", fds_before, count_fds());
    printf("%d answers and %zu bytes of access log identical plain and fractured%s%s, "
           "%d child FMPs, nothing left\n", a.n, la.len, config ? " under " : "",
           config ? config : "", s.kids);
    buf_free(&la);
    buf_free(&lb);
    for (int i = 0; i < a.n; i++) {
        buf_free(&a.r[i]);
        buf_free(&b.r[i]);
    }
    return 0;
}

/* ---- the deliberate bug ---- */

static void crash_request(struct buf *req)
{
    buf_adds(req, "GET /index.html HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Overflow: ");
    for (int i = 0; i < 7000; i++)
        buf_add(req, "A", 1);
    buf_adds(req, "\r\n\r\n");
}

static int crash(const char *plain, const char *fractured, const char *config)
{
    struct server s;
    struct buf req = { 0 }, b = { 0 };
    int st = 0, fds_before = count_fds();
    pid_t w = 0;

    crash_request(&req);

    /* The plain server dies of it: glibc aborts, or, in the sanitizer
     * build, ASan reports the overflow and exits. */
    start(&s, plain, NULL, "plain");
    client_once(s.port, req.p, req.len, &b);
    for (int i = 0; i < 1000 && (w = waitpid(s.pid, &st, WNOHANG)) == 0; i++)
        usleep(10000);
    if (w == 0) {
        kill(s.pid, SIGKILL);
        waitpid(s.pid, &st, 0);
        FAIL("the plain server survived the over-long header line (answered: %.200s)",
             b.p ? b.p : "");
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        FAIL("the plain server exited 0 after the over-long header line");
    printf("plain server: %s %d on the over-long header line\n",
           WIFSIGNALED(st) ? "killed by signal" : "exited with", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    buf_free(&b);

    if (fractured) {
        start(&s, fractured, config, "fractured");
        for (int round = 0; round < 3; round++) {
            client_once(s.port, req.p, req.len, &b);
            if (!b.p || strncmp(b.p, "HTTP/1.1 200 OK\r\n", 17) != 0 || !strstr(b.p, "hello, fracture"))
                FAIL("round %d: no answer to the over-long header line under %s:\n%s\nstderr:\n%s",
                     round, config, b.p ? b.p : "", slurp(s.err));
            buf_free(&b);
            for (int i = 0; i < 10; i++) {
                static const char ok[] = "GET /data.json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
                client_once(s.port, ok, sizeof ok - 1, &b);
                if (!b.p || !strstr(b.p, "{\"answer\": 42}"))
                    FAIL("round %d: request %d after the crash failed:\n%s", round, i, b.p ? b.p : "");
                buf_free(&b);
            }
        }
        {
            int k = children_of(s.pid);
            if (k > s.kids)
                s.kids = k;
        }
        stop(&s);
        char *e = slurp(s.err);
        if (!strstr(e, "restarted"))
            FAIL("no restart was reported on stderr:\n%s", e);
        if (s.kids == 0)
            FAIL("no child FMP seen under %s", config);
        printf("fractured server under %s: answered the over-long header line 3 times and 30 "
               "requests after it; stderr:\n%s", config, e);
        free(e);
    }
    expect_no_orphans(5);
    if (own_regions() != 0)
        FAIL("the driver maps a region");
    if (count_fds() != fds_before)
        FAIL("descriptors: %d before, %d after", fds_before, count_fds());
    buf_free(&req);
    return 0;
}

int main(int argc, char **argv)
{
    int rc;

    if (argc >= 4 && strcmp(argv[1], "compare") == 0 && argc <= 5) {
        signal(SIGPIPE, SIG_IGN);
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        make_root();
        atexit(remove_dirs);
        rc = compare(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
    } else if (argc >= 3 && strcmp(argv[1], "crash") == 0 && (argc == 3 || argc == 5)) {
        signal(SIGPIPE, SIG_IGN);
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        make_root();
        atexit(remove_dirs);
        rc = crash(argv[2], argc == 5 ? argv[3] : NULL, argc == 5 ? argv[4] : NULL);
    } else {
        fprintf(stderr, "usage: check_httpd compare PLAIN FRACTURED [CONFIG]\n"
                        "       check_httpd crash PLAIN [FRACTURED CONFIG]\n");
        return 2;
    }
    return rc;
}
