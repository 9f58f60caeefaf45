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
