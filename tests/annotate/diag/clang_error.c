/* Code that does not compile is reported as clang sees it. */
int main(void) { return undeclared_thing; }
