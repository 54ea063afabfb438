void lib_quit(int status);
