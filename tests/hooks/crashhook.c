/*
 * crashhook.c - a meta-application whose hook crashes (the bad-input
 * tests: a hook's crash is its FMP's).  Args "once:MARKER": the shadow of
 * calc_add crashes its FMP the first time (MARKER does not exist yet: it
 * is made, then a SIGSEGV), so that a restart's replay succeeds; "root": the
 * agent of calc_add crashes the root.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <fracture/hook.h>

static char marker[256];

/* A real fault, as a buggy hook makes one: raise() would wait while the
 * runtime's thread blocks the signal, a fault never does. */
static int *volatile nowhere;

static void fault(void)
{
    *nowhere = 1;
}
static int in_root;

static int crash(const struct fr_hook_call *hc, void *ud)
{
    (void)ud;
    if (strcmp(hc->function_name, "calc_add") != 0)
        return 0;
    if (in_root && hc->action == FR_HOOK_AGENT_BEFORE)
        fault();
    if (!in_root && hc->action == FR_HOOK_SHADOW_BEFORE && access(marker, F_OK) != 0) {
        int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0)
            close(fd);
        fault();
    }
    return 0;
}

int fr_meta_init(const char *args)
{
    struct fr_hook h = { .modules = "calc", .shadow_before = crash, .agent_before = crash };

    if (strcmp(args, "root") == 0)
        in_root = 1;
    else if (strncmp(args, "once:", 5) == 0 && strlen(args) < sizeof marker + 5)
        strcpy(marker, args + 5);
    else
        return -22;
    return fr_hook_register(&h, NULL);
}
