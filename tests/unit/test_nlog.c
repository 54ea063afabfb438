/*
 * test_nlog.c - whether a frame served here is orphaned (fr__lt_orphaned,
 * nlog.c): its asker's incarnation died, so that its outward calls are
 * for nobody and are cancelled.  Walked through the root's own marking of
 * a death (fr__mark_gone) and the steps of a restart, on a real region.
 *
 * The case that matters: the root clears a restarted FMP's `gone` one
 * region after the other, so its new incarnation may ask us while our
 * region still shows its predecessor's end.  Such a frame is not orphaned:
 * cancelling its calls would send the new incarnation a result computed
 * without them (issue 12: twice-texts-4, "gets 53 for 68").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "nlog.h"
#include "supervise.h"
#include "state.h"

static const struct fr_module mods[] = { { "main", 0 }, { "peer", 0 } };
static const struct fr_app app = { FR_ABI_VERSION, "test", mods, 2, NULL, 0, NULL, 0, NULL };

static int memfd;
static struct fr_region region;
static struct fr_fmp fmps[2];
static struct fr_pairmap pair;
static int region_of_fmp[2] = { -1, 0 };

/* The root's view (FMP 0) of one region shared with FMP 1, which asks. */
static int setup(void **state)
{
    (void)state;
    fr__rt.app = &app;
    fr__rt.self = 0;
    fr__rt.nfmps = 2;
    fr__rt.fmps = fmps;
    snprintf(fmps[0].name, sizeof fmps[0].name, "root");
    snprintf(fmps[1].name, sizeof fmps[1].name, "asker");
    fr__region_geom(&fr__rt.geom, 16, 16 * 1024);
    memfd = fr__region_create(&fr__rt.geom, "root", "asker");
    if (memfd < 0 || fr__region_map(memfd, &fr__rt.geom, 1, &region.base) < 0)
        return -1;
    region.peer = 1;
    region.side = 0;
    fr__rt.regions = &region;
    fr__rt.nregions = 1;
    fr__region_cache(0);
    fr__rt.region_of_fmp = region_of_fmp;
    pair = (struct fr_pairmap){ 0, 1, region.base };
    fr__rt.pairs = &pair;
    fr__rt.npairs = 1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    munmap(region.base, fr__rt.geom.size);
    close(memfd);
    return 0;
}

/* A logical thread serving one frame, asked by incarnation @gen of FMP 1. */
static struct fr_lt asked_by(uint32_t gen)
{
    struct fr_lt lt = { .depth = 1 };

    for (int d = 0; d < FR_FRAMES; d++) {
        lt.askers[d] = (struct fr_asker){ -1, 0 };
        lt.calling[d] = -1;
    }
    lt.askers[0] = (struct fr_asker){ 0, gen };
    return lt;
}

/* Restart step 2 (restart.c, reset_channels): a new incarnation number. */
static void bump(void)
{
    atomic_fetch_add(&((struct fr_region_hdr *)region.base)->gen[1], 1);
}

/* Restart step 5 (restart.c, set_side): `gone` cleared, in this region. */
static void clear_gone(void)
{
    atomic_store(&((struct fr_region_hdr *)region.base)->gone[1], 0);
}

static void test_death_and_restart(void **state)
{
    struct fr_lt g0 = asked_by(0), g1 = asked_by(1);
    (void)state;

    assert_int_equal(fr__lt_orphaned(&g0), 0);
    fr__mark_gone(1, 9);
    assert_int_equal(fr__lt_orphaned(&g0), 1);   /* dead, not yet replaced */
    bump();
    assert_int_equal(fr__lt_orphaned(&g0), 1);
    /* the new incarnation asks while `gone` still shows g0's end here */
    assert_int_equal(fr__lt_orphaned(&g1), 0);
    clear_gone();
    assert_int_equal(fr__lt_orphaned(&g1), 0);
    assert_int_equal(fr__lt_orphaned(&g0), 1);
    /* and its own death, before any restart, orphans what it asked */
    fr__mark_gone(1, 9);
    assert_int_equal(fr__lt_orphaned(&g1), 1);
}

static void test_dies_again_before_cleared(void **state)
{
    struct fr_lt g1 = asked_by(1);
    (void)state;

    /* g0 dies, g1 comes up and dies too before `gone` was ever cleared */
    fr__mark_gone(1, 9);
    bump();
    assert_int_equal(fr__lt_orphaned(&g1), 0);
    fr__mark_gone(1, 9);
    assert_int_equal(fr__lt_orphaned(&g1), 1);
}

static void test_covered_by_a_call_to_the_asker(void **state)
{
    struct fr_lt g0 = asked_by(0);
    (void)state;

    /* a call of ours to the asker is in flight below the frame: its replay
     * is fed the frame's work, so the frame goes on */
    g0.calling[0] = 0;
    fr__mark_gone(1, 9);
    assert_int_equal(fr__lt_orphaned(&g0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_death_and_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dies_again_before_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(test_covered_by_a_call_to_the_asker, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
