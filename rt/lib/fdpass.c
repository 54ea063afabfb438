/*
 * fdpass.c - pass descriptors between the two FMPs of a region.
 *
 * FR_FD arguments and FR_RET_FD results are duplicated into the other
 * process with SCM_RIGHTS over the region's SEQPACKET socket.  The sender
 * sends before it posts the message, so when the receiver decodes an FD
 * field its descriptor is already queued; it never blocks.  Several logical
 * threads share the socket, so each descriptor is tagged with its slot,
 * message and index, and one that belongs to another thread waits in a
 * short pending list until that thread takes it.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <talloc.h>
#include <unistd.h>

#include "fdpass.h"

#include "state.h"

#define PENDING_MAX 256

struct fr_fd_tag {
    uint32_t slot, seq, idx;
};

struct fr_pending_fd {
    struct fr_pending_fd *next;
    struct fr_fd_tag tag;
    int fd;
};

int fr__fd_send(struct fr_region *rg, uint32_t slot, uint32_t seq, uint32_t idx, int fd)
{
    struct fr_fd_tag tag = { slot, seq, idx };
    struct iovec iov = { &tag, sizeof tag };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr mh = { 0 };
    struct cmsghdr *cm;
    ssize_t n;

    memset(&u, 0, sizeof u);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = u.buf;
    mh.msg_controllen = sizeof u.buf;
    cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    pthread_mutex_lock(&rg->sock_lock);
    do
        n = sendmsg(rg->sock, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    pthread_mutex_unlock(&rg->sock_lock);
    if (n < 0)
        return errno == EBADF ? -EBADF : -EPIPE;
    return 0;
}

unsigned fr__fd_taken(struct msghdr *mh, int *fds, unsigned max)
{
    unsigned n = 0;

    for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < k; i++) {
            int x;
            memcpy(&x, CMSG_DATA(cm) + i * sizeof(int), sizeof x);
            if (n < max)
                fds[n++] = x;
            else
                close(x);     /* a peer may send more: keep what was asked */
        }
    }
    return n;
}

/* Read one tagged descriptor; -EAGAIN when none is queued. */
static int read_one(struct fr_region *rg, struct fr_fd_tag *tag, int *fd)
{
    struct iovec iov = { tag, sizeof *tag };
    union {
        char buf[CMSG_SPACE(sizeof(int) * 4)];
        struct cmsghdr align;
    } u;
    struct msghdr mh = { 0 };
    ssize_t n;

    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = u.buf;
    mh.msg_controllen = sizeof u.buf;
    do
        n = recvmsg(rg->sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN : -EPROTO;
    if (!fr__fd_taken(&mh, fd, 1))
        *fd = -1;
    if (n != sizeof *tag || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || *fd < 0) {
        if (*fd >= 0)
            close(*fd);
        return -EPROTO;
    }
    return 0;
}

int fr__fd_recv(struct fr_region *rg, uint32_t slot, uint32_t seq, uint32_t idx, int *fd)
{
    struct fr_pending_fd **pp, *p;
    unsigned npending = 0;
    int rc = -EPROTO;

    pthread_mutex_lock(&rg->sock_lock);
    for (pp = &rg->pending; (p = *pp); pp = &p->next, npending++) {
        if (p->tag.slot == slot && p->tag.seq == seq && p->tag.idx == idx) {
            *fd = p->fd;
            *pp = p->next;
            talloc_free(p);
            rc = 0;
            goto out_unlock;
        }
    }
    for (;;) {
        struct fr_fd_tag tag;
        int x;
        rc = read_one(rg, &tag, &x);
        if (rc < 0) {
            rc = -EPROTO;     /* the sender posted without sending it */
            break;
        }
        if (tag.slot == slot && tag.seq == seq && tag.idx == idx) {
            *fd = x;
            break;
        }
        p = npending < PENDING_MAX ? talloc(NULL, struct fr_pending_fd) : NULL;
        if (!p) {
            close(x);
            rc = -EPROTO;
            break;
        }
        p->tag = tag;
        p->fd = x;
        p->next = rg->pending;
        rg->pending = p;
        npending++;
    }
out_unlock:
    pthread_mutex_unlock(&rg->sock_lock);
    return rc;
}

void fr__fd_drop_pending(struct fr_region *rg)
{
    struct fr_pending_fd *p;

    pthread_mutex_lock(&rg->sock_lock);
    while ((p = rg->pending)) {
        rg->pending = p->next;
        close(p->fd);
        talloc_free(p);
    }
    pthread_mutex_unlock(&rg->sock_lock);
}
