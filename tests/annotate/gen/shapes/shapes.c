/* Parameter shapes that must compile and copy exactly: qualified
 * parameters (the dispatcher assigns its locals), an array parameter,
 * counts below zero, arrays of strings (n of them, or up to NULL), and a
 * descriptor the callee keeps (FR_FD_KEEP) beside one it only borrows. */
#include <fracture.h>
#include <string.h>
#include <unistd.h>
#include "shapes.h"

FRACTURE_MODULE(shapes, 0);

int shp_len(const char *const s)
{
    return (int)strlen(s);
}

int shp_pt(const struct pt p, struct pt *const q, const int v[2])
{
    q->x += p.x * v[0];
    q->y += p.y * v[1];
    return q->x + q->y;
}

int shp_rows(int rows, FR_IN(rows) const int m[][3])
{
    int s = 0;
    for (int i = 0; i < rows; i++)
        s += m[i][0] * 100 + m[i][1] * 10 + m[i][2];
    return s;
}

int shp_cv(const volatile int x, int *const restrict out)
{
    *out = x * 2;
    return x;
}

int shp_apply(FR_CALLBACK int (*const fn)(int), int x)
{
    return fn(x) + fn(x + 1);
}

/* Each checks its count first, and tells whether it got a pointer. */
int shp_neg_in(FR_IN(n) const int *v, int n)
{
    if (n < 0)
        return v ? -1 : -2;
    return n ? v[n - 1] : 0;
}

int shp_neg_out(FR_OUT(n) int *v, long n)
{
    if (n < 0)
        return v ? -1 : -2;
    for (long i = 0; i < n; i++)
        v[i] = (int)i + 7;
    return (int)n;
}

int shp_neg_inout(FR_INOUT(n) int *v, signed char n)
{
    if (n < 0)
        return v ? -1 : -2;
    for (int i = 0; i < n; i++)
        v[i] += 1;
    return n;
}

static void append(char *out, size_t cap, const char *s)
{
    size_t at = strlen(out);
    if (at + strlen(s) + 2 <= cap) {
        if (at)
            out[at++] = ',';
        strcpy(out + at, s);
    }
}

int shp_join(FR_IN(n) const char *const *v, int n, FR_OUT(cap) char *out, size_t cap)
{
    if (n < 0)
        return v ? -1 : -2;
    if (!v)
        return -3;
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        append(out, cap, v[i] ? v[i] : "(null)");
    return (int)strlen(out);
}

int shp_count(FR_STRING char **v, FR_OUT(cap) char *out, size_t cap)
{
    int n = 0;

    if (!v)
        return -1;
    out[0] = '\0';
    for (; v[n]; n++)
        append(out, cap, v[n]);
    return v[n] == NULL ? n : -2;
}

/* Arguments that alias: the callee sees each write through the other. */
int shp_add(int *a, int *b)
{
    *a += 1;
    *b += *a;
    return *a;
}

void shp_smear(FR_OUT(n) char *dst, FR_IN(n) const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
}

void shp_up(FR_OUT(n) char *out, size_t n, const char *s)
{
    for (size_t i = 0; i < n && s[i]; i++)
        out[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' : s[i]);
}

int shp_mix(FR_INOUT(4) int *a, FR_OUT(3) int *b)
{
    b[0] = a[0] + a[3];
    b[2] = 9;
    return a[2] + a[3];
}

static int log_fd = -1;

void shp_log_open(FR_FD_KEEP int fd)
{
    log_fd = fd;
}

int shp_log(const char *line)
{
    size_t n = strlen(line);
    return write(log_fd, line, n) == (ssize_t)n ? 0 : -1;
}

int shp_write(FR_FD int fd, const char *text)
{
    size_t n = strlen(text);
    return write(fd, text, n) == (ssize_t)n ? 0 : -1;
}
