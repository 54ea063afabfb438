/*
 * fuzz_config.c - libFuzzer target for the deployment config: any bytes
 * go through fr__config_parse and, when they parse, fr__config_check
 * against the unit tests' fake app.  ASan and UBSan do the judging; the
 * talloc context is freed after each input so that LeakSanitizer sees any
 * allocation that escaped it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <talloc.h>

#include "config.h"
#include "fake_app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *ctx = talloc_new(NULL);
    struct fr_config *cfg = NULL;
    struct fr_diag d;
    FILE *null;

    if (!ctx)
        return 0;
    fr__diag_init(&d, ctx);
    if (fr__config_parse(ctx, "fuzz.yaml", (const char *)data, size, &cfg,
                         &d) == 0)
        fr__config_check(cfg, &fake_app, &d);
    /* print too: messages quote user text */
    null = fopen("/dev/null", "w");
    if (null) {
        fr__diag_print(&d, null);
        fclose(null);
    }
    talloc_free(ctx);
    return 0;
}
