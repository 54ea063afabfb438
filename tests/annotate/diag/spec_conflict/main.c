int lib_sum(const int *v, int n);

int main(void)
{
    int v[3] = {1, 2, 3};
    return lib_sum(v, 3) == 6 ? 0 : 1;
}
