/*
 * events.c - module "events" (no caps: it keeps the handlers it was given,
 * state a restart would lose).  The handlers are functions of module main;
 * called from here they run in main's FMP.
 */
#include <pthread.h>

#include "events.h"

FRACTURE_MODULE(events, 0);

static struct {
    event_handler h;
    void *ctx;
} slots[EVENTS_SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

int events_subscribe(int slot, event_handler h, void *ctx)
{
    if (slot < 0 || slot >= EVENTS_SLOTS)
        return -1;
    pthread_mutex_lock(&slots_lock);
    slots[slot].h = h;
    slots[slot].ctx = ctx;
    pthread_mutex_unlock(&slots_lock);
    return 0;
}

int events_fire(int slot, int ncodes)
{
    event_handler h;
    void *ctx;
    int sum = 0;

    if (slot < 0 || slot >= EVENTS_SLOTS)
        return -1;
    pthread_mutex_lock(&slots_lock);
    h = slots[slot].h;
    ctx = slots[slot].ctx;
    pthread_mutex_unlock(&slots_lock);
    if (!h)
        return -1;
    for (int code = 0; code < ncodes; code++)
        sum += h(ctx, code);
    return sum;
}

void events_unsubscribe(int slot)
{
    if (slot < 0 || slot >= EVENTS_SLOTS)
        return;
    pthread_mutex_lock(&slots_lock);
    slots[slot].h = NULL;
    slots[slot].ctx = NULL;
    pthread_mutex_unlock(&slots_lock);
}

void events_each_square(int n, int window, void (*visit)(const int *vals, size_t count, void *ctx),
                        void *ctx)
{
    int vals[8];

    if (window < 1 || window > 8)
        return;
    for (int i = 0; i < n; i += window) {
        size_t k = 0;
        for (int j = i; j < n && j < i + window; j++)
            vals[k++] = j * j;
        visit(vals, k, ctx);
    }
}
