extern int lib_ticks;
void lib_tick(void);
