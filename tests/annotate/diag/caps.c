/* Every place that names a module must give the same caps. */
#include <fracture.h>

FRACTURE_MODULE(net, FR_RESTARTABLE | FR_SAMPLABLE);

int net_a(void) { return 1; }
FR_MODULE(net, FR_SAMPLABLE | FR_RESTARTABLE) int net_b(void) { return 2; }
FR_MODULE(net, FR_RESTARTABLE) int net_c(void) { return 3; }
FR_MODULE(disk, FR_RESTARTIBLE) int disk_a(void) { return 4; }

FR_MODULE(main, 0) int main(void) { return net_a() + net_b() + net_c() + disk_a(); }
