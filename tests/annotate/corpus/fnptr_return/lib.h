typedef int (*op_fn)(int);
op_fn lib_pick(int which);
