#include <fracture.h>
struct user {
    FR_STRING const char *name;
    int age;
};
int lib_score(const struct user *u);
