/* A system struct that ends in a flexible array member is refused as a
 * program's is: a copy of struct inotify_event holds its header only, so
 * the split fam_sysin() would read an empty name (0, where the plain
 * program says 8). */
#include <fracture.h>
#include <string.h>
#include <sys/inotify.h>

FRACTURE_MODULE(fam, 0);

int fam_sysin(const struct inotify_event *ev) { return (int)strlen(ev->name); }

FR_MODULE(main, 0) int main(void)
{
    union {
        struct inotify_event ev;
        char bytes[sizeof(struct inotify_event) + 16];
    } u = {0};

    u.ev.len = 16;
    memcpy(u.ev.name, "fracture", 9);
    return fam_sysin(&u.ev) == 8 ? 0 : 1;
}
