/* The stale case: handles die with the incarnation that minted them.
 * jar_crash() kills the FMP where JAR_CRASH is set (its first
 * incarnation); restarted, the FMP holds no jar of its predecessor, and a
 * call that passes one fails with ESTALE instead of crashing it. */
#include <signal.h>
#include <stdlib.h>

#include "jar.h"

FRACTURE_MODULE(jar, FR_RESTARTABLE);

struct jar {
    int seed;
};

/* No heap: nothing for a leak checker to find when the program ends. */
static struct jar jars[8];
static int njars;

struct jar *jar_open(int seed)
{
    struct jar *j = njars < 8 ? &jars[njars++] : NULL;

    if (j)
        j->seed = seed;
    return j;
}

int jar_get(struct jar *j)
{
    return j->seed;
}

void jar_crash(void)
{
    const char *c = getenv("JAR_CRASH");

    if (c && *c == '1')
        raise(SIGKILL);
}
