/* vs-time.c: the exponential back-off of every poller. */
#include <config.h>

#include "vs-time.h"

void
vs_time_backoff_start(VsTimeBackOff *var, guint first_ms, guint cap_ms, guint timeout_ms)
{
    var->next_ms = MAX(first_ms, 1);
    var->cap_ms = MAX(cap_ms, var->next_ms);
    if (timeout_ms == VS_TIME_BACKOFF_FOREVER)
        var->deadline_us = G_MAXINT64;
    else
        var->deadline_us = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
}

gboolean
vs_time_backoff_next(VsTimeBackOff *var, gint64 now_us, guint *delay_ms)
{
    guint delay = var->next_ms;

    if (now_us >= var->deadline_us)
        return FALSE;
    var->next_ms = var->next_ms >= var->cap_ms / 2 ? var->cap_ms : var->next_ms * 2;
    /* Round up: a last attempt a fraction of a millisecond early would be
     * followed by no attempt at all at the deadline. */
    if (var->deadline_us != G_MAXINT64 && now_us + (gint64)delay * 1000 > var->deadline_us)
        delay = (guint)((var->deadline_us - now_us + 999) / 1000);
    *delay_ms = delay;
    return TRUE;
}

gboolean
vs_time_backoff_wait(VsTimeBackOff *var)
{
    guint delay_ms;

    if (!vs_time_backoff_next(var, g_get_monotonic_time(), &delay_ms))
        return FALSE;
    g_usleep((gulong)delay_ms * 1000);
    return TRUE;
}
