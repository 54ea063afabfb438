/* FR_OUT on a struct whose pointers would have to be copied back. */
#include <fracture.h>
#include <stddef.h>

struct result {
    FR_STRING char *msg;
    int code;
};

FR_MODULE(worker, 0) void work(FR_OUT(1) struct result *r)
{
    r->msg = "done";
    r->code = 0;
}

int main(void)
{
    struct result r;
    work(&r);
    return r.code;
}
