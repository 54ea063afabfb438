/* What cannot be copied exactly among arrays: strings copied back, pointers
 * whose targets are not annotated, an array parameter with no size, a
 * descriptor annotation on something else. */
#include <fracture.h>

FRACTURE_MODULE(lib, 0);

struct node {
    int v;
};

int lib_split(FR_INOUT(n) char **words, int n) { return words[0] != 0 && n; }
int lib_fill(FR_OUT(n) const char **names, int n) { return names != 0 && n; }
int lib_nodes(FR_IN(n) struct node **v, int n) { return v[0]->v + n; }
int lib_rows(const int m[][2]) { return m[0][0]; }
int lib_cols(const int m[3][2]) { return m[2][1]; }
int lib_keep(FR_FD_KEEP const char *path) { return path != 0; }

FR_MODULE(main, 0) int main(void)
{
    char *w[] = {"a", 0};
    const char *names[1];
    struct node a = {1}, *nodes[] = {&a};
    const int m[3][2] = {{1, 2}, {3, 4}, {5, 6}};
    return lib_split(w, 1) + lib_fill(names, 1) + lib_nodes(nodes, 1) + lib_rows(m) +
           lib_cols(m) + lib_keep("x");
}
