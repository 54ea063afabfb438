#include <stdio.h>
#include <stdlib.h>
#include "words.h"

int main(void)
{
    char buf[32] = "split me";
    char word[] = "hello";
    char *j;
    const char *n;

    printf("count %zu %zu\n", words_count("one two  three"), words_count(NULL));
    printf("first %c %d\n", words_first(word), words_first(NULL));
    words_upper(buf, sizeof buf);
    printf("upper %s\n", buf);
    n = words_name(1);
    printf("name %s %s\n", n, words_name(7) ? "?" : "(null)");
    j = words_join("frac", "ture");
    printf("join %s\n", j);
    free(j);
    return 0;
}
