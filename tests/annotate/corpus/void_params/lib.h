void lib_reset(void);
void lib_bump(void);
int lib_count(void);
