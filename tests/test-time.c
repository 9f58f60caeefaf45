/* test-time.c: the back-off helper (vs-time.h). */
#include <config.h>

#include "vs-test-util.h"

#include "vs-time.h"

/* Walk the delays on a simulated clock that advances by exactly each delay. */
static guint
backoff_walk(VsTimeBackOff *b, gint64 now_us, guint *delays, guint max)
{
    guint n = 0, delay;

    while (n < max && vs_time_backoff_next(b, now_us, &delay)) {
        delays[n++] = delay;
        now_us += (gint64)delay * 1000;
    }
    return n;
}

static void
test_backoff_sequence(void **state)
{
    static const guint want[] = { 10, 20, 40, 40, 40, 40, 10 };
    VsTimeBackOff b;
    guint got[32];
    guint n;

    vs_time_backoff_start(&b, 10, 40, 200);
    /* Doubling from 10 ms, capped at 40 ms, the last wait shortened so that
     * the last attempt runs at the deadline, then no more. */
    n = backoff_walk(&b, b.deadline_us - 200 * 1000, got, G_N_ELEMENTS(got));
    assert_int_equal(n, G_N_ELEMENTS(want));
    for (guint i = 0; i < n; i++)
        assert_int_equal(got[i], want[i]);
}

static void
test_backoff_deadline_rounds_up(void **state)
{
    VsTimeBackOff b;
    guint delay;

    vs_time_backoff_start(&b, 100, 100, 1000);
    /* 0.5 ms before the deadline: wait 1 ms, not 0 (that would spin). */
    assert_true(vs_time_backoff_next(&b, b.deadline_us - 500, &delay));
    assert_int_equal(delay, 1);
    assert_false(vs_time_backoff_next(&b, b.deadline_us, &delay));
}

static void
test_backoff_zero_timeout(void **state)
{
    VsTimeBackOff b;
    gint64 t0 = g_get_monotonic_time();

    vs_time_backoff_start(&b, 10, 100, 0);
    assert_false(vs_time_backoff_wait(&b));
    assert_true(g_get_monotonic_time() - t0 < 10 * 1000);
}

static void
test_backoff_forever(void **state)
{
    VsTimeBackOff b;
    guint delay = 0;

    vs_time_backoff_start(&b, 250, 5000, VS_TIME_BACKOFF_FOREVER);
    for (guint i = 0; i < 100; i++)
        assert_true(vs_time_backoff_next(&b, G_MAXINT64 - 1, &delay));
    assert_int_equal(delay, 5000);
}

static void
test_backoff_no_overflow(void **state)
{
    VsTimeBackOff b;
    guint delay;

    vs_time_backoff_start(&b, G_MAXUINT / 2 + 1, G_MAXUINT - 1, VS_TIME_BACKOFF_FOREVER);
    assert_true(vs_time_backoff_next(&b, 0, &delay));
    assert_int_equal(delay, G_MAXUINT / 2 + 1);
    assert_true(vs_time_backoff_next(&b, 0, &delay));
    assert_int_equal(delay, G_MAXUINT - 1);
}

/* On the real clock: the waits end at the deadline, not before and not much
 * after, and there are never more of them than the delays allow. */
static void
test_backoff_wait_real(void **state)
{
    VsTimeBackOff b;
    gint64 t0 = g_get_monotonic_time(), elapsed_ms;
    guint waits = 0;

    vs_time_backoff_start(&b, 5, 20, 150);
    while (vs_time_backoff_wait(&b))
        waits++;
    elapsed_ms = (g_get_monotonic_time() - t0) / 1000;
    /* 5+10+20*6 = 135 ms, then 15 ms to the deadline: 9 waits at most. */
    assert_in_range(waits, 1, 9);
    assert_true(elapsed_ms >= 150);
    /* Generous: the machine is shared; a missed cap would take seconds. */
    assert_true(elapsed_ms < 150 + 500);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_sequence),
        cmocka_unit_test(test_backoff_deadline_rounds_up),
        cmocka_unit_test(test_backoff_zero_timeout),
        cmocka_unit_test(test_backoff_forever),
        cmocka_unit_test(test_backoff_no_overflow),
        cmocka_unit_test(test_backoff_wait_real),
    };

    return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
