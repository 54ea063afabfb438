struct span {
    int *p;
    int n;
};
int lib_span_sum(const struct span *s);
