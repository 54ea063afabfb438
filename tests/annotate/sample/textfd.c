/*
 * textfd.c - module "text", continued: functions that take and return file
 * descriptors.  Same module as text.c, same caps.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"

FRACTURE_MODULE(text, FR_RESTARTABLE);

int textfd_render(const char *s)
{
    FILE *f = tmpfile();
    int fd;

    if (!f)
        return -1;
    fd = dup(fileno(f));
    fclose(f);
    if (fd < 0)
        return -1;
    if (write(fd, s, strlen(s)) != (ssize_t)strlen(s) || lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

long textfd_append(int fd, const char *s)
{
    struct stat st;

    if (pwrite(fd, s, strlen(s), lseek(fd, 0, SEEK_END)) != (ssize_t)strlen(s))
        return -1;
    if (fstat(fd, &st) != 0)
        return -1;
    return (long)st.st_size;
}
