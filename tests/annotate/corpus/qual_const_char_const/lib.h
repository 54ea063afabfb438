int lib_len(const char *const s);
