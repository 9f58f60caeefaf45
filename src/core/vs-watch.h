/* vs-watch.h: keep shares mounted across guest reboots (virt-share watch). */
#pragma once

#include <glib.h>

#include "vs-run.h"

/* Run until SIGTERM/SIGINT: whenever a domain's guest agent connects (after
 * every boot), mount the shares virt-share added to it; at start and after
 * every reconnection, do the same for every running domain.  Reconnects to
 * the libvirt daemon with back-off when it goes away.  Progress and problems
 * go to @notify. */
gboolean vs_watch_run(const char *uri, VsNotifyFunc notify, gpointer data, GError **error);

/* Repeated warnings: the watcher retries a failed mount every few seconds
 * and again at every boot, and must not log the same text each time.  Not
 * thread-safe (the watcher holds its notify lock). */
typedef struct _VsWatchRepeats VsWatchRepeats;

/* Log a repeated warning at most once per @interval_us. */
VsWatchRepeats *vs_watch_repeats_new(gint64 interval_us);
void vs_watch_repeats_free(VsWatchRepeats *r);

/* What to log for warning @message about domain @uuid at @now_us
 * (monotonic): the message the first time; NULL for a repeat within the
 * interval since it was last logged; after it, the message again, saying
 * how many repeats were left out. */
char *vs_watch_repeats_filter(VsWatchRepeats *r, const char *uuid, const char *message,
                              gint64 now_us);

/* One mount run for @uuid is over: forget its warnings that did not come
 * again in it (the problem went away or changed), so that they are news
 * when they come back. */
void vs_watch_repeats_run_done(VsWatchRepeats *r, const char *uuid);
