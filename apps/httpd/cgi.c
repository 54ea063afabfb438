/*
 * cgi.c - module "cgi": running a CGI/1.1 script (RFC 3875) for a request.
 * The script gets exactly the environment of RFC 3875 4.1 and the request
 * body on its stdin; its whole output is collected, its head read by
 * module "cgiout", and the answer sent with a Content-Length, so that the
 * connection can stay open.  Running a script is an effect on the world
 * (it may write files, send mail), so this module claims no capability: a
 * replayed or replicated call would run the script again.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgi.h"
#include "response.h"
#include "sendall.h"

/* Static helpers of this file belong to the module too (FR_MODULE moves
 * only the function it stands on). */
FRACTURE_MODULE(cgi, 0);

#define CGI_OUTPUT_MAX (16 << 20)

/* In the forked child: the CGI environment, stdin/stdout, exec. */
static void exec_script(const struct conf *c, const struct request *r,
                        const struct cgi_call *call, size_t bodylen, int in, int out)
{
    char vars[14][URI_MAX + 64];
    char *envp[15], *argv[2], dir[PATH_LEN], *slash;
    int n = 0;

#define VAR(...) snprintf(vars[n], sizeof vars[n], __VA_ARGS__), envp[n] = vars[n], n++
    VAR("GATEWAY_INTERFACE=CGI/1.1");
    VAR("SERVER_SOFTWARE=%s", HTTPD_SOFTWARE);
    VAR("SERVER_NAME=%s", c->server_name);
    VAR("SERVER_PORT=%d", c->port);
    VAR("SERVER_PROTOCOL=%s", r->version);
    VAR("REQUEST_METHOD=%s", r->method);
    VAR("SCRIPT_NAME=%s", call->script_name);
    VAR("PATH_INFO=%s", call->path_info);
    VAR("QUERY_STRING=%s", r->query);
    VAR("REMOTE_ADDR=%s", call->remote_addr);
    if (r->content_length >= 0)
        VAR("CONTENT_LENGTH=%zu", bodylen);
    if (r->content_type[0])
        VAR("CONTENT_TYPE=%s", r->content_type);
    VAR("PATH=/usr/local/bin:/usr/bin:/bin");
#undef VAR
    envp[n] = NULL;

    if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
        _exit(127);
    /* Nothing of the server's (client sockets, Fracture's regions) may
     * reach the script. */
    if (close_range(3, ~0U, 0) != 0)
        for (int fd = 3; fd < 65536; fd++)
            close(fd);
    snprintf(dir, sizeof dir, "%s", call->script);
    if ((slash = strrchr(dir, '/')) && slash != dir) {
        *slash = '\0';
        if (chdir(dir) != 0)
            _exit(127);
    }
    argv[0] = (char *)call->script;
    argv[1] = NULL;
    signal(SIGPIPE, SIG_DFL);
    execve(call->script, argv, envp);
    _exit(127);
}

/* Feeds body to the script and collects what it writes, together, so that
 * a script that writes before it reads cannot dead-lock with us.  0 and the
 * output (malloc'ed) in *outp, or -1. */
static int exchange(int to, int from, const char *body, size_t bodylen, char **outp,
                    size_t *outlen)
{
    size_t off = 0, len = 0, cap = 0;
    char *out = NULL;

    if (bodylen == 0) {
        close(to);
        to = -1;
    }
    for (;;) {
        struct pollfd p[2] = { { from, POLLIN, 0 }, { to, POLLOUT, 0 } };
        if (poll(p, to >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        if (to >= 0 && p[1].revents) {
            ssize_t n = write(to, body + off, bodylen - off);
            if (n < 0 && errno != EINTR && errno != EAGAIN)
                off = bodylen;   /* the script stopped reading: fine */
            else if (n > 0)
                off += (size_t)n;
            if (off == bodylen) {
                close(to);
                to = -1;
            }
        }
        if (p[0].revents) {
            ssize_t n;
            if (len + 65536 > cap) {
                char *o;
                if (cap >= CGI_OUTPUT_MAX || !(o = realloc(out, cap = cap ? 2 * cap : 65536)))
                    goto fail;
                out = o;
            }
            n = read(from, out + len, cap - len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            len += (size_t)n;
        }
    }
    if (to >= 0)
        close(to);
    *outp = out;
    *outlen = len;
    return 0;
fail:
    if (to >= 0)
        close(to);
    free(out);
    return -1;
}

FR_MODULE(cgi, 0)
struct result cgi_run(FR_FD int fd, const struct conf *c, const struct request *r,
                      const struct cgi_call *call, FR_IN(bodylen) const char *body,
                      size_t bodylen)
{
    struct result res = { 502, 0, 0 };
    struct cgi_head ch;
    struct head h;
    char head[4096 + URI_MAX], *out = NULL;
    size_t outlen = 0, hl;
    int in[2], outp[2], st, ok;
    pid_t pid;

    /* Writing to a script that exited early must be EPIPE, not death: this
     * module may run in a child FMP, which did not inherit main()'s choice. */
    signal(SIGPIPE, SIG_IGN);
    if (pipe2(in, O_CLOEXEC) != 0) {
        res.status = 500;
        return res;
    }
    if (pipe2(outp, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        res.status = 500;
        return res;
    }
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    pid = fork();
    if (pid == 0)
        exec_script(c, r, call, bodylen, in[0], outp[1]);
    close(in[0]);
    close(outp[1]);
    if (pid < 0) {
        close(in[1]);
        close(outp[0]);
        res.status = 500;
        return res;
    }
    ok = exchange(in[1], outp[0], body, bodylen, &out, &outlen) == 0;
    close(outp[0]);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!ok || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
        cgi_parse_output(out ? out : "", outlen, &ch) != 0)
        goto out;

    memset(&h, 0, sizeof h);
    snprintf(h.date, sizeof h.date, "%s", call->date);
    h.status = ch.status;
    h.keep_alive = r->keep_alive;
    h.last_modified = -1;
    h.length = (long long)outlen - ch.body_off;
    memcpy(h.content_type, ch.content_type, sizeof h.content_type);
    memcpy(h.location, ch.location, sizeof h.location);
    if (!(hl = http_head(head, sizeof head, &h)))
        goto out;
    res.status = h.status;
    res.sent = 1;
    if (send_all(fd, head, hl) == 0 && strcmp(r->method, "HEAD") != 0 &&
        send_all(fd, out + ch.body_off, outlen - (size_t)ch.body_off) == 0)
        res.bytes = h.length;
out:
    free(out);
    return res;
}
