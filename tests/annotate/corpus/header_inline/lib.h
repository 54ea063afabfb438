static inline int sq_plus(int x)
{
    return x * x + 1;
}
int lib_sq_twice(int x);
