/*
 * bench_main.c - fracture-bench, the measuring run of `fracture bench`
 * (bench.c runs it, beside itself, with the config it measures under): a
 * fractured program of its own, so that its FMPs map libfracture and what
 * it needs, as a user's FMPs do, and none of the libraries of the other
 * `fracture` commands.  Its root is started by `fracture bench`; its
 * children are started by its root (FRACTURE_PLAN).
 */
#include "bench.h"

int main(int argc, char **argv)
{
    return fr_bench_main(argc, argv);
}
