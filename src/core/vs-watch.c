/* vs-watch.c: keep shares mounted across guest reboots.
 *
 * libvirt's default event loop runs in its own thread (it must run for
 * events and for the close callback); the callbacks only hand a domain UUID
 * or a "reconnect" to the GLib main loop, where all the work happens. */
#include <config.h>

#include <glib-unix.h>
#include <signal.h>

#include "vs-agent.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-time.h"
#include "vs-watch.h"

typedef struct {
    char *uri;
    GMainLoop *loop;
    virConnect *conn;
    int agent_cb;
    guint reconnect_id;
    VsTimeBackOff reconnect;
    VsRunOptions ropts;
    GHashTable *retries;    /* uuid -> VsTimeBackOff of its mount retries */
} VsWatch;

static VsWatch *watch_singleton;

static void G_GNUC_PRINTF(1, 2)
vs_watch_say(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list args;

    va_start(args, fmt);
    msg = g_strdup_vprintf(fmt, args);
    va_end(args);
    if (watch_singleton->ropts.notify)
        watch_singleton->ropts.notify(msg, watch_singleton->ropts.notify_data);
}

static gboolean vs_watch_mount_uuid(gpointer data);

/* Mount the managed shares of one domain; retry with back-off for 15 s
 * (the agent may have connected a moment before it answers guest-exec). */
static void
vs_watch_mount_domain(virDomain *dom)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VsDomainState) state = vs_domain_state_load(dom, &error);
    char uuid[VIR_UUID_STRING_BUFLEN];
    VsTimeBackOff *backoff;
    guint delay_ms;

    if (virDomainGetUUIDString(dom, uuid) < 0)
        return;
    if (state && vs_run_mount_managed(state, &watch_singleton->ropts, &error)) {
        g_hash_table_remove(watch_singleton->retries, uuid);
        return;
    }
    if (!(backoff = g_hash_table_lookup(watch_singleton->retries, uuid))) {
        backoff = g_new(VsTimeBackOff, 1);
        vs_time_backoff_start(backoff, 1000, 5000, 15000);
        g_hash_table_insert(watch_singleton->retries, g_strdup(uuid), backoff);
    }
    if (!vs_time_backoff_next(backoff, g_get_monotonic_time(), &delay_ms)) {
        vs_watch_say(_("%s: giving up mounting: %s"), virDomainGetName(dom), error->message);
        g_hash_table_remove(watch_singleton->retries, uuid);
        return;
    }
    g_timeout_add_full(G_PRIORITY_DEFAULT, delay_ms, vs_watch_mount_uuid, g_strdup(uuid), g_free);
}

static gboolean
vs_watch_mount_uuid(gpointer data)
{
    const char *uuid = data;
    virDomain *dom;

    if (!watch_singleton->conn || !(dom = virDomainLookupByUUIDString(watch_singleton->conn, uuid)))
        return G_SOURCE_REMOVE;
    vs_watch_mount_domain(dom);
    virDomainFree(dom);
    return G_SOURCE_REMOVE;
}

/* libvirt's event thread: hand the UUID to the main loop. */
static void
vs_watch_agent_event(virConnectPtr conn, virDomainPtr dom, int state, int reason, void *opaque)
{
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (state != VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED ||
        virDomainGetUUIDString(dom, uuid) < 0)
        return;
    g_idle_add_full(G_PRIORITY_DEFAULT, vs_watch_mount_uuid, g_strdup(uuid), g_free);
}

/* Every running domain whose agent answers: at start and after reconnecting. */
static void
vs_watch_catch_up(void)
{
    g_autoptr(GPtrArray) doms = vs_domain_list(watch_singleton->conn,
                                               VIR_CONNECT_LIST_DOMAINS_ACTIVE, NULL);

    for (guint i = 0; doms && i < doms->len; i++) {
        if (vs_agent_ping(g_ptr_array_index(doms, i), NULL))
            vs_watch_mount_domain(g_ptr_array_index(doms, i));
    }
}

static gboolean vs_watch_connect(gpointer data);

/* The next reconnection attempt, on the back-off started when the connection
 * was lost (it never expires: the watcher reconnects until stopped). */
static void
vs_watch_schedule_connect(void)
{
    guint delay_ms = 0;

    vs_time_backoff_next(&watch_singleton->reconnect, g_get_monotonic_time(), &delay_ms);
    watch_singleton->reconnect_id = g_timeout_add(delay_ms, vs_watch_connect, NULL);
}

static gboolean
vs_watch_lost(gpointer data)
{
    if (watch_singleton->conn) {
        if (watch_singleton->agent_cb >= 0)
            virConnectDomainEventDeregisterAny(watch_singleton->conn, watch_singleton->agent_cb);
        watch_singleton->agent_cb = -1;
        virConnectClose(watch_singleton->conn);
        watch_singleton->conn = NULL;
    }
    if (!watch_singleton->reconnect_id) {
        vs_watch_say(_("connection to %s lost; reconnecting"),
                     watch_singleton->uri ? watch_singleton->uri : _("the default hypervisor"));
        vs_time_backoff_start(&watch_singleton->reconnect, 250, 5000, VS_TIME_BACKOFF_FOREVER);
        vs_watch_schedule_connect();
    }
    return G_SOURCE_REMOVE;
}

static void
vs_watch_closed(virConnectPtr conn, int reason, void *opaque)
{
    g_idle_add(vs_watch_lost, NULL);
}

static gboolean
vs_watch_connect(gpointer data)
{
    g_autoptr(GError) error = NULL;
    virConnect *conn = vs_connect(watch_singleton->uri, &error);

    if (!conn) {
        vs_watch_schedule_connect();
        return G_SOURCE_REMOVE;
    }
    watch_singleton->reconnect_id = 0;
    watch_singleton->conn = conn;
    virConnectSetKeepAlive(conn, 5, 3);
    virConnectRegisterCloseCallback(conn, vs_watch_closed, NULL, NULL);
    watch_singleton->agent_cb =
        virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(vs_watch_agent_event),
                                         NULL, NULL);
    if (watch_singleton->agent_cb < 0) {
        vs_set_libvirt_error(&error, _("cannot watch guest agent events"));
        vs_watch_say("%s", error->message);
        g_main_loop_quit(watch_singleton->loop);
        return G_SOURCE_REMOVE;
    }
    vs_watch_say(_("watching %s for guest agents"), watch_singleton->uri ? watch_singleton->uri
                                                                          : _("the default hypervisor"));
    vs_watch_catch_up();
    return G_SOURCE_REMOVE;
}

static gpointer
vs_watch_event_thread(gpointer data)
{
    for (;;) {
        if (virEventRunDefaultImpl() < 0)
            g_usleep(100000);
    }
    return NULL;
}

static gboolean
vs_watch_stop(gpointer data)
{
    vs_watch_say(_("stopping"));
    g_main_loop_quit(watch_singleton->loop);
    return G_SOURCE_REMOVE;
}

gboolean
vs_watch_run(const char *uri, VsNotifyFunc notify, gpointer data, GError **error)
{
    VsWatch w = { 0 };

    vs_libvirt_init();
    if (virEventRegisterDefaultImpl() < 0) {
        vs_set_libvirt_error(error, _("cannot start libvirt's event loop"));
        return FALSE;
    }
    w.uri = g_strdup(uri);
    w.loop = g_main_loop_new(NULL, FALSE);
    w.agent_cb = -1;
    w.retries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    vs_run_options_init(&w.ropts);
    w.ropts.notify = notify;
    w.ropts.notify_data = data;
    watch_singleton = &w;

    g_thread_unref(g_thread_new("libvirt-events", vs_watch_event_thread, NULL));
    g_unix_signal_add(SIGTERM, vs_watch_stop, NULL);
    g_unix_signal_add(SIGINT, vs_watch_stop, NULL);
    vs_time_backoff_start(&w.reconnect, 250, 5000, VS_TIME_BACKOFF_FOREVER);
    g_idle_add(vs_watch_connect, NULL);
    g_main_loop_run(w.loop);

    if (w.conn) {
        if (w.agent_cb >= 0)
            virConnectDomainEventDeregisterAny(w.conn, w.agent_cb);
        virConnectUnregisterCloseCallback(w.conn, vs_watch_closed);
        virConnectClose(w.conn);
    }
    g_main_loop_unref(w.loop);
    g_hash_table_unref(w.retries);
    g_free(w.uri);
    watch_singleton = NULL;
    return TRUE;
}
