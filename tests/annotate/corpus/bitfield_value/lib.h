struct flags { unsigned a : 3; unsigned b : 5; signed int c : 4; unsigned d : 1; };
struct flags lib_next(struct flags f);
