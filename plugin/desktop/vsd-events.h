/* vsd-events.h: libvirt domain events delivered to the GLib main loop.
 *
 * libvirt-glib is not available; libvirt's own default event loop is GLib
 * based and runs in the default main context, which GTK iterates.  Callbacks
 * are deferred to an idle source, so they never run inside libvirt. */
#pragma once

#include <glib.h>

/* Register libvirt's default event implementation.  Must be called before
 * any connection is opened. */
void vsd_events_start(void);

typedef struct _VsdWatch VsdWatch;

/* Called in the main context when a domain of the connection changed, or
 * when the connection was lost (@lost). */
typedef void (*VsdWatchFunc)(VsdWatch *watch, gboolean lost, gpointer user_data);

/* Open @uri ("" = default) and watch every domain's lifecycle, devices,
 * agent and metadata.  Blocks: call it from a worker thread.  @user_data
 * must stay valid until vsd_watch_close. */
VsdWatch *vsd_watch_open(const char *uri, VsdWatchFunc func, gpointer user_data, GError **error);

/* Stop watching and close the connection (main context).  No callback runs
 * after this returns. */
void vsd_watch_close(VsdWatch *watch);
