#ifndef CALC_H
#define CALC_H
enum op { OP_ADD, OP_MUL };
struct pair {
    double a, b;
};
double calc_mix(enum op op, struct pair p, long k, unsigned char c);
struct pair calc_swap(struct pair p, float f);
long calc_norm(struct pair p);
#endif
