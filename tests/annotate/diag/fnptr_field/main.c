int deflate_init(void);
int main(void) { return deflate_init() ? 0 : 1; }
