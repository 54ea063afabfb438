long even_sum(int n);
long odd_sum(int n);
