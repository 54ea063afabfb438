#include <stdio.h>
#include "rec.h"

static const int weights[3] = {1, 2, 3};   /* read-only memory */

int main(void)
{
    int a[3] = {1, 2, 3}, b[2] = {10, 20};
    struct tag ta[2] = {{"red", 1}, {"green", 2}}, tb[1] = {{"blue", 3}};
    char la[] = "first", lb[] = "second";
    struct batch bs[2] = {
        {3, a, la, NULL, 2, ta, 0},
        {2, b, lb, (struct cache *)&bs, 1, tb, 7},
    };
    struct labelled l = {"abcd", 3};
    int c[2] = {5, 6};
    struct stamped st = {4, 2, c};
    int id, out[3] = {0, 0, 0};
    struct weights ws = {3, weights, out, -1};

    printf("total %ld %ld\n", rec_total(&bs[0]), rec_total(&bs[1]));
    rec_scale(bs, 2, 3);
    printf("scaled %d %d %d %d %d\n", a[0], a[2], b[1], bs[0].version, bs[1].version);
    printf("tags %d %d %d %s %s\n", ta[0].weight, ta[1].weight, tb[0].weight, bs[0].label,
           bs[1].tags[0].name);
    printf("same %d %d\n", bs[0].items == a, bs[1].cache == (struct cache *)&bs);
    printf("label %d\n", rec_label(l));
    id = rec_bump(&st);
    printf("bumped %d %d %d %d %d\n", id, st.id, c[0], c[1], st.v == c);
    rec_weigh(&ws);
    printf("weighed %ld %d %d %d %d %d\n", ws.sum, out[0], out[1], out[2], ws.w == weights,
           ws.out == out);
    return 0;
}
