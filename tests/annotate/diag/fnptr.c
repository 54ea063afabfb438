/* A function pointer crosses modules only through FR_CALLBACK. */
#include <fracture.h>

FRACTURE_MODULE(events, 0);

typedef int (*handler_fn)(int);

int events_on(handler_fn h) { return h(1); }
int events_each(FR_CALLBACK int (*visit)(int)) { return visit(2); }
handler_fn events_current(void) { return 0; }

FR_MODULE(main, 0) static int on_event(int x) { return x; }
FR_MODULE(main, 0) int main(void)
{
    return events_on(on_event) + events_each(on_event) + (events_current() != 0);
}
