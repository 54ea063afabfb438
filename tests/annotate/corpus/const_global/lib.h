extern const int lib_primes[8];
int lib_nth_prime(int i);
