/* vs-time.h: one exponential back-off for every poller (libvirt's
 * virTimeBackOffStart/virTimeBackOffWait, src/util/virtime.h, is the model). */
#pragma once

#include <glib.h>

/* A @timeout_ms that never expires (the watcher reconnects until stopped). */
#define VS_TIME_BACKOFF_FOREVER G_MAXUINT

typedef struct {
    gint64 deadline_us;   /* monotonic clock; G_MAXINT64 = never */
    guint next_ms;        /* the next delay before the deadline shortens it */
    guint cap_ms;
} VsTimeBackOff;

/* Start a back-off: delays of @first_ms, doubling up to @cap_ms, for
 * @timeout_ms from now on the monotonic clock (0: no waiting at all). */
void vs_time_backoff_start(VsTimeBackOff *var, guint first_ms, guint cap_ms, guint timeout_ms);

/* The delay to wait at @now_us (monotonic, µs) before the next attempt, in
 * *@delay_ms, shortened so that the last attempt runs at the deadline; FALSE
 * when the deadline has passed.  For event loops (g_timeout_add); pollers
 * use vs_time_backoff_wait. */
gboolean vs_time_backoff_next(VsTimeBackOff *var, gint64 now_us, guint *delay_ms);

/* Sleep for the next delay and return TRUE, or return FALSE at once when the
 * deadline has passed.  Try first, then wait:
 *     vs_time_backoff_start(&b, 20, 500, timeout_ms);
 *     while (!try(...))
 *         if (!vs_time_backoff_wait(&b))
 *             return timed_out(...); */
gboolean vs_time_backoff_wait(VsTimeBackOff *var);
