/*
 * ctl.c - datagrams of the control protocol (ctl.h): a message with a
 * payload cut into datagrams that carry their share of its bytes and
 * descriptors, and one datagram received with whatever came beside it.
 */
#include "ctl.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdpass.h"

/* The datagrams of one message must not mix with another's: a child's
 * threads may each send one (initlog.c).  Messages of a single datagram
 * need no lock, and their receivers keep them apart by type. */
static pthread_mutex_t send_lock = PTHREAD_MUTEX_INITIALIZER;

union fds_space {
    char buf[CMSG_SPACE(sizeof(int) * FR_CTL_MAXFDS)];
    struct cmsghdr align;
};

int fr__ctl_send(int sock, uint32_t type, uint32_t fmp, const void *data, size_t len,
                 const int *fds, unsigned nfds)
{
    const unsigned char *p = data;
    int rc = 0;

    pthread_mutex_lock(&send_lock);
    /* at least one datagram, even for no bytes and no descriptors */
    do {
        size_t chunk = len < FR_CTL_CHUNK ? len : FR_CTL_CHUNK;
        unsigned nf = nfds < FR_CTL_MAXFDS ? nfds : FR_CTL_MAXFDS;
        struct fr_ctl_msg m = { type, fmp, chunk < len || nf < nfds };
        struct iovec iov[2] = { { &m, sizeof m }, { (void *)p, chunk } };
        union fds_space u;
        struct msghdr mh = { .msg_iov = iov, .msg_iovlen = chunk ? 2 : 1 };
        ssize_t n;

        if (nf) {
            memset(&u, 0, sizeof u);
            mh.msg_control = u.buf;
            mh.msg_controllen = CMSG_SPACE(sizeof(int) * nf);
            struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(sizeof(int) * nf);
            memcpy(CMSG_DATA(cm), fds, sizeof(int) * nf);
        }
        do
            n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            rc = -errno;
            break;
        }
        /* SEQPACKET sends a datagram whole or not at all */
        if ((size_t)n != sizeof m + chunk) {
            rc = -EMSGSIZE;
            break;
        }
        p += chunk;
        len -= chunk;
        fds += nf;
        nfds -= nf;
    } while (len || nfds);
    pthread_mutex_unlock(&send_lock);
    return rc;
}

void fr__ctl_drop_fds(struct fr_ctl_in *in)
{
    while (in->nfds)
        close(in->fds[--in->nfds]);
}

ssize_t fr__ctl_recv(int sock, int flags, struct fr_ctl_in *in)
{
    struct iovec iov[2] = { { &in->m, sizeof in->m }, { in->data, sizeof in->data } };
    union fds_space u;
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2, .msg_control = u.buf,
                         .msg_controllen = sizeof u.buf };
    ssize_t n;

    in->len = 0;
    in->nfds = 0;
    do
        n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    if (n == 0)
        return 0;
    in->nfds = fr__fd_taken(&mh, in->fds, FR_CTL_MAXFDS);
    if ((size_t)n < sizeof in->m || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
        /* not a message of ours: nothing of it is taken */
        fr__ctl_drop_fds(in);
        memset(&in->m, 0, sizeof in->m);
        return n;
    }
    in->len = (size_t)n - sizeof in->m;
    return n;
}
