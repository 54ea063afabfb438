struct page { unsigned char bytes[4096]; };
struct page lib_make(int seed);
unsigned long lib_check(struct page p);
