struct blob { int n; int data[]; };
int lib_blob_sum(const struct blob *b);
