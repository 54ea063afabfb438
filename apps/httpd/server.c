/*
 * server.c - the accept loop and the fixed pool of worker threads (module
 * main, in the root: a thread start routine must not be a stub).  The main
 * thread accepts and queues connections; each worker takes one and serves
 * it to its end (keep-alive included).  SIGTERM and SIGINT stop the server
 * through a self-pipe: the handler may run on any thread, Fracture's own
 * included, and only writes a byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "server.h"

#define QUEUE_LEN 256

struct pool {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    int q[QUEUE_LEN];
    unsigned head, tail;   /* q[head % QUEUE_LEN] is the oldest */
    atomic_int stop;
    const struct conf *c;
};

static int stop_pipe[2] = { -1, -1 };

static void on_stop(int sig)
{
    int saved = errno;
    char b = (char)sig;

    if (write(stop_pipe[1], &b, 1) < 0) {
        /* the pipe is full: a stop is pending anyway */
    }
    errno = saved;
}

static void *worker(void *arg)
{
    struct pool *p = arg;

    for (;;) {
        int fd;
        pthread_mutex_lock(&p->lock);
        while (p->head == p->tail && !atomic_load(&p->stop))
            pthread_cond_wait(&p->ready, &p->lock);
        if (p->head == p->tail) {   /* stopping, nothing queued */
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        fd = p->q[p->head++ % QUEUE_LEN];
        pthread_mutex_unlock(&p->lock);
        conn_serve(fd, p->c, &p->stop);
    }
}

int server_listen(struct conf *c, int any_addr)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)c->port);
    a.sin_addr.s_addr = htonl(any_addr ? INADDR_ANY : INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 512) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        close(fd);
        return -1;
    }
    c->port = ntohs(a.sin_port);
    return fd;
}

int server_run(int lfd, const struct conf *c)
{
    struct pool *p = calloc(1, sizeof *p);
    pthread_t *tids = calloc((size_t)c->threads, sizeof *tids);
    struct sigaction sa;
    int started = 0, rc = 0;

    if (!p || !tids || pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        free(p);
        free(tids);
        return -1;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->ready, NULL);
    p->c = c;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    for (; started < c->threads; started++)
        if (pthread_create(&tids[started], NULL, worker, p) != 0) {
            rc = -1;
            break;
        }
    while (rc == 0) {
        struct pollfd pf[2] = { { lfd, POLLIN, 0 }, { stop_pipe[0], POLLIN, 0 } };
        int fd;
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            rc = -1;
            break;
        }
        if (pf[1].revents)
            break;
        if (!(pf[0].revents & POLLIN))
            continue;
        fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;   /* the client gave up, or out of descriptors: next */
        /* A response goes out as head then body: without this, Nagle holds
         * the body until the client's delayed ACK of the head (40 ms). */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
        pthread_mutex_lock(&p->lock);
        if (p->tail - p->head >= QUEUE_LEN) {
            pthread_mutex_unlock(&p->lock);
            close(fd);   /* overloaded: refuse rather than queue without end */
            continue;
        }
        p->q[p->tail++ % QUEUE_LEN] = fd;
        pthread_cond_signal(&p->ready);
        pthread_mutex_unlock(&p->lock);
    }

    pthread_mutex_lock(&p->lock);
    atomic_store(&p->stop, 1);
    pthread_cond_broadcast(&p->ready);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    while (p->head != p->tail)   /* accepted, never served */
        close(p->q[p->head++ % QUEUE_LEN]);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->lock);
    free(tids);
    free(p);
    return rc;
}
