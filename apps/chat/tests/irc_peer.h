/*
 * irc_peer.h - the scripted IRC peers of the chat tests: a client of our
 * own that talks to the real server (ngircd) beside the client under test,
 * and a hostile server of our own that sends what ngircd never would.
 * Every wait has a deadline; a miss fails the test naming what was awaited.
 */
#ifndef CHAT_TEST_IRC_PEER_H
#define CHAT_TEST_IRC_PEER_H

#include <stddef.h>

struct peer {
    int fd;
    char nick[64];
    char buf[65536];
    size_t len;
    char last[8192];       /* the line peer_wait found */
};

/* A free TCP port on 127.0.0.1 (bound, read back, released). */
int free_port(void);
/* Whether 127.0.0.1:port accepts a connection. */
int port_open(int port);
/* Connects to 127.0.0.1:port as nick and waits for 001.  Owned by the
 * caller; peer_close frees it. */
struct peer *peer_open(int port, const char *nick);
void peer_close(struct peer *p);
/* Sends one line (CR LF added). */
void peer_send(struct peer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads lines (answering PING) until one contains needle; fails the test
 * after secs.  The line is in p->last. */
void peer_wait(struct peer *p, const char *needle, int secs);

/* The hostile server: listens on 127.0.0.1:port; fake_accept takes the
 * client, reads its registration and welcomes it as nick.  Owned by the
 * caller; peer_close frees it. */
int fake_listen(int port);
struct peer *fake_accept(int lfd, int secs);

#endif
