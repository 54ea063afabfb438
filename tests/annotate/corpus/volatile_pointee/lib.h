void lib_tick(volatile int *counter);
