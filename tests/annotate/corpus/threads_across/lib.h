long lib_step(int i);
