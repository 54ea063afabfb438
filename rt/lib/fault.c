/*
 * fault.c - fault injection points (fault.h), for the crash matrix.
 */
#include "fault.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

int fr__fault_armed;
static char point_name[32];
static _Atomic long countdown;

void fr__fault_init(void)
{
    const char *v = getenv("FRACTURE_FAULT");
    const char *colon;
    size_t len;

    if (!v || !*v)
        return;
    colon = strchr(v, ':');
    len = colon ? (size_t)(colon - v) : strlen(v);
    if (len == 0 || len >= sizeof point_name)
        return;
    memcpy(point_name, v, len);
    point_name[len] = '\0';
    countdown = colon ? strtol(colon + 1, NULL, 10) : 1;
    if (countdown < 1)
        countdown = 1;
    fr__fault_armed = 1;
}

int fr__fault_fails(const char *point)
{
    return fr__fault_armed && strcmp(point, point_name) == 0 &&
           atomic_fetch_sub(&countdown, 1) <= 1;
}

void fr__fault_point(const char *point)
{
    if (strcmp(point, point_name) == 0 && atomic_fetch_sub(&countdown, 1) == 1)
        raise(SIGKILL);
}
