/* Module main: calls both. */
int db_a(void);
int db_b(void);
int main(void) { return db_a() + db_b(); }
