void lib_upper(char *s);
