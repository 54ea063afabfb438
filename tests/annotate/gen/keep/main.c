#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "klog.h"

int main(void)
{
    FILE *log = tmpfile();
    char buf[64];
    ssize_t n;
    int r;

    klog_open(fileno(log));
    printf("a %d\n", klog_line("a;"));
    errno = 0;
    r = klog_line("boom");
    printf("boom %d %s\n", r, r == -1 ? strerror(errno) : "ok");
    printf("b %d\n", klog_line("b;"));
    n = pread(fileno(log), buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    printf("log [%s]\n", buf);
    fclose(log);
    return 0;
}
