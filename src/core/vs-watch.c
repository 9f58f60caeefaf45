/* vs-watch.c: keep shares mounted across guest reboots.
 *
 * libvirt's default event loop runs in its own thread (it must run for
 * events and for the close callback); the callbacks only hand a domain UUID
 * or a "reconnect" to the GLib main loop.  The main loop owns all state; the
 * mounting itself runs in a thread pool, one job per domain at a time, so a
 * slow or hung guest (each agent command waits up to its own timeout) never
 * delays another guest's mount.  libvirt connections are thread-safe. */
#include <config.h>

#include <glib-unix.h>
#include <signal.h>

#include "vs-agent.h"
#include "vs-conn.h"
#include "vs-domain.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-lock.h"
#include "vs-op.h"
#include "vs-time.h"
#include "vs-watch.h"

/* Domains mounted at once; more wait in the pool's queue. */
#define VS_WATCH_THREADS 16

/* The same warning about the same domain is logged at most this often. */
#define VS_WATCH_REPEAT_US (10 * 60 * G_USEC_PER_SEC)

typedef struct {
    char *uri;
    GMainLoop *loop;
    virConnect *conn;
    int agent_cb;
    guint reconnect_id;
    VsTimeBackOff reconnect;
    gboolean waiting_said;  /* the "waiting for libvirt" line, once per wait */
    VsRunOptions ropts;
    VsNotifyFunc notify;    /* the caller's, called under notify_lock */
    gpointer notify_data;
    GMutex notify_lock;
    VsWatchRepeats *repeats;    /* under notify_lock */
    GHashTable *retries;    /* uuid -> VsTimeBackOff of its mount retries */
    GHashTable *busy;       /* uuid -> TRUE if asked again while its job runs */
    GThreadPool *pool;
    gint stopping;          /* atomic: set once the main loop has quit */
} VsWatch;

/* One domain's mount, run in the pool; the result goes back to the main loop. */
typedef struct {
    char *uuid;
    char *name;             /* set by the job */
    virConnect *conn;       /* a reference: the main loop may drop its own */
    gboolean only_if_agent; /* at start: skip domains whose agent does not answer */
    gboolean skipped;
    GError *error;
} VsWatchJob;

static VsWatch *watch_singleton;

/* ---- repeated warnings ---- */

struct _VsWatchRepeats {
    gint64 interval_us;
    GHashTable *seen;       /* "UUID\nmessage" -> VsWatchRepeat */
};

typedef struct {
    gint64 logged_us;       /* when it was last logged */
    guint left_out;         /* repeats not logged since */
    gboolean this_run;      /* came again in the current run */
} VsWatchRepeat;

VsWatchRepeats *
vs_watch_repeats_new(gint64 interval_us)
{
    VsWatchRepeats *r = g_new0(VsWatchRepeats, 1);

    r->interval_us = interval_us;
    r->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return r;
}

void
vs_watch_repeats_free(VsWatchRepeats *r)
{
    if (!r)
        return;
    g_hash_table_unref(r->seen);
    g_free(r);
}

char *
vs_watch_repeats_filter(VsWatchRepeats *r, const char *uuid, const char *message,
                        gint64 now_us)
{
    g_autofree char *key = g_strconcat(uuid, "\n", message, NULL);
    VsWatchRepeat *rep = g_hash_table_lookup(r->seen, key);
    guint left_out;

    if (!rep) {
        rep = g_new0(VsWatchRepeat, 1);
        rep->logged_us = now_us;
        rep->this_run = TRUE;
        g_hash_table_insert(r->seen, g_steal_pointer(&key), rep);
        return g_strdup(message);
    }
    rep->this_run = TRUE;
    if (now_us - rep->logged_us < r->interval_us) {
        rep->left_out++;
        return NULL;
    }
    left_out = rep->left_out;
    rep->logged_us = now_us;
    rep->left_out = 0;
    if (left_out == 0)
        return g_strdup(message);
    return g_strdup_printf(ngettext("%s (%u more time since it was last logged)",
                                    "%s (%u more times since it was last logged)", left_out),
                           message, left_out);
}

void
vs_watch_repeats_run_done(VsWatchRepeats *r, const char *uuid)
{
    g_autofree char *prefix = g_strconcat(uuid, "\n", NULL);
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, r->seen);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        VsWatchRepeat *rep = value;

        if (!g_str_has_prefix(key, prefix))
            continue;
        if (!rep->this_run)
            g_hash_table_iter_remove(&iter);
        else
            rep->this_run = FALSE;
    }
}

static void
vs_watch_job_free(VsWatchJob *job)
{
    g_free(job->uuid);
    g_free(job->name);
    virConnectClose(job->conn);
    g_clear_error(&job->error);
    g_free(job);
}

/* Progress comes from the main loop and from the pool's threads. */
static void
vs_watch_notify(const char *message, gpointer data)
{
    VsWatch *w = watch_singleton;

    if (!w->notify)
        return;
    g_mutex_lock(&w->notify_lock);
    w->notify(message, w->notify_data);
    g_mutex_unlock(&w->notify_lock);
}

/* A warning from a domain's mount job (@data): logged unless it repeats. */
static void
vs_watch_warn(const char *message, gpointer data)
{
    VsWatchJob *job = data;
    VsWatch *w = watch_singleton;
    g_autofree char *shown = NULL;

    if (!w->notify)
        return;
    g_mutex_lock(&w->notify_lock);
    shown = vs_watch_repeats_filter(w->repeats, job->uuid, message, g_get_monotonic_time());
    if (shown)
        w->notify(shown, w->notify_data);
    g_mutex_unlock(&w->notify_lock);
}

static void G_GNUC_PRINTF(1, 2)
vs_watch_say(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list args;

    va_start(args, fmt);
    msg = g_strdup_vprintf(fmt, args);
    va_end(args);
    vs_watch_notify(msg, watch_singleton);
}

static void vs_watch_request(const char *uuid, gboolean only_if_agent);

static gboolean
vs_watch_retry(gpointer data)
{
    vs_watch_request(data, FALSE);
    return G_SOURCE_REMOVE;
}

/* Main loop: a job finished; retry a failure with back-off for 15 s (the
 * agent may have connected a moment before it answers guest-exec). */
static gboolean
vs_watch_done(gpointer data)
{
    VsWatchJob *job = data;
    VsWatch *w = watch_singleton;
    gpointer again = NULL;
    VsTimeBackOff *backoff;
    guint delay_ms;

    g_hash_table_steal_extended(w->busy, job->uuid, NULL, &again);
    if (g_atomic_int_get(&w->stopping) || job->skipped) {
        vs_watch_job_free(job);
        return G_SOURCE_REMOVE;
    }
    g_mutex_lock(&w->notify_lock);
    vs_watch_repeats_run_done(w->repeats, job->uuid);
    g_mutex_unlock(&w->notify_lock);
    if (!job->error) {
        g_hash_table_remove(w->retries, job->uuid);
    } else {
        if (!(backoff = g_hash_table_lookup(w->retries, job->uuid))) {
            backoff = g_new(VsTimeBackOff, 1);
            vs_time_backoff_start(backoff, 1000, 5000, 15000);
            g_hash_table_insert(w->retries, g_strdup(job->uuid), backoff);
        }
        if (!vs_time_backoff_next(backoff, g_get_monotonic_time(), &delay_ms)) {
            vs_watch_say(_("%s: giving up mounting: %s"), job->name ? job->name : job->uuid,
                         job->error->message);
            g_hash_table_remove(w->retries, job->uuid);
        } else if (!again) {
            g_timeout_add_full(G_PRIORITY_DEFAULT, delay_ms, vs_watch_retry,
                               g_strdup(job->uuid), g_free);
        }
    }
    /* Asked again while it ran (e.g. the guest rebooted meanwhile): run again. */
    if (again)
        vs_watch_request(job->uuid, FALSE);
    vs_watch_job_free(job);
    return G_SOURCE_REMOVE;
}

/* Pool thread: mount the managed shares of one domain. */
static void
vs_watch_work(gpointer data, gpointer user_data)
{
    VsWatchJob *job = data;
    g_autoptr(virDomain) dom = virDomainLookupByUUIDString(job->conn, job->uuid);
    VsRunOptions ropts = watch_singleton->ropts;
    g_autoptr(VsLock) lock = NULL;
    g_autoptr(VsDomainState) state = NULL;

    if (g_atomic_int_get(&watch_singleton->stopping) || !dom ||
        (job->only_if_agent && !vs_agent_ping(dom, NULL))) {
        job->skipped = TRUE;
    } else {
        job->name = g_strdup(virDomainGetName(dom));
        /* warnings name the job's domain for the repeat filter */
        ropts.warn = vs_watch_warn;
        ropts.notify_data = job;
        /* The lock the commands take, only while reading: the guest's steps
         * run without it, each share read again under it before and after
         * (ropts.unlocked), so a slow or reconnecting guest never keeps an
         * admin's command waiting, and what a command changed meanwhile wins.
         * A timeout is a failure, retried as any other. */
        ropts.unlocked = TRUE;
        if ((state = vs_op_load_domain(dom, &lock, ropts.timeout_ms, &job->error))) {
            g_clear_pointer(&lock, vs_lock_release);
            vs_run_mount_managed(state, NULL, &ropts, &job->error);
        }
    }
    g_idle_add(vs_watch_done, job);
}

/* Main loop: mount the managed shares of the domain @uuid, unless a job for
 * it runs already (then it runs once more when that one is done). */
static void
vs_watch_request(const char *uuid, gboolean only_if_agent)
{
    VsWatch *w = watch_singleton;
    VsWatchJob *job;

    if (!w->conn || g_atomic_int_get(&w->stopping))
        return;
    if (g_hash_table_contains(w->busy, uuid)) {
        g_hash_table_replace(w->busy, g_strdup(uuid), GINT_TO_POINTER(TRUE));
        return;
    }
    g_hash_table_insert(w->busy, g_strdup(uuid), GINT_TO_POINTER(FALSE));
    job = g_new0(VsWatchJob, 1);
    job->uuid = g_strdup(uuid);
    job->conn = w->conn;
    virConnectRef(job->conn);
    job->only_if_agent = only_if_agent;
    g_thread_pool_push(w->pool, job, NULL);
}

static gboolean
vs_watch_mount_uuid(gpointer data)
{
    vs_watch_request(data, FALSE);
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
        char uuid[VIR_UUID_STRING_BUFLEN];

        if (virDomainGetUUIDString(g_ptr_array_index(doms, i), uuid) == 0)
            vs_watch_request(uuid, TRUE);
    }
}

static gboolean vs_watch_connect(gpointer data);
static void vs_watch_closed(virConnectPtr conn, int reason, void *opaque);

/* Drop the connection as virsh's virshReconnect does: the close callback
 * holds a reference, so unregister it first; say so if references leak.
 * Each job still in the pool holds one reference of its own (it drops it
 * when it ends), so only references beyond those are a leak. */
static void
vs_watch_disconnect(void)
{
    int left;

    if (!watch_singleton->conn)
        return;
    if (watch_singleton->agent_cb >= 0)
        virConnectDomainEventDeregisterAny(watch_singleton->conn, watch_singleton->agent_cb);
    watch_singleton->agent_cb = -1;
    virConnectUnregisterCloseCallback(watch_singleton->conn, vs_watch_closed);
    left = virConnectClose(watch_singleton->conn);
    if (left > (int)g_hash_table_size(watch_singleton->busy))
        vs_watch_say(_("warning: references to the old connection leaked"));
    watch_singleton->conn = NULL;
}

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
    vs_watch_disconnect();
    if (!watch_singleton->reconnect_id) {
        vs_watch_say(_("connection to %s lost; reconnecting"),
                     watch_singleton->uri ? watch_singleton->uri : _("the default hypervisor"));
        watch_singleton->waiting_said = TRUE;
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
    virConnect *conn = vs_conn_open(watch_singleton->uri, &error);

    if (!conn) {
        /* A unit may start before libvirt is installed, started or
         * socket-activated: one line that says what does not answer, then
         * quiet retries (a loop of errors would fill the journal). */
        if (!watch_singleton->waiting_said) {
            vs_watch_say(_("waiting for libvirt: %s"), error->message);
            watch_singleton->waiting_said = TRUE;
        }
        vs_watch_schedule_connect();
        return G_SOURCE_REMOVE;
    }
    watch_singleton->reconnect_id = 0;
    watch_singleton->waiting_said = FALSE;
    watch_singleton->conn = conn;
    virConnectSetKeepAlive(conn, 5, 3);
    virConnectRegisterCloseCallback(conn, vs_watch_closed, NULL, NULL);
    watch_singleton->agent_cb =
        virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(vs_watch_agent_event),
                                         NULL, NULL);
    if (watch_singleton->agent_cb < 0) {
        vs_conn_set_error(&error, _("cannot watch guest agent events"));
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

/* After the main loop: give running mounts a moment to finish (queued ones
 * return at once); TRUE if none is left.  A hung guest must not hold up a
 * stop, so after VS_WATCH_STOP_WAIT_MS its job is left to the process exit. */
#define VS_WATCH_STOP_WAIT_MS 2000
static gboolean
vs_watch_drain(VsWatch *w)
{
    gint64 deadline = g_get_monotonic_time() + VS_WATCH_STOP_WAIT_MS * 1000;

    g_atomic_int_set(&w->stopping, TRUE);
    while (g_hash_table_size(w->busy) > 0 && g_get_monotonic_time() < deadline) {
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(10000);
    }
    if (g_hash_table_size(w->busy) > 0)
        return FALSE;
    g_thread_pool_free(w->pool, FALSE, TRUE);
    return TRUE;
}

gboolean
vs_watch_run(const char *uri, VsNotifyFunc notify, gpointer data, GError **error)
{
    /* static: pool threads still stuck in a hung guest may outlive this call */
    static VsWatch w;

    vs_conn_init();
    if (virEventRegisterDefaultImpl() < 0) {
        vs_conn_set_error(error, _("cannot start libvirt's event loop"));
        return FALSE;
    }
    memset(&w, 0, sizeof(w));
    w.uri = g_strdup(uri);
    w.loop = g_main_loop_new(NULL, FALSE);
    w.agent_cb = -1;
    w.retries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    w.busy = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_mutex_init(&w.notify_lock);
    w.repeats = vs_watch_repeats_new(VS_WATCH_REPEAT_US);
    w.notify = notify;
    w.notify_data = data;
    vs_run_options_init(&w.ropts);
    w.ropts.notify = vs_watch_notify;
    w.ropts.notify_data = NULL;  /* vs_watch_notify uses watch_singleton */
    w.pool = g_thread_pool_new(vs_watch_work, NULL, VS_WATCH_THREADS, FALSE, NULL);
    watch_singleton = &w;

    g_thread_unref(g_thread_new("libvirt-events", vs_watch_event_thread, NULL));
    g_unix_signal_add(SIGTERM, vs_watch_stop, NULL);
    g_unix_signal_add(SIGINT, vs_watch_stop, NULL);
    vs_time_backoff_start(&w.reconnect, 250, 5000, VS_TIME_BACKOFF_FOREVER);
    g_idle_add(vs_watch_connect, NULL);
    g_main_loop_run(w.loop);

    vs_watch_disconnect();
    if (!vs_watch_drain(&w))
        return TRUE;
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_main_loop_unref(w.loop);
    g_hash_table_unref(w.retries);
    g_hash_table_unref(w.busy);
    g_mutex_clear(&w.notify_lock);
    vs_watch_repeats_free(w.repeats);
    g_free(w.uri);
    watch_singleton = NULL;
    return TRUE;
}
