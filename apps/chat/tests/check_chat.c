/*
 * check_chat.c - end-to-end tests of apps/chat, as a person uses it: the
 * client runs in a tmux pane (a private server on a socket in the test's
 * temp dir), send-keys types, capture-pane reads the screen, and the test
 * checks what is shown.  The server is a real one (Debian's ngircd, on
 * 127.0.0.1 with a generated config), with scripted peers of our own
 * beside the client; for what no real server sends, a hostile fake server
 * of our own stands in.
 *
 *   check_chat ui CHAT [CONFIG]      the session: joins, messages, /me,
 *                                    topic, nicks, queries, tab completion,
 *                                    highlight, /seen, history, scrollback
 *   check_chat crash CHAT names|mode a hostile line kills the client: the
 *                                    pane shows it died
 *   check_chat rx CHAT CONFIG        the same line under micro-Rx: the
 *                                    parser's FMP dies and comes back, the
 *                                    screen never blanks, the session goes on
 *   check_chat leaks CHAT CONFIG     the two rare-traffic leaks, with parse
 *                                    and format under memcheck: the XML
 *                                    report names both
 *   check_chat crowd CHAT CONFIG FRACTURE [RARE [DIR]]
 *                                    eight deployments of the crowd config,
 *                                    each with its own workload; `fracture
 *                                    report` over their reports ranks the
 *                                    two leaks first (in DIR if given: kept)
 *   check_chat latency SAMPLES RATE PREFIX CHAT|cat
 *                                    keystroke to screen through tmux, with
 *                                    RATE channel lines a second; PREFIX
 *                                    (- for none) runs before CHAT, as
 *                                    "env FRACTURE_CONFIG=..." or valgrind
 *   check_chat hostile CHAT CONFIG FRACTURE ID names|mode
 *                                    a crowd deployment watching parse meets
 *                                    a hostile server: the invalid write is
 *                                    reported
 *
 * Nothing outlives a test: a guardian process (which sees the driver's end
 * through a pipe, however it ends) stops tmux and ngircd and removes the
 * temp dir, and the driver, a child subreaper, reaps every process of the
 * run before it exits.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "irc_peer.h"
#include "leftovers.h"

static char tmp[] = "/tmp/fr-chat-XXXXXX";
static char sock[256];
static pid_t ngircd_pid = -1, guardian_pid = -1;
static int guardian_fd = -1;
static int irc_port;
/* Where the client runs and leaves chat.err and status (the temp dir, or
 * one deployment's dir of a crowd), and what more its environment holds. */
static char run_dir[512];
static char client_env[512];

/* ---- cleanup ---- */

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    remove(path);
    return 0;
}

static void run_quiet(char *const argv[])
{
    pid_t pid = fork();

    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0), dup2(null, 1), dup2(null, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

/* Stops what the test started; safe to call twice, and from the guardian. */
static void stop_all(void)
{
    char *kill_tmux[] = {"tmux", "-S", sock, "kill-server", NULL};

    if (sock[0])
        run_quiet(kill_tmux);
    if (ngircd_pid > 0) {
        kill(ngircd_pid, SIGKILL);
        waitpid(ngircd_pid, NULL, 0);
        ngircd_pid = -1;
    }
}

static void show_err(void);

static void at_exit(void)
{
    if (guardian_pid <= 0 || getpid() == guardian_pid)
        return;
    show_err();   /* what the client said, on success and failure alike */
    stop_all();
    nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    close(guardian_fd);   /* the guardian finds nothing left, and ends */
    guardian_fd = -1;
    expect_no_orphans(20);
}

/* A process that outlives a driver killed by ctest's timeout just long
 * enough to stop tmux and ngircd and remove the temp dir. */
static void start_guardian(void)
{
    int p[2];

    if (pipe2(p, O_CLOEXEC) != 0)
        FAIL("pipe: %s", strerror(errno));
    guardian_pid = fork();
    if (guardian_pid < 0)
        FAIL("fork: %s", strerror(errno));
    if (guardian_pid == 0) {
        char c;
        close(p[1]);
        while (read(p[0], &c, 1) != 0)
            ;
        /* The driver is gone or done: ngircd's pid was written beside it. */
        {
            char path[512];
            FILE *f;
            snprintf(path, sizeof path, "%s/ngircd.child", tmp);
            if ((f = fopen(path, "r")) != NULL) {
                int pid;
                if (fscanf(f, "%d", &pid) == 1 && pid > 0)
                    kill(pid, SIGKILL);
                fclose(f);
            }
        }
        stop_all();
        nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        _exit(0);
    }
    close(p[0]);
    guardian_fd = p[1];
}

static void setup(void)
{
    if (!mkdtemp(tmp))
        FAIL("mkdtemp: %s", strerror(errno));
    snprintf(sock, sizeof sock, "%s/tmux.sock", tmp);
    snprintf(run_dir, sizeof run_dir, "%s", tmp);
    /* Processes that leave their parent (tmux's server) come to us. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    start_guardian();
    atexit(at_exit);
    signal(SIGPIPE, SIG_IGN);
    unsetenv("FRACTURE_CONFIG");
    unsetenv("TMUX");
}

static void write_file(const char *rel, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", tmp, rel);
    f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        FAIL("writing %s: %s", path, strerror(errno));
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = calloc(1, (size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        FAIL("reading %s", path);
    fclose(f);
    return buf;
}

/* ---- ngircd ---- */

static void start_ngircd(void)
{
    char conf[1024], path[512], buf[64];
    struct timespec pause = {0, 20 * 1000 * 1000};

    irc_port = free_port();
    /* Penalties off (MaxPenaltyTime = 0): a scripted peer sends faster
     * than ngircd lets a person.  Run as root, ngircd takes "nobody". */
    snprintf(conf, sizeof conf,
             "[Global]\n"
             "Name = irc.test\n"
             "Info = fracture-chat test server\n"
             "Listen = 127.0.0.1\n"
             "Ports = %d\n"
             "MotdPhrase = \"fracture-chat test server\"\n"
             "[Limits]\n"
             "MaxNickLength = 30\n"
             "MaxPenaltyTime = 0\n"
             "MaxConnectionsIP = 0\n"
             "PingTimeout = 300\n"
             "[Options]\n"
             "PAM = no\nIdent = no\nDNS = no\n",
             irc_port);
    write_file("ngircd.conf", conf);
    snprintf(path, sizeof path, "%s/ngircd.conf", tmp);
    ngircd_pid = fork();
    if (ngircd_pid < 0)
        FAIL("fork: %s", strerror(errno));
    if (ngircd_pid == 0) {
        char log[512];
        int fd;
        snprintf(log, sizeof log, "%s/ngircd.log", tmp);
        fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1), dup2(fd, 2);
        execlp("ngircd", "ngircd", "--nodaemon", "--config", path, (char *)NULL);
        _exit(127);
    }
    snprintf(buf, sizeof buf, "%d\n", (int)ngircd_pid);
    write_file("ngircd.child", buf);
    /* Ready once it accepts a connection. */
    for (int i = 0; i < 250; i++) {
        int st;
        if (waitpid(ngircd_pid, &st, WNOHANG) == ngircd_pid) {
            char lp[512];
            snprintf(lp, sizeof lp, "%s/ngircd.log", tmp);
            ngircd_pid = -1;
            FAIL("ngircd ended at start:\n%s", read_file(lp) ? read_file(lp) : "");
        }
        if (port_open(irc_port))
            return;
        nanosleep(&pause, NULL);
    }
    FAIL("ngircd did not listen on port %d in 5 s", irc_port);
}

/* ---- tmux ---- */

/* Runs tmux with args on the test's socket; its stdout (malloc'ed, the
 * caller frees) if out. */
static int tmux(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int tmux(char **out, const char *fmt, ...)
{
    char args[8192], *argv[64];
    int argc = 0, p[2], st;
    va_list ap;
    pid_t pid;
    size_t len = 0, cap = 65536;
    char *buf;

    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    argv[argc++] = "tmux";
    argv[argc++] = "-S";
    argv[argc++] = sock;
    /* Arguments are separated by a unit separator, so that one may hold
     * spaces (a command line, keys to type). */
    for (char *s = args, *e; s && argc < 62; s = e) {
        e = strchr(s, '\x1f');
        if (e)
            *e++ = '\0';
        argv[argc++] = s;
    }
    argv[argc] = NULL;
    if (pipe2(p, O_CLOEXEC) != 0)
        FAIL("pipe: %s", strerror(errno));
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(p[1], 1);
        execvp("tmux", argv);
        _exit(127);
    }
    close(p[1]);
    buf = malloc(cap);
    for (;;) {
        ssize_t r = read(p[0], buf + len, cap - len - 1);
        if (r <= 0)
            break;
        len += (size_t)r;
        if (len + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    close(p[0]);
    waitpid(pid, &st, 0);
    if (out)
        *out = buf;
    else
        free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

#define SEP "\x1f"

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *screen(void)
{
    char *s = NULL;

    if (tmux(&s, "capture-pane" SEP "-p" SEP "-t" SEP "chat") != 0)
        FAIL("tmux capture-pane failed");
    return s;
}

static int pane_dead(void)
{
    char *s = NULL;
    int dead;

    tmux(&s, "display-message" SEP "-p" SEP "-t" SEP "chat" SEP "#{pane_dead}");
    dead = s && s[0] == '1';
    free(s);
    return dead;
}

/* Waits until the screen shows needle; fails after secs with the screen. */
static void expect_screen(const char *needle, int secs)
{
    double end = now_s() + secs;
    char *s = NULL;
    struct timespec pause = {0, 30 * 1000 * 1000};

    for (;;) {
        free(s);
        s = screen();
        if (strstr(s, needle)) {
            free(s);
            return;
        }
        if (now_s() > end)
            break;
        nanosleep(&pause, NULL);
    }
    FAIL("the screen does not show \"%s\" after %d s; it shows:\n%s", needle, secs, s);
}

static void expect_not_screen(const char *needle)
{
    char *s = screen();

    if (strstr(s, needle))
        FAIL("the screen shows \"%s\"; it should not:\n%s", needle, s);
    free(s);
}

/* Types text literally (no Enter). */
static void type(const char *text)
{
    tmux(NULL, "send-keys" SEP "-t" SEP "chat" SEP "-l" SEP "%s", text);
}

/* Presses keys by tmux's names: Enter, Tab, M-3, C-n, PPage, Up. */
static void press(const char *key)
{
    tmux(NULL, "send-keys" SEP "-t" SEP "chat" SEP "%s", key);
}

static void line(const char *text)
{
    type(text);
    press("Enter");
}

/* Starts the client in a 100x30 pane, in the temp dir, with config (NULL:
 * none) and extra options, its stderr into chat.err. */
static void start_client(const char *chat, const char *config, int port, const char *opts)
{
    char conf[512], cmd[4096];

    snprintf(conf, sizeof conf, "%s/tmux.conf", tmp);
    write_file("tmux.conf", "set -g default-terminal screen\n"
                            "set -g remain-on-exit on\n"
                            "set -g status off\n"
                            "set -g history-limit 0\n");
    snprintf(cmd, sizeof cmd,
             "cd %s && env %s %s%s %s --server 127.0.0.1 --port %d %s 2>%s/chat.err; "
             "echo $? >%s/status.new && mv %s/status.new %s/status", run_dir, client_env,
             config ? "FRACTURE_CONFIG=" : "", config ? config : "", chat, port, opts, run_dir,
             run_dir, run_dir, run_dir);
    if (tmux(NULL, "-f" SEP "%s" SEP "new-session" SEP "-d" SEP "-s" SEP "chat" SEP "-x" SEP
             "100" SEP "-y" SEP "30" SEP "%s", conf, cmd) != 0)
        FAIL("tmux new-session failed");
}

static void expect_dead(int secs)
{
    double end = now_s() + secs;
    struct timespec pause = {0, 30 * 1000 * 1000};

    while (!pane_dead()) {
        if (now_s() > end) {
            char *s = screen();
            FAIL("the client is still running after %d s:\n%s", secs, s);
        }
        nanosleep(&pause, NULL);
    }
}

/* The client's exit status as the pane's shell saw it, once it ended (the
 * caller frees it; NULL if none came within 5 s): 128 + the signal for a
 * death by signal (glibc's abort, a SIGSEGV; tmux 3.3 tells no signal of a
 * pane), 1 for ASan's report. */
static char *client_status(void)
{
    char path[600], *s = NULL;

    snprintf(path, sizeof path, "%s/status", run_dir);
    for (int t = 0; t < 100 && !(s = read_file(path)); t++)
        usleep(50000);
    if (s)
        s[strcspn(s, "\n")] = '\0';
    return s;
}

static void show_err(void)
{
    char path[600], *e;

    snprintf(path, sizeof path, "%s/chat.err", run_dir);
    e = read_file(path);
    if (e && *e)
        fprintf(stderr, "--- the client's stderr:\n%s---\n", e);
    free(e);
}

/* ---- the session ---- */

static int test_ui(const char *chat, const char *config)
{
    struct peer *holder, *alice, *bob;
    char opts[1024], path[512], *log;

    start_ngircd();
    /* "tester" is taken: the client must fall back to "tester_". */
    holder = peer_open(irc_port, "tester");
    alice = peer_open(irc_port, "alice");
    peer_send(alice, "JOIN #fracture");
    peer_wait(alice, "366", 5);
    peer_send(alice, "TOPIC #fracture :the fracture test channel");
    peer_wait(alice, "TOPIC #fracture", 5);
    snprintf(path, sizeof path, "%s/logs", tmp);
    mkdir(path, 0700);
    snprintf(opts, sizeof opts, "--nick tester --channel '#fracture' --log-dir %s "
             "--highlight fracture-rocks", path);
    start_client(chat, config, irc_port, opts);

    expect_screen("You have joined #fracture", 10);
    expect_screen("[tester_]", 5);                     /* the 433 fallback */
    expect_screen(" #fracture: the fracture test channel", 5);
    expect_screen("@alice", 5);                        /* the nick list */
    expect_screen(" tester_", 5);
    peer_send(holder, "QUIT :done");
    peer_close(holder);
    peer_wait(alice, "tester_!", 5);

    /* Messages from a peer, in the channel's window. */
    peer_send(alice, "PRIVMSG #fracture :hello from alice");
    expect_screen("<alice> hello from alice", 5);
    peer_send(alice, "PRIVMSG #fracture :\001ACTION waves\001");
    expect_screen("* alice waves", 5);

    /* What the user types reaches the peer. */
    line("hi alice");
    peer_wait(alice, "PRIVMSG #fracture :hi alice", 5);
    expect_screen("<tester_> hi alice", 5);
    type("al");
    press("Tab");
    expect_screen("[#fracture] alice:", 5);   /* capture-pane drops the trailing space */
    line("ping?");
    peer_wait(alice, "PRIVMSG #fracture :alice: ping?", 5);
    line("/me dances");
    peer_wait(alice, "\001ACTION dances\001", 5);
    expect_screen("* tester_ dances", 5);

    /* Joins, nick changes and quits of others, in text and nick list. */
    bob = peer_open(irc_port, "bob");
    peer_send(bob, "JOIN #fracture");
    expect_screen("bob [~bob@", 5);
    expect_screen("has joined #fracture", 5);
    expect_screen("| bob", 5);
    peer_send(bob, "NICK robert");
    expect_screen("bob is now known as robert", 5);
    expect_screen("| robert", 5);
    expect_not_screen("| bob");
    peer_send(bob, "QUIT :bye now");
    expect_screen("robert has quit [", 5);
    peer_close(bob);

    /* A query opens a window of its own, flagged in the status line. */
    peer_send(alice, "PRIVMSG tester_ :psst, a private word");
    expect_screen("[Act: 3]", 5);
    press("M-3");
    expect_screen("[3:alice]", 5);
    expect_screen("<alice> psst, a private word", 5);
    line("a private answer");
    peer_wait(alice, "PRIVMSG alice :a private answer", 5);
    press("C-p");
    expect_screen("[2:#fracture]", 5);
    press("C-n");
    expect_screen("[3:alice]", 5);
    line("/win 2");
    expect_screen("[2:#fracture]", 5);

    /* CTCP VERSION is answered. */
    peer_send(alice, "PRIVMSG tester_ :\001VERSION\001");
    peer_wait(alice, "\001VERSION fracture-chat", 5);

    /* The highlight plugin marks mentions of the nick and of keywords. */
    peer_send(alice, "PRIVMSG #fracture :tester_: are you there?");
    expect_screen(">> ", 5);
    expect_screen("<alice> tester_: are you there?", 5);
    peer_send(alice, "PRIVMSG #fracture :fracture-rocks indeed");
    expect_screen("<alice> fracture-rocks indeed", 5);

    /* Topic and mode changes. */
    peer_send(alice, "TOPIC #fracture :a new topic");
    expect_screen("alice changed the topic of #fracture to: a new topic", 5);
    expect_screen(" #fracture: a new topic", 5);
    peer_send(alice, "MODE #fracture +v tester_");
    expect_screen("mode/#fracture [+v tester_] by alice", 5);
    expect_screen("|+tester_", 5);

    /* The user's own nick change. */
    line("/nick tester2");
    expect_screen("You are now known as tester2", 5);
    expect_screen("[tester2]", 5);
    expect_screen("|+tester2", 5);

    /* The seen plugin, then the input history. */
    line("/seen alice");
    expect_screen("alice was last seen ", 5);
    expect_screen("in #fracture, ", 5);
    press("Up");
    expect_screen("[#fracture] /seen alice", 5);
    press("C-u");

    /* Scrollback: 40 lines push the first out of view; PgUp brings them
     * back, PgDn returns. */
    for (int i = 1; i <= 40; i++)
        peer_send(alice, "PRIVMSG #fracture :line %02d of forty", i);
    expect_screen("line 40 of forty", 10);
    expect_not_screen("line 05 of forty");
    press("PPage");
    press("PPage");
    expect_screen("line 05 of forty", 5);
    expect_screen("[more below]", 5);
    press("NPage");
    press("NPage");
    expect_screen("line 40 of forty", 5);

    /* The logger plugin wrote the channel's lines. */
    snprintf(path, sizeof path, "%s/logs/#fracture.log", tmp);
    log = read_file(path);
    if (!log || !strstr(log, "<alice> hello from alice") || !strstr(log, "* tester_ dances") ||
        !strstr(log, "line 40 of forty"))
        FAIL("the logger's %s lacks lines:\n%s", path, log ? log : "(no file)");
    free(log);

    line("/quit see you");
    peer_wait(alice, "see you", 5);   /* ngircd quotes it: QUIT :"see you" */
    expect_dead(10);
    peer_close(alice);
    return 0;
}

/* ---- hostile input ---- */

static const char *hostile_line(const char *bug, char *buf, size_t cap)
{
    if (strcmp(bug, "names") == 0) {
        /* FRACTURE-DEMO BUG 1: a name of 4,000 bytes in a 353 reply. */
        int n = snprintf(buf, cap, ":irc.test 353 tester = #fracture :@op ");
        memset(buf + n, 'A', 4000);
        buf[n + 4000] = '\0';
    } else if (strcmp(bug, "mode") == 0) {
        /* FRACTURE-DEMO BUG 2: ten changes in one MODE. */
        snprintf(buf, cap, ":op!op@irc.test MODE #fracture +oooooooooo a b c d e f g h i j");
    } else {
        FAIL("unknown bug %s (names, mode)", bug);
    }
    return buf;
}

/* The fake server welcomes the client into #fracture. */
static struct peer *fake_session(int lfd)
{
    struct peer *srv;

    /* A client that ends at once (a config refused) fails the test now. */
    for (int i = 0; i < 100; i++) {
        struct pollfd pf = {.fd = lfd, .events = POLLIN};
        if (poll(&pf, 1, 100) == 1)
            break;
        if (pane_dead())
            FAIL("the client ended before it connected");
    }
    srv = fake_accept(lfd, 1);

    peer_send(srv, ":irc.test 001 tester :Welcome to the hostile server");
    peer_wait(srv, "JOIN #fracture", 5);
    peer_send(srv, ":tester!tester@127.0.0.1 JOIN #fracture");
    peer_send(srv, ":irc.test 332 tester #fracture :a hostile channel");
    peer_send(srv, ":irc.test 353 tester = #fracture :@op tester");
    peer_send(srv, ":irc.test 366 tester #fracture :End of NAMES list");
    expect_screen("You have joined #fracture", 10);
    expect_screen("@op", 5);
    return srv;
}

static int test_crash(const char *chat, const char *bug)
{
    int port = free_port(), lfd = fake_listen(port);
    char buf[8192];
    struct peer *srv;
    char *s;

    start_client(chat, NULL, port, "--nick tester --channel '#fracture'");
    srv = fake_session(lfd);
    peer_send(srv, ":op!op@irc.test PRIVMSG #fracture :before the hostile line");
    expect_screen("<op> before the hostile line", 5);
    peer_send(srv, "%s", hostile_line(bug, buf, sizeof buf));
    expect_dead(10);
    s = client_status();
    if (!s || strcmp(s, "0") == 0)
        FAIL("the client ended normally (%s)", s ? s : "no status");
    printf("the pane's process died (shell status %s", s);
    free(s);
    s = screen();
    printf(") of the hostile %s line; its pane:\n%s", bug, s);
    free(s);
    peer_close(srv);
    close(lfd);
    return 0;
}

static int test_rx(const char *chat, const char *config)
{
    int port = free_port(), lfd = fake_listen(port), frames = 0, shown_at = 0;
    char buf[8192], path[512], *err;
    struct peer *srv;
    double end;

    start_client(chat, config, port, "--nick tester --channel '#fracture'");
    srv = fake_session(lfd);
    for (int i = 1; i <= 5; i++)
        peer_send(srv, ":op!op@irc.test PRIVMSG #fracture :before the crash %d", i);
    expect_screen("<op> before the crash 5", 5);
    peer_send(srv, "%s", hostile_line("names", buf, sizeof buf));
    /* While the parser's FMP dies and comes back, the window stays: every
     * frame for 1.5 s, before the line is shown and after, shows the
     * channel and what came before it. */
    end = now_s() + 1.5;
    while (now_s() < end) {
        char *s = screen();
        frames++;
        if (pane_dead())
            FAIL("the client died:\n%s", s);
        if (!strstr(s, " #fracture: a hostile channel") || !strstr(s, "before the crash 5"))
            FAIL("frame %d of the screen lost the window:\n%s", frames, s);
        if (!shown_at && strstr(s, "Names #fracture: @op AAAAAAAA"))
            shown_at = frames;
        free(s);
    }
    /* The message is shown, its names in the nick list (cut to fit). */
    expect_screen("Names #fracture: @op AAAAAAAA", 5);
    expect_screen("| AAAAAAAAAAAA", 5);
    /* The connection survived, both ways, and so did the scrollback. */
    peer_send(srv, ":op!op@irc.test PRIVMSG #fracture :after the crash");
    expect_screen("<op> after the crash", 5);
    line("still here");
    peer_wait(srv, "PRIVMSG #fracture :still here", 5);
    expect_screen("<op> before the crash 1", 5);
    snprintf(path, sizeof path, "%s/chat.err", tmp);
    err = read_file(path);
    if (!err || !strstr(err, "restarted"))
        FAIL("the parser's FMP did not restart; the client's stderr:\n%s", err ? err : "");
    /* The padded environment sticks: the other overflow passes too. */
    peer_send(srv, "%s", hostile_line("mode", buf, sizeof buf));
    expect_screen("mode/#fracture [+oooooooooo a b c d e f g h i j] by op", 5);
    {
        char *s = screen();
        printf("the screen after the crash:\n%s", s);
        free(s);
    }
    printf("%d frames in 1.5 s from the hostile line on, none blank, the line shown from frame "
           "%d on; stderr:\n%s", frames, shown_at, err);
    free(err);
    line("/quit");
    expect_dead(10);
    {
        char *s = client_status();
        if (!s || strcmp(s, "0") != 0)
            FAIL("the client ended with status %s", s ? s : "?");
        free(s);
    }
    peer_close(srv);
    close(lfd);
    return 0;
}

/* ---- leaks under memcheck ---- */

static int test_leaks(const char *chat, const char *config)
{
    struct peer *alice;
    char dir[512];
    DIR *d;
    struct dirent *e;
    int reports = 0, ctcp = 0, away = 0;

    start_ngircd();
    alice = peer_open(irc_port, "alice");
    peer_send(alice, "JOIN #fracture");
    peer_wait(alice, "366", 5);
    peer_send(alice, "AWAY :gone fishing");
    peer_wait(alice, " 306 ", 5);
    start_client(chat, config, irc_port, "--nick tester --channel '#fracture'");
    /* Memcheck starts slowly. */
    expect_screen("You have joined #fracture", 30);
    /* FRACTURE-DEMO BUG 4: RPL_AWAY, for a message to a user who is away. */
    line("/msg alice are you there?");
    peer_wait(alice, "PRIVMSG alice :are you there?", 10);
    press("M-3");   /* the query window /msg opened */
    expect_screen("[3:alice]", 10);
    expect_screen("alice is away: gone fishing", 10);
    /* FRACTURE-DEMO BUG 3: a CTCP reply. */
    line("/ctcp alice VERSION");
    peer_wait(alice, "\001VERSION\001", 10);
    peer_send(alice, "NOTICE tester :\001VERSION scripted-peer 1.0\001");
    expect_screen("CTCP VERSION reply from alice: scripted-peer 1.0", 10);
    line("/quit");
    expect_dead(60);
    peer_close(alice);

    snprintf(dir, sizeof dir, "%s/fracture-reports", tmp);
    d = opendir(dir);
    if (!d)
        FAIL("no report dir %s", dir);
    while ((e = readdir(d)) != NULL) {
        char path[1024], *x;
        if (!strstr(e->d_name, ".xml"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        x = read_file(path);
        reports++;
        if (!x)
            continue;
        /* Each leak's record: its kind, then its stack. */
        for (char *r = strstr(x, "<kind>Leak_DefinitelyLost</kind>"); r;
             r = strstr(r + 1, "<kind>Leak_DefinitelyLost</kind>")) {
            char *end = strstr(r, "</error>");
            if (end)
                *end = '\0';
            ctcp |= strstr(r, "<fn>parse_ctcp</fn>") != NULL;
            away |= strstr(r, "<fn>fmt_numeric</fn>") != NULL;
            if (end)
                *end = '<';
        }
        free(x);
    }
    closedir(d);
    if (!reports)
        FAIL("memcheck wrote no report in %s", dir);
    if (!ctcp || !away)
        FAIL("the reports lack a leak: parse_ctcp %s, fmt_numeric %s", ctcp ? "found" : "missing",
             away ? "found" : "missing");
    printf("memcheck's reports name both leaks: parse_ctcp (a CTCP reply), fmt_numeric "
           "(RPL_AWAY)\n");
    return 0;
}

/* ---- a crowd under memcheck ---- */

/*
 * Eight deployments, ids 0..7, of one build and configs/crowd.yaml: the
 * rotation is format, parse, so even ids watch format and odd ids parse,
 * 5 % of their calls under memcheck.  Every deployment has the ordinary
 * session (a join, a peer's lines and /me, lines typed); some also get
 * the rare traffic, `rare` lines in a row of each kind they get:
 *
 *   id        0     1     2     3     4     5     6     7
 *   module    fmt   parse fmt   parse fmt   parse fmt   parse
 *   CTCP      -     yes   yes   yes   yes   yes   -     -      (BUG 3, parse)
 *   RPL_AWAY  yes   -     yes   yes   -     -     -     yes    (BUG 4, format)
 *
 * so the CTCP-reply leak is found by d1, d3, d5 (watching parse, reached)
 * and not by d2, d4 (reached, watching format); the away leak by d0, d2
 * and not by d3, d7.  No luck is involved: sample.c's i-th choice for a
 * deployment is a function of its id and i alone, and for ids 0..7 the
 * longest run of choices without memcheck in the first 3,000 calls is
 * 119 calls (id 4), so any `rare` >= 120 calls in a row, wherever they
 * start, have one under memcheck.  The rare lines are in a row: the peer sends
 * the CTCP replies back to back, and the away messages are sent with
 * /quote, which the client does not show, so the 301s are the only calls
 * of format meanwhile.
 *
 * Each deployment's reports go to CROWD/dN; then `fracture report` over
 * d0..d7 (text, --json, --html) must rank the CTCP leak first (3 of 8),
 * the away leak second (2 of 8), and nothing else.
 */
#define CROWD_N 8
static const char crowd_ctcp[CROWD_N + 1] = "01111100";
static const char crowd_away[CROWD_N + 1] = "10110001";

static void crowd_deployment(const char *chat, const char *config, struct peer *alice, int id,
                             int rare, const char *crowd)
{
    char cmd[8192], path[600], dst[PATH_MAX + 16];
    int ctcp = crowd_ctcp[id] == '1', away = crowd_away[id] == '1';
    double t0 = now_s();

    snprintf(run_dir, sizeof run_dir, "%s/run%d", tmp, id);
    if (mkdir(run_dir, 0700) != 0)
        FAIL("mkdir %s: %s", run_dir, strerror(errno));
    snprintf(client_env, sizeof client_env, "FRACTURE_DEPLOYMENT=%d", id);
    if (away) {
        peer_send(alice, "AWAY :gone fishing");
        peer_wait(alice, " 306 ", 5);
    }
    start_client(chat, config, irc_port, "--nick tester --channel '#fracture'");
    expect_screen("You have joined #fracture", 60);
    peer_wait(alice, "JOIN", 10);

    /* The ordinary session. */
    for (int i = 1; i <= 10; i++)
        peer_send(alice, "PRIVMSG #fracture :ordinary line %d", i);
    peer_send(alice, "PRIVMSG #fracture :\001ACTION waves\001");
    expect_screen("* alice waves", 20);
    line("hello alice");
    peer_wait(alice, "PRIVMSG #fracture :hello alice", 10);
    line("/me waves back");
    peer_wait(alice, "\001ACTION waves back\001", 10);

    if (ctcp) {   /* FRACTURE-DEMO BUG 3: CTCP replies, back to back */
        for (int i = 1; i <= rare; i++)
            peer_send(alice, "NOTICE tester :\001VERSION scripted-peer %d\001", i);
        peer_send(alice, "PRIVMSG #fracture :ctcp replies done");
        expect_screen("<alice> ctcp replies done", 60);
    }
    if (away) {   /* FRACTURE-DEMO BUG 4: messages to a user who is away */
        for (int i = 1; i <= rare;) {
            int n = snprintf(cmd, sizeof cmd, "send-keys" SEP "-t" SEP "chat");
            for (int k = 0; k < 25 && i <= rare; k++, i++)
                n += snprintf(cmd + n, sizeof cmd - (size_t)n,
                              SEP "/quote PRIVMSG alice :away message %d" SEP "Enter", i);
            tmux(NULL, "%s", cmd);
        }
        snprintf(cmd, sizeof cmd, "PRIVMSG alice :away message %d", rare);
        peer_wait(alice, cmd, 60);
        /* After the last 301 (the server sent it before this line). */
        peer_send(alice, "PRIVMSG #fracture :away messages done");
        expect_screen("<alice> away messages done", 60);
        peer_send(alice, "AWAY");
        peer_wait(alice, " 305 ", 5);
    }
    line("/quit bye");
    peer_wait(alice, "QUIT", 20);
    expect_dead(120);   /* memcheck writes its report as the FMP ends */
    {
        char *s = client_status();
        if (!s || strcmp(s, "0") != 0)
            FAIL("deployment %d: the client ended with status %s", id, s ? s : "?");
        free(s);
    }
    /* Renamed, not killed: killing the last session ends the tmux server,
     * and the next new-session could meet it on its way out. */
    tmux(NULL, "rename-session" SEP "-t" SEP "chat" SEP "done%d", id);
    snprintf(path, sizeof path, "%s/fracture-reports", run_dir);
    snprintf(dst, sizeof dst, "%s/d%d", crowd, id);
    {
        char *mv[] = {"mv", path, dst, NULL};
        run_quiet(mv);
    }
    {
        DIR *d = opendir(dst);
        struct dirent *e;
        int xml = 0;
        while (d && (e = readdir(d)) != NULL)
            xml += strstr(e->d_name, ".xml") != NULL;
        if (d)
            closedir(d);
        if (!xml)
            FAIL("deployment %d wrote no report in %s", id, dst);
    }
    printf("deployment %d: module %s, workload ordinary%s%s, %.1f s\n", id,
           id % 2 ? "parse " : "format", ctcp ? " + CTCP replies" : "",
           away ? " + away messages" : "", now_s() - t0);
    fflush(stdout);
}

/* Runs FRACTURE report ARGS in dir, its stdout into out (NULL: dropped);
 * its exit status. */
static int run_report(const char *dir, const char *out, char *const argv[])
{
    pid_t pid = fork();
    int st;

    if (pid == 0) {
        int fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open("/dev/null", O_WRONLY);
        if (fd < 0 || chdir(dir) != 0)
            _exit(126);
        dup2(fd, 1);
        execv(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        FAIL("fork: %s", strerror(errno));
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Fails unless text holds each of want[0..n-1], in that order, and not
 * after. */
static void expect_in_order(const char *text, const char *const *want, size_t n,
                            const char *after, const char *what)
{
    const char *at = text;

    for (size_t i = 0; i < n; i++) {
        const char *f = strstr(at, want[i]);
        if (!f)
            FAIL("%s lacks, in order, \"%s\"; it is:\n%s", what, want[i], text);
        at = f + strlen(want[i]);
    }
    if (strstr(text, after))
        FAIL("%s holds \"%s\": a third class:\n%s", what, after, text);
}

/* The ranking must be exactly: the CTCP leak, the away leak. */
static void expect_ranking(const char *text)
{
    static const char *const want[] = {
        "2 bug classes from 8 deployments (8 reports, 0 truncated)\n",
        "\n#1 Leak_DefinitelyLost: 3 of 8 deployments, ",
        "    module parse, FMP crowd-parse\n",
        "| parse_ctcp",
        "    deployments: d1, d3, d5\n",
        "\n#2 Leak_DefinitelyLost: 2 of 8 deployments, ",
        "    module format, FMP crowd-format\n",
        "| fmt_numeric",
        "    deployments: d0, d2\n",
    };

    expect_in_order(text, want, sizeof want / sizeof want[0], "\n#3 ", "fracture report");
}

static void expect_json_ranking(const char *text)
{
    static const char *const want[] = {
        "\"ndeployments\": 8,", "\"reports\": 8,",
        "\"rank\": 1,", "\"kind\": \"Leak_DefinitelyLost\"", "\"d1\",", "\"d3\",", "\"d5\"",
        "\"ndeployments\": 3,", "\"parse\"", "\"crowd-parse\"", "\"fn\": \"parse_ctcp\"",
        "\"rank\": 2,", "\"kind\": \"Leak_DefinitelyLost\"", "\"d0\",", "\"d2\"",
        "\"ndeployments\": 2,", "\"format\"", "\"crowd-format\"", "\"fn\": \"fmt_numeric\"",
    };

    expect_in_order(text, want, sizeof want / sizeof want[0], "\"rank\": 3",
                    "fracture report --json");
}

static int test_crowd(const char *chat, const char *config, const char *fr, int rare,
                      const char *keep)
{
    struct peer *alice;
    char crowd[PATH_MAX], out[PATH_MAX + 32], html[PATH_MAX + 32], *text, frpath[PATH_MAX];
    char *dirs[CROWD_N];

    if (!realpath(fr, frpath))
        FAIL("%s: %s", fr, strerror(errno));
    fr = frpath;

    if (keep) {   /* paths that hold after run_report's chdir */
        mkdir(keep, 0755);
        if (!realpath(keep, crowd))
            FAIL("%s: %s", keep, strerror(errno));
    } else {
        snprintf(crowd, sizeof crowd, "%s/crowd", tmp);
        if (mkdir(crowd, 0700) != 0)
            FAIL("mkdir %s: %s", crowd, strerror(errno));
    }
    start_ngircd();
    alice = peer_open(irc_port, "alice");
    peer_send(alice, "JOIN #fracture");
    peer_wait(alice, "366", 5);
    for (int id = 0; id < CROWD_N; id++)
        crowd_deployment(chat, config, alice, id, rare, crowd);
    peer_close(alice);
    snprintf(run_dir, sizeof run_dir, "%s", tmp);

    for (int id = 0; id < CROWD_N; id++) {
        dirs[id] = malloc(8);
        snprintf(dirs[id], 8, "d%d", id);
    }
    {
        char *argv[] = {(char *)fr, "report", dirs[0], dirs[1], dirs[2], dirs[3], dirs[4],
                        dirs[5], dirs[6], dirs[7], NULL};
        snprintf(out, sizeof out, "%s/report.txt", crowd);
        if (run_report(crowd, out, argv) != 0)
            FAIL("fracture report failed");
        text = read_file(out);
        expect_ranking(text);
        printf("%s", text);
        free(text);
    }
    {
        char *argv[] = {(char *)fr, "report", "--json", dirs[0], dirs[1], dirs[2], dirs[3],
                        dirs[4], dirs[5], dirs[6], dirs[7], NULL};
        snprintf(out, sizeof out, "%s/report.json", crowd);
        if (run_report(crowd, out, argv) != 0)
            FAIL("fracture report --json failed");
        text = read_file(out);
        expect_json_ranking(text);
        free(text);
    }
    {
        char *argv[] = {(char *)fr, "report", "--html", html, dirs[0], dirs[1], dirs[2], dirs[3],
                        dirs[4], dirs[5], dirs[6], dirs[7], NULL};
        char *a, *b;
        snprintf(html, sizeof html, "%s/report.html", crowd);
        if (run_report(crowd, NULL, argv) != 0)
            FAIL("fracture report --html failed");
        text = read_file(html);
        a = text ? strstr(text, "parse_ctcp") : NULL;
        b = text ? strstr(text, "fmt_numeric") : NULL;
        if (!a || !b || a > b)
            FAIL("the page %s does not rank parse_ctcp above fmt_numeric", html);
        free(text);
    }
    for (int id = 0; id < CROWD_N; id++)
        free(dirs[id]);
    printf("fracture report (text, --json, --html) ranks the CTCP-reply leak first (3 of 8 "
           "deployments), the away leak second (2 of 8)\n");
    return 0;
}

/*
 * What the crowd makes of the overflows: a deployment of the crowd config
 * that watches parse, every call of it under memcheck (crowd-hostile.yaml:
 * below 100 % the plain share runs in the client itself, as the plain
 * program does), meets a hostile server.  The instance under memcheck
 * reports the invalid write (its stack through parse_names or
 * parse_modes) and then dies of the heap the overflow corrupted
 * (Valgrind's allocator asserts); with no instance left the call fails
 * and the client ends, with an error, not a signal.  `fracture report`
 * over that deployment's reports ranks the invalid write, module parse.
 */
static int test_hostile(const char *chat, const char *config, const char *fr, const char *id,
                        const char *bug)
{
    int port = free_port(), lfd = fake_listen(port);
    char buf[8192], path[600], want[128], *s, *err, frpath[PATH_MAX];
    struct peer *srv;

    if (!realpath(fr, frpath))
        FAIL("%s: %s", fr, strerror(errno));
    snprintf(client_env, sizeof client_env, "FRACTURE_DEPLOYMENT=%s", id);
    start_client(chat, config, port, "--nick tester --channel '#fracture'");
    srv = fake_session(lfd);
    peer_send(srv, ":op!op@irc.test PRIVMSG #fracture :before the hostile line");
    expect_screen("<op> before the hostile line", 30);
    peer_send(srv, "%s", hostile_line(bug, buf, sizeof buf));
    expect_dead(60);
    s = client_status();
    if (!s || strcmp(s, "0") == 0 || atoi(s) > 128)
        FAIL("the client should end with an error, not 0 nor a signal: %s", s ? s : "?");
    printf("the client ended with status %s\n", s);
    free(s);
    snprintf(path, sizeof path, "%s/chat.err", run_dir);
    err = read_file(path);
    if (!err || !strstr(err, "FMP 'crowd-parse' (pid ") ||
        !strstr(err, "call to irc_parse() of module 'parse' failed"))
        FAIL("the instance under memcheck did not die with the call; stderr:\n%s",
             err ? err : "");
    free(err);
    {
        char *argv[] = {frpath, "report", "fracture-reports", NULL};
        const char *const order[3] = {"\n#1 InvalidWrite: 1 of 1 deployment, ",
                                             "    module parse, FMP crowd-parse\n", want};
        snprintf(path, sizeof path, "%s/report.txt", run_dir);
        if (run_report(run_dir, path, argv) != 0)
            FAIL("fracture report failed");
        snprintf(want, sizeof want, "| %s | irc_parse",
                 strcmp(bug, "names") == 0 ? "parse_names" : "parse_modes");
        s = read_file(path);
        expect_in_order(s, order, 3, "(1 report, 0 truncated)", "fracture report");
        printf("%s", s);
        free(s);
    }
    peer_close(srv);
    close(lfd);
    return 0;
}

/* ---- keystroke to screen ---- */

/*
 * How long a typed character takes to show, through tmux as a person
 * sees it: a control-mode client of the test's tmux server (one process
 * for the whole run, so no fork per probe) sends the character into the
 * pane with send-keys, then asks capture-pane for the cursor's line until
 * the line ends with what has been typed.  A sample is the time from
 * writing send-keys to the capture that shows it.  The same harness on
 * `cat` (its echo is the terminal's, no program in between) is the
 * method's own floor.  Meanwhile a peer says `rate` lines a second in the
 * channel, so the client parses and formats (and a crowd samples) as it
 * would in use; `cat` gets no traffic.
 */
struct ctl {
    pid_t pid;
    FILE *in, *out;
};

static struct ctl ctl_open(void)
{
    int to[2], from[2];
    struct ctl c;

    if (pipe2(to, O_CLOEXEC) != 0 || pipe2(from, O_CLOEXEC) != 0)
        FAIL("pipe: %s", strerror(errno));
    c.pid = fork();
    if (c.pid < 0)
        FAIL("fork: %s", strerror(errno));
    if (c.pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        execlp("tmux", "tmux", "-S", sock, "-C", "attach-session", "-f", "no-output", "-t", "chat",
               (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    c.in = fdopen(to[1], "w");
    c.out = fdopen(from[0], "r");
    if (!c.in || !c.out)
        FAIL("fdopen: %s", strerror(errno));
    return c;
}

/* Sends one command; its output's last line (without the newline) into
 * buf, "" if none.  Each command is followed by a numbered marker on the
 * same line, so that a block tmux sends of its own (the attach's, which
 * is empty) is never taken for this command's reply. */
static void ctl_cmd(struct ctl *c, char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void ctl_cmd(struct ctl *c, char *buf, size_t cap, const char *fmt, ...)
{
    static unsigned seq;
    char l[8192], mark[32], last[8192] = "";
    va_list ap;

    snprintf(mark, sizeof mark, "fr-mark-%u\n", ++seq);
    va_start(ap, fmt);
    vfprintf(c->in, fmt, ap);
    va_end(ap);
    fprintf(c->in, " ; display-message -p fr-mark-%u\n", seq);
    fflush(c->in);
    while (fgets(l, sizeof l, c->out)) {
        if (strcmp(l, mark) == 0) {
            snprintf(buf, cap, "%s", last);
            while (fgets(l, sizeof l, c->out) && strncmp(l, "%end ", 5) != 0 &&
                   strncmp(l, "%error ", 7) != 0)
                ;
            return;
        }
        if (strncmp(l, "%error ", 7) == 0)
            FAIL("tmux refused a command: %s", last);
        if (l[0] == '%')
            continue;
        l[strcspn(l, "\n")] = '\0';
        snprintf(last, sizeof last, "%s", l);
    }
    FAIL("tmux's control client ended");
}

static void ctl_close(struct ctl *c)
{
    fclose(c->in);
    fclose(c->out);
    waitpid(c->pid, NULL, 0);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void rstrip(char *s)
{
    size_t n = strlen(s);

    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
}

static int ends_with(const char *s, const char *t)
{
    size_t n = strlen(s), m = strlen(t);

    return n >= m && strcmp(s + n - m, t) == 0;
}

static int test_latency(int samples, int rate, const char *prefix, const char *prog)
{
    struct peer *alice = NULL;
    struct ctl c;
    char cmd[4096], conf[512], base[8192], got[8192], typed[64] = "";
    double *lat = calloc((size_t)samples, sizeof *lat), next_line = 0, t_end;
    int y, said = 0, is_cat = strcmp(prog, "cat") == 0;
    struct timespec gap = {0, 10 * 1000 * 1000};

    if (!lat)
        FAIL("out of memory");
    snprintf(conf, sizeof conf, "%s/tmux.conf", tmp);
    write_file("tmux.conf", "set -g default-terminal screen\nset -g remain-on-exit on\n"
                            "set -g status off\nset -g history-limit 0\n");
    if (is_cat) {
        snprintf(cmd, sizeof cmd, "cd %s && exec cat", tmp);
    } else {
        start_ngircd();
        alice = peer_open(irc_port, "alice");
        peer_send(alice, "JOIN #fracture");
        peer_wait(alice, "366", 5);
        snprintf(cmd, sizeof cmd,
                 "cd %s && %s %s --server 127.0.0.1 --port %d --nick tester "
                 "--channel '#fracture' 2>%s/chat.err", tmp, strcmp(prefix, "-") ? prefix : "",
                 prog, irc_port, tmp);
    }
    if (tmux(NULL, "-f" SEP "%s" SEP "new-session" SEP "-d" SEP "-s" SEP "chat" SEP "-x" SEP
             "100" SEP "-y" SEP "30" SEP "%s", conf, cmd) != 0)
        FAIL("tmux new-session failed");
    if (!is_cat) {
        expect_screen("You have joined #fracture", 120);
        peer_wait(alice, "JOIN", 30);
    }
    c = ctl_open();
    /* cat's line is the cursor's; the client's input line is its last. */
    ctl_cmd(&c, got, sizeof got, "display-message -p -t chat '#{cursor_y} #{pane_height}'");
    y = is_cat ? atoi(got) : atoi(strchr(got, ' ') ? strchr(got, ' ') + 1 : "30") - 1;
    ctl_cmd(&c, base, sizeof base, "capture-pane -p -t chat -S %d -E %d", y, y);
    rstrip(base);
    /* Untimed warm-up: the first keys page in the UI's code. */
    for (int i = -20; i < samples; i++) {
        double t0, now;
        size_t n = strlen(typed);

        if (alice && rate > 0) {   /* the channel's traffic, due so far */
            now = now_s();
            if (next_line == 0)
                next_line = now;
            while (next_line <= now) {
                peer_send(alice, "PRIVMSG #fracture :traffic line %d for the parser", ++said);
                next_line += 1.0 / rate;
            }
        }
        if (n == 40) {   /* a full line: cleared, untimed */
            ctl_cmd(&c, got, sizeof got, "send-keys -t chat C-u");
            t_end = now_s() + 60;
            do {
                ctl_cmd(&c, got, sizeof got, "capture-pane -p -t chat -S %d -E %d", y, y);
                rstrip(got);
                if (now_s() > t_end)
                    FAIL("C-u did not clear the line: \"%s\", not \"%s\"", got, base);
            } while (strcmp(got, base) != 0);
            typed[n = 0] = '\0';
        }
        typed[n] = (char)('a' + (i + 20) % 26);
        typed[n + 1] = '\0';
        t0 = now_s();
        ctl_cmd(&c, got, sizeof got, "send-keys -t chat -l %c", typed[n]);
        t_end = t0 + 60;
        for (;;) {
            ctl_cmd(&c, got, sizeof got, "capture-pane -p -t chat -S %d -E %d", y, y);
            rstrip(got);
            if (ends_with(got, typed))
                break;
            if (now_s() > t_end)
                FAIL("\"%s\" did not show in 60 s: \"%s\"", typed, got);
        }
        if (i >= 0)
            lat[i] = (now_s() - t0) * 1000;
        nanosleep(&gap, NULL);
    }
    ctl_close(&c);
    qsort(lat, (size_t)samples, sizeof *lat, by_value);
    printf("samples %d median_ms %.3f p90_ms %.3f p99_ms %.3f max_ms %.3f traffic_lines %d\n",
           samples, lat[samples / 2], lat[samples * 90 / 100], lat[samples * 99 / 100],
           lat[samples - 1], said);
    free(lat);
    if (alice)
        peer_close(alice);
    return 0;
}

int main(int argc, char **argv)
{
    static char config[4096];

    if (argc < 3) {
        fprintf(stderr, "usage: check_chat ui|crash|rx|leaks|crowd|hostile|latency ARGS... "
                        "(the top of check_chat.c says which)\n");
        return 2;
    }
    /* The client runs in the temp dir: paths must not depend on ours. */
    if (argc > 3 && strcmp(argv[1], "crash") != 0 && strcmp(argv[1], "latency") != 0) {
        if (!realpath(argv[3], config))
            FAIL("%s: %s", argv[3], strerror(errno));
        argv[3] = config;
    }
    setup();
    if (strcmp(argv[1], "ui") == 0)
        return test_ui(argv[2], argc > 3 ? argv[3] : NULL);
    if (strcmp(argv[1], "crash") == 0 && argc > 3)
        return test_crash(argv[2], argv[3]);
    if (strcmp(argv[1], "rx") == 0 && argc > 3)
        return test_rx(argv[2], argv[3]);
    if (strcmp(argv[1], "leaks") == 0 && argc > 3)
        return test_leaks(argv[2], argv[3]);
    if (strcmp(argv[1], "latency") == 0 && argc > 5)
        return test_latency(atoi(argv[2]), atoi(argv[3]), argv[4], argv[5]);
    if (strcmp(argv[1], "hostile") == 0 && argc > 6)
        return test_hostile(argv[2], argv[3], argv[4], argv[5], argv[6]);
    if (strcmp(argv[1], "crowd") == 0 && argc > 4)
        return test_crowd(argv[2], argv[3], argv[4], argc > 5 ? atoi(argv[5]) : 200,
                          argc > 6 ? argv[6] : NULL);
    FAIL("unknown test %s", argv[1]);
}
