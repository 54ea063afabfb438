/*
 * fake_app.h - the module table that the config tests and the config fuzzer
 * check configs against.  The bad-config corpus (.expect files) depends on
 * these names and caps: change them and the expected output changes.
 */
#ifndef FR_TEST_FAKE_APP_H
#define FR_TEST_FAKE_APP_H

#include <fracture/abi.h>

static const struct fr_module fake_modules[] = {
    { "main", 0 },
    { "parser", FR_RESTARTABLE | FR_SAMPLABLE },
    { "lexer", FR_RESTARTABLE },
    { "crypto", FR_REPLICABLE },
    { "codec", FR_SAMPLABLE | FR_RESTARTABLE },
};

static const struct fr_app fake_app = {
    .abi_version = FR_ABI_VERSION,
    .name = "fake",
    .modules = fake_modules,
    .nmodules = sizeof(fake_modules) / sizeof(fake_modules[0]),
};

#endif /* FR_TEST_FAKE_APP_H */
