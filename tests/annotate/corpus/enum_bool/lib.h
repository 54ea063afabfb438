#include <stdbool.h>
enum color { RED = 1, GREEN = 4, BLUE = 9 };
bool lib_warm(enum color c, bool flip);
enum color lib_next(enum color c);
