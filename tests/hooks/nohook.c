/* nohook.c - a shared object without the entry point (a bad-input test). */
int not_the_entry_point(void);
int not_the_entry_point(void)
{
    return 0;
}
