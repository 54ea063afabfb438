void lib_remember(const char *s);
int lib_last_initial(void);
