/* A variadic function cannot be called across modules; a call inside its
 * own module is fine. */
#include <fracture.h>

FRACTURE_MODULE(log, 0);

#define LOG(...) log_msg(__VA_ARGS__)

int log_msg(const char *fmt, ...) { (void)fmt; return 0; }
int log_twice(void) { return log_msg("a") + log_msg("b"); }

FR_MODULE(main, 0) int main(void)
{
    LOG("x %d", 1);
    return log_twice();
}
