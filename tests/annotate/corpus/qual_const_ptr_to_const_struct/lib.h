struct vec { long x, y, z; };
long lib_dot(const struct vec *const v);
