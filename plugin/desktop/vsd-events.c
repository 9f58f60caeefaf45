/* vsd-events.c: libvirt domain events, handed to the GTK main loop. */
#include <config.h>

#include <libvirt/libvirt.h>

#include "vs-conn.h"
#include "vs-i18n.h"
#include "vsd-events.h"

enum { VSD_N_EVENTS = 5 };

struct _VsdWatch {
    gatomicrefcount ref;
    virConnect *conn;
    int ids[VSD_N_EVENTS];
    gboolean closed;            /* main context only */
    VsdWatchFunc func;
    gpointer user_data;
};

/* Since libvirt 6.1 the default event implementation is built on GLib and
 * runs in the default main context (virEventRunDefaultImpl is one
 * g_main_context_iteration): GTK's main loop drives it, and a thread of its
 * own would take the context away from GTK (g_application_run then refuses
 * to start, as measured with libvirt 9.0). */
void
vsd_events_start(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        vs_conn_init();
        virEventRegisterDefaultImpl();
        g_once_init_leave(&done, 1);
    }
}

static VsdWatch *
vsd_watch_ref(VsdWatch *w)
{
    g_atomic_ref_count_inc(&w->ref);
    return w;
}

static void
vsd_watch_unref(void *data)
{
    VsdWatch *w = data;

    if (g_atomic_ref_count_dec(&w->ref)) {
        if (w->conn)
            virConnectClose(w->conn);
        g_free(w);
    }
}

typedef struct {
    VsdWatch *watch;
    gboolean lost;
} VsdDispatch;

static void
vsd_dispatch_free(gpointer data)
{
    VsdDispatch *d = data;

    vsd_watch_unref(d->watch);
    g_free(d);
}

/* Main context: closing happens here too, so the flag cannot change under us. */
static gboolean
vsd_watch_dispatch(gpointer data)
{
    VsdDispatch *d = data;

    if (!d->watch->closed)
        d->watch->func(d->watch, d->lost, d->watch->user_data);
    return G_SOURCE_REMOVE;
}

/* From libvirt's dispatch: always defer, as libvirt may not be called back
 * from inside its own callbacks (closing a lost connection, for one). */
static void
vsd_watch_notify(VsdWatch *w, gboolean lost)
{
    VsdDispatch *d = g_new0(VsdDispatch, 1);

    d->watch = vsd_watch_ref(w);
    d->lost = lost;
    g_idle_add_full(G_PRIORITY_DEFAULT, vsd_watch_dispatch, d, vsd_dispatch_free);
}

/* One callback per signature libvirt uses for the events we watch. */
static void
vsd_on_int_int(virConnectPtr c, virDomainPtr d, int a, int b, void *opaque)
{
    vsd_watch_notify(opaque, FALSE);
}

static void
vsd_on_alias(virConnectPtr c, virDomainPtr d, const char *alias, void *opaque)
{
    vsd_watch_notify(opaque, FALSE);
}

static void
vsd_on_metadata(virConnectPtr c, virDomainPtr d, int type, const char *nsuri, void *opaque)
{
    vsd_watch_notify(opaque, FALSE);
}

static void
vsd_on_close(virConnectPtr c, int reason, void *opaque)
{
    vsd_watch_notify(opaque, TRUE);
}

static gboolean
vsd_watch_register(VsdWatch *w, GError **error)
{
    static const struct {
        int id;
        virConnectDomainEventGenericCallback cb;
    } events[VSD_N_EVENTS] = {
        { VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(vsd_on_int_int) },
        { VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(vsd_on_int_int) },
        { VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, VIR_DOMAIN_EVENT_CALLBACK(vsd_on_alias) },
        { VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, VIR_DOMAIN_EVENT_CALLBACK(vsd_on_alias) },
        { VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(vsd_on_metadata) },
    };

    for (guint i = 0; i < VSD_N_EVENTS; i++) {
        /* Each registration owns a reference, dropped by libvirt when it ends. */
        w->ids[i] = virConnectDomainEventRegisterAny(w->conn, NULL, events[i].id, events[i].cb,
                                                     vsd_watch_ref(w), vsd_watch_unref);
        if (w->ids[i] < 0) {
            vsd_watch_unref(w);
            vs_conn_set_error(error, _("cannot watch domain events"));
            return FALSE;
        }
    }
    if (virConnectRegisterCloseCallback(w->conn, vsd_on_close, vsd_watch_ref(w),
                                        vsd_watch_unref) < 0)
        vsd_watch_unref(w);
    /* Notice a dead remote daemon even when no event comes. */
    virConnectSetKeepAlive(w->conn, 5, 3);
    return TRUE;
}

VsdWatch *
vsd_watch_open(const char *uri, VsdWatchFunc func, gpointer user_data, GError **error)
{
    VsdWatch *w = g_new0(VsdWatch, 1);

    g_atomic_ref_count_init(&w->ref);
    w->func = func;
    w->user_data = user_data;
    for (guint i = 0; i < VSD_N_EVENTS; i++)
        w->ids[i] = -1;
    if (!(w->conn = vs_conn_open(uri && *uri ? uri : NULL, error)) ||
        !vsd_watch_register(w, error)) {
        vsd_watch_close(w);
        return NULL;
    }
    return w;
}

void
vsd_watch_close(VsdWatch *w)
{
    if (!w)
        return;
    w->closed = TRUE;
    if (w->conn) {
        for (guint i = 0; i < VSD_N_EVENTS; i++)
            if (w->ids[i] >= 0)
                virConnectDomainEventDeregisterAny(w->conn, w->ids[i]);
        virConnectUnregisterCloseCallback(w->conn, vsd_on_close);
    }
    vsd_watch_unref(w);
}
