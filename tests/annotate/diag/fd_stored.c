/* FR_FD lends a descriptor for one call: one stored for later writes into
 * whatever reuses its number.  FR_FD_KEEP is how a callee keeps one. */
#include <fracture.h>

FRACTURE_MODULE(log, 0);

struct logger { int fd; };
static struct logger lg;
static int out = -1;

int log_open(FR_FD int fd) { lg.fd = fd; return 0; }
int log_dup(FR_FD int fd) { int mine = fd; out = mine; return 0; }
int log_write(FR_FD int fd) { return fd >= 0; }   /* used in the call: fine */

FR_MODULE(main, 0) int main(void)
{
    return log_open(2) + log_dup(2) + log_write(2);
}
