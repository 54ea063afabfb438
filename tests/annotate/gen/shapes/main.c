#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "shapes.h"

static int twice(int x)
{
    return 2 * x;
}

/* The file's contents from the start, as one line. */
static void show(const char *what, FILE *f)
{
    char buf[256];
    ssize_t n = pread(fileno(f), buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    printf("%s [%s]\n", what, buf);
}

int main(void)
{
    const int m[2][3] = {{1, 2, 3}, {4, 5, 6}};
    int v[3] = {10, 20, 30}, out = 0;
    const char *names[] = {"ab", NULL, "cde"};
    char w1[] = "one", w2[] = "two", *words[] = {w1, w2, NULL};
    char buf[64];
    FILE *log = tmpfile(), *other = tmpfile();

    int r, r2, r3;

    printf("len %d\n", shp_len("fracture"));
    printf("rows %d\n", shp_rows(2, m));
    {
        struct pt a = {2, 3}, b = {10, 20};
        const int k[2] = {5, 7};
        r = shp_pt(a, &b, k);
        printf("pt %d %d %d\n", r, b.x, b.y);
    }
    r = shp_cv(21, &out);
    printf("cv %d %d\n", r, out);
    printf("apply %d\n", shp_apply(twice, 5));

    /* A count below zero: the callee gets a pointer to nothing, or NULL. */
    printf("neg in %d", shp_neg_in(v, -3));
    printf(" %d", shp_neg_in(NULL, -3));
    printf(" %d\n", shp_neg_in(v, 3));
    printf("neg out %d", shp_neg_out(v, -1L));
    printf(" %d", shp_neg_out(NULL, -1L));
    r = shp_neg_out(v, 2);
    printf(" %d %d %d %d\n", r, v[0], v[1], v[2]);
    printf("neg inout %d", shp_neg_inout(v, -1));
    printf(" %d", shp_neg_inout(NULL, -128));
    r = shp_neg_inout(v, 3);
    printf(" %d %d %d %d\n", r, v[0], v[1], v[2]);

    r = shp_join(names, 3, buf, sizeof buf);
    printf("join %d %s\n", r, buf);
    r = shp_join(names, 0, buf, sizeof buf);
    r2 = shp_join(NULL, 0, buf, 8);
    r3 = shp_join(names, -1, buf, 8);
    printf("join %d %d %d\n", r, r2, r3);
    r = shp_count(words, buf, sizeof buf);
    printf("count %d %s\n", r, buf);
    printf("count %d\n", shp_count(NULL, buf, 8));

    /* Arguments that alias, as the plain program sees them. */
    {
        int p = 5, q = 2, w[6] = {1, 2, 3, 4, 5, 6};
        char t[] = "abcdefgh";
        r = shp_add(&p, &p);
        printf("alias %d %d", r, p);
        r = shp_add(&p, &q);
        printf(" %d %d %d\n", r, p, q);
        shp_smear(t + 2, t, 5);
        printf("smear %s\n", t);
        shp_up(t + 1, 4, t);    /* a string inside the buffer written */
        printf("up %s\n", t);
        r = shp_mix(w, w + 2);
        printf("mix %d %d %d %d %d %d %d\n", r, w[0], w[1], w[2], w[3], w[4], w[5]);
    }

    /* The logger keeps its duplicate; the one lent to shp_write is closed
     * after it, and must not be what the kept one became. */
    shp_log_open(fileno(log));
    r = shp_log("first;");
    r2 = shp_write(fileno(other), "other;");
    r3 = shp_log("second;");
    printf("log %d %d %d\n", r, r2, r3);
    fflush(NULL);
    show("log", log);
    show("other", other);
    fclose(log);
    fclose(other);
    return 0;
}
