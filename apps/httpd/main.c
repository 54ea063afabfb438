/*
 * main.c - fracture-httpd: options, the document root, the access log,
 * then the server.  Module main (the root FMP).
 *
 *   httpd [--port N] [--root DIR] [--threads N] [--log FILE] [--any]
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accesslog.h"
#include "server.h"

static void usage(FILE *f, const char *argv0)
{
    fprintf(f,
            "usage: %s [options]\n"
            "A multi-threaded HTTP/1.1 server: static files, directory listings, CGI/1.1\n"
            "scripts under /cgi-bin/.\n\n"
            "  --port N      port to listen on (default 8080; 0: any free port, printed\n"
            "                as \"listening on PORT\" once the server accepts)\n"
            "  --root DIR    document root (default: the current directory)\n"
            "  --threads N   worker threads (default 4)\n"
            "  --log FILE    append an access log in Common Log Format (default: none)\n"
            "  --any         listen on every address (default: 127.0.0.1 only)\n"
            "  --help        this text\n",
            argv0);
}

static int to_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "port", required_argument, NULL, 'p' }, { "root", required_argument, NULL, 'r' },
        { "threads", required_argument, NULL, 't' }, { "log", required_argument, NULL, 'l' },
        { "any", no_argument, NULL, 'a' },        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct conf conf = { 0 }, *c = &conf;
    const char *root = ".", *log = NULL;
    char real[PATH_MAX];
    struct stat st;
    int opt, any = 0, lfd, rc;

    c->port = 8080;
    c->threads = 4;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'p':
            if (to_int(optarg, 0, 65535, &c->port)) {
                fprintf(stderr, "httpd: error: --port: not a port: %s\n", optarg);
                return 2;
            }
            break;
        case 't':
            if (to_int(optarg, 1, 1024, &c->threads)) {
                fprintf(stderr, "httpd: error: --threads: 1 to 1024, not %s\n", optarg);
                return 2;
            }
            break;
        case 'r': root = optarg; break;
        case 'l': log = optarg; break;
        case 'a': any = 1; break;
        case 'h': usage(stdout, argv[0]); return 0;
        default: usage(stderr, argv[0]); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "httpd: error: unexpected argument: %s\n", argv[optind]);
        return 2;
    }
    if (!realpath(root, real) || stat(real, &st) != 0 || !S_ISDIR(st.st_mode) ||
        strlen(real) >= sizeof c->root) {
        fprintf(stderr, "httpd: error: --root: not a directory: %s\n", root);
        return 1;
    }
    /* "/" as root would make every path "//x": keep it without the slash. */
    if (strcmp(real, "/") != 0)
        memcpy(c->root, real, strlen(real) + 1);   /* the length was checked */
    snprintf(c->server_name, sizeof c->server_name, "localhost");
    if (log && (rc = log_open(log)) != 0) {
        fprintf(stderr, "httpd: error: --log: cannot open %s\n", log);
        return 1;
    }
    if ((lfd = server_listen(c, any)) < 0) {
        perror("httpd: error: listen");
        return 1;
    }
    printf("listening on %d\n", c->port);
    fflush(stdout);
    rc = server_run(lfd, c);
    close(lfd);
    log_close();
    return rc == 0 ? 0 : 1;
}
