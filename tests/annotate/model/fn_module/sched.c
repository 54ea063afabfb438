/* One file, three modules: the file's, and two single functions placed
 * elsewhere with FR_MODULE; a function address stored by another module. */
#include <fracture.h>
#include <stddef.h>

FRACTURE_MODULE(sched, FR_RESTARTABLE);

struct job;
typedef int (*job_fn)(int);

static int tick(int x) { return x + 1; }
FR_MODULE(timer, FR_REPLICABLE | FR_RESTARTABLE) int timer_now(void) { return tick(0); }
FR_MODULE(worker, 0) int worker_run(FR_CALLBACK job_fn fn, int arg) { return fn(arg); }

int sched_add(struct job *j, const char *name) { (void)j; return name[0] + timer_now(); }
int sched_step(int x) { return worker_run(tick, x); }
