/*
 * main.c - fracture-chat, an IRC client (RFC 2812, client side) with a
 * terminal UI: the options, then one poll() loop over the server's socket
 * and the terminal.  The loop, the session and the UI stay in the root
 * (module main); parsing, formatting, the scrollback and the plugins are
 * modules that a deployment may move into FMPs of their own.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

static void usage(FILE *f, const char *argv0)
{
    fprintf(f,
            "usage: %s [options]\n"
            "An IRC client (RFC 2812) with a terminal UI.\n"
            "  -s, --server HOST      the server (default 127.0.0.1)\n"
            "  -p, --port N           its port (default 6667)\n"
            "  -n, --nick NICK        the nick (default: your login name)\n"
            "  -a, --alt-nick NICK    the nick to try when NICK is taken (then NICK_, NICK__)\n"
            "  -u, --user NAME        the user name (default: the nick)\n"
            "  -r, --realname TEXT    the real name (default \"fracture-chat user\")\n"
            "  -P, --pass PASSWORD    the server password (PASS), if it wants one\n"
            "  -c, --channel #CHAN    join it once registered (repeatable, or comma-separated)\n"
            "  -l, --log-dir DIR      the logger plugin writes DIR/WINDOW.log\n"
            "  -H, --highlight WORDS  comma-separated words that highlight a line (as your nick does)\n"
            "  -h, --help             this text\n"
            "In the client: /help lists the commands; Alt-N, Ctrl-N/P switch windows,\n"
            "PgUp/PgDn scroll, Up/Down recall, Tab completes a nick, /quit ends.\n",
            argv0);
}

static int set(char *dst, size_t cap, const char *v, const char *what)
{
    if (strlen(v) >= cap) {
        fprintf(stderr, "fracture-chat: %s is too long\n", what);
        return -1;
    }
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

static int add_channels(struct options *o, const char *list)
{
    char buf[1024], *save = NULL;

    if (set(buf, sizeof buf, list, "--channel") != 0)
        return -1;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (o->nchannels == CHANNELS_MAX) {
            fprintf(stderr, "fracture-chat: at most %d channels\n", CHANNELS_MAX);
            return -1;
        }
        if (set(o->channels[o->nchannels++], NICK_MAX, t, "a channel name") != 0)
            return -1;
    }
    return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {
        {"server", required_argument, NULL, 's'}, {"port", required_argument, NULL, 'p'},
        {"nick", required_argument, NULL, 'n'}, {"alt-nick", required_argument, NULL, 'a'},
        {"user", required_argument, NULL, 'u'}, {"realname", required_argument, NULL, 'r'},
        {"pass", required_argument, NULL, 'P'}, {"channel", required_argument, NULL, 'c'},
        {"log-dir", required_argument, NULL, 'l'}, {"highlight", required_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int ch, rc = 0;

    snprintf(o->server, sizeof o->server, "127.0.0.1");
    snprintf(o->port, sizeof o->port, "6667");
    snprintf(o->realname, sizeof o->realname, "fracture-chat user");
    while ((ch = getopt_long(argc, argv, "s:p:n:a:u:r:P:c:l:H:h", longs, NULL)) != -1) {
        switch (ch) {
        case 's': rc = set(o->server, sizeof o->server, optarg, "--server"); break;
        case 'p': rc = set(o->port, sizeof o->port, optarg, "--port"); break;
        case 'n': rc = set(o->nick, sizeof o->nick, optarg, "--nick"); break;
        case 'a': rc = set(o->alt_nick, sizeof o->alt_nick, optarg, "--alt-nick"); break;
        case 'u': rc = set(o->user, sizeof o->user, optarg, "--user"); break;
        case 'r': rc = set(o->realname, sizeof o->realname, optarg, "--realname"); break;
        case 'P': rc = set(o->pass, sizeof o->pass, optarg, "--pass"); break;
        case 'c': rc = add_channels(o, optarg); break;
        case 'l': rc = set(o->log_dir, sizeof o->log_dir, optarg, "--log-dir"); break;
        case 'H': rc = set(o->highlight, sizeof o->highlight, optarg, "--highlight"); break;
        case 'h': usage(stdout, argv[0]); exit(0);
        default: usage(stderr, argv[0]); return 2;
        }
        if (rc)
            return 2;
    }
    if (optind < argc) {
        fprintf(stderr, "fracture-chat: unexpected argument '%s'\n", argv[optind]);
        usage(stderr, argv[0]);
        return 2;
    }
    if (!o->nick[0]) {
        const struct passwd *pw = getpwuid(getuid());
        snprintf(o->nick, sizeof o->nick, "%s", pw && pw->pw_name[0] ? pw->pw_name : "fchat");
    }
    if (!o->user[0])
        snprintf(o->user, sizeof o->user, "%s", o->nick);
    return 0;
}

int main(int argc, char **argv)
{
    static struct client cl;   /* large (the history); zeroed */
    struct client *c = &cl;
    int rc;

    c->fd = -1;
    rc = parse_options(argc, argv, &c->opt);
    if (rc)
        return rc;
    memcpy(c->nick, c->opt.nick, sizeof c->nick);
    rc = plugins_init(&c->opt);
    if (rc) {
        fprintf(stderr, "fracture-chat: plugins: %s\n", strerror(-rc));
        return 1;
    }
    rc = net_connect(c);
    if (rc) {
        fprintf(stderr, "fracture-chat: cannot connect to %s port %s: %s\n", c->opt.server,
                c->opt.port, strerror(-rc));
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    if (ui_start() != 0) {
        fprintf(stderr, "fracture-chat: cannot start the terminal UI\n");
        net_close(c);
        return 1;
    }
    win_get(c, "status");
    win_note(c, c->win[0], LINE_CLIENT, "Connecting to %s port %s as %s", c->opt.server,
             c->opt.port, c->nick);
    session_start(c);
    ui_draw(c);

    while (!c->quit) {
        struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = c->fd, .events = POLLIN}};
        int n = poll(p, c->fd >= 0 ? 2 : 1, -1);

        if (n < 0 && errno != EINTR)
            break;
        if (n > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
            ui_keys(c);
        if (p[0].revents & (POLLHUP | POLLERR))
            break;   /* the terminal went away */
        if (n < 0)
            ui_keys(c);   /* SIGWINCH: ncurses queued a KEY_RESIZE */
        if (c->fd >= 0 && n > 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            if (net_read(c) < 0) {
                net_close(c);
                win_note(c, c->win[0], LINE_ERROR, "Disconnected from %s (/quit to leave)",
                         c->opt.server);
                for (int i = 0; i < c->nwin; i++)
                    if (c->win[i]->is_channel)
                        win_note(c, c->win[i], LINE_ERROR, "Disconnected");
            }
        }
        if (c->dirty && !c->quit)
            ui_draw(c);
    }
    ui_stop();
    net_close(c);
    win_free_all(c);
    return 0;
}
