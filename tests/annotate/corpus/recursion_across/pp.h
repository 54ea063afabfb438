int ping(int n);
int pong(int n);
