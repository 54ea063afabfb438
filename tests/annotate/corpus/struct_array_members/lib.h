struct rec {
    char name[16];
    int v[3];
};
int lib_weigh(struct rec r);
int lib_name_len(const struct rec *r);
