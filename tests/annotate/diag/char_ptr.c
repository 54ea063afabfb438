/* A non-const char * may be a string or a buffer: say which. */
#include <fracture.h>

FRACTURE_MODULE(text, 0);

void text_upper(char *s) { (void)s; }
void text_ok(FR_STRING char *s) { (void)s; }

FR_MODULE(main, 0) int main(void)
{
    char b[] = "x";
    text_upper(b);
    text_ok(b);
    return 0;
}
