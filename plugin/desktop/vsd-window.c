/* vsd-window.c: the main window, its connections, refreshes and the worker runner. */
#include <config.h>

#include "vs-i18n.h"
#include "vsd-conns.h"
#include "vsd-events.h"
#include "vsd-rows.h"
#include "vsd-window.h"

/* Events come in bursts (a restart is several): read once after they settle. */
#define VSD_REFRESH_DELAY_MS 300
#define VSD_RECONNECT_DELAY_S 5

typedef struct {
    VsdWindow *win;             /* owns the section */
    char *uri;
    GtkWidget *box;             /* title + domains */
    GtkWidget *note;            /* connection error, or empty */
    GtkWidget *domains;
    VsdWatch *watch;
    gboolean watch_opening;
    gboolean loading;
    gboolean again;             /* changed while loading: read once more */
    gboolean duplicate;         /* the same daemon as an earlier section */
    char *resolved_uri;
    guint refresh_id;
    guint reconnect_id;
} VsdSection;

struct _VsdWindow {
    GtkApplicationWindow parent;
    GPtrArray *sections;
    GtkWidget *sections_box;
    GtkWidget *progress;        /* spinner row, visible while busy */
    GtkWidget *progress_label;
    GtkWidget *message;         /* the last message of the last operation */
    guint busy;
    gboolean disposed;
};

G_DEFINE_TYPE(VsdWindow, vsd_window, GTK_TYPE_APPLICATION_WINDOW)

static void vsd_section_refresh(VsdSection *sec);
static void vsd_section_watch(VsdSection *sec);

/* ---- errors ---- */

#if GTK_CHECK_VERSION(4, 10, 0)
void
vsd_error_dialog(GtkWindow *parent, const char *primary, const char *secondary)
{
    g_autoptr(GtkAlertDialog) d = gtk_alert_dialog_new("%s", primary);

    /* Plain text: the detail may come from the guest. */
    gtk_alert_dialog_set_detail(d, secondary);
    gtk_alert_dialog_show(d, parent);
}
#else
static void
vsd_error_response(GtkDialog *dialog, int response, gpointer data)
{
    gtk_window_destroy(GTK_WINDOW(dialog));
}

/* GTK 4.8 (Debian 12) has no GtkAlertDialog. */
void
vsd_error_dialog(GtkWindow *parent, const char *primary, const char *secondary)
{
    GtkWidget *d = gtk_message_dialog_new(parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                          GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);

    /* format "%s" and no markup: the text may come from the guest. */
    gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(d), "%s", secondary);
    gtk_widget_set_name(d, "error-dialog");
    g_object_set_data_full(G_OBJECT(d), "vsd-error-text",
                           g_strdup_printf("%s: %s", primary, secondary), g_free);
    g_signal_connect(d, "response", G_CALLBACK(vsd_error_response), NULL);
    gtk_window_present(GTK_WINDOW(d));
}
#endif

/* ---- sections: one per connection ---- */

static VsdSection *
vsd_section_find(VsdWindow *win, const char *uri)
{
    for (guint i = 0; i < win->sections->len; i++) {
        VsdSection *sec = g_ptr_array_index(win->sections, i);
        if (g_strcmp0(sec->uri, uri) == 0)
            return sec;
    }
    return NULL;
}

/* The default connection and qemu:///system are often the same daemon:
 * show it once. */
static gboolean
vsd_section_is_duplicate(VsdSection *sec)
{
    for (guint i = 0; i < sec->win->sections->len; i++) {
        VsdSection *other = g_ptr_array_index(sec->win->sections, i);
        if (other == sec)
            return FALSE;
        if (!other->duplicate && g_strcmp0(other->resolved_uri, sec->resolved_uri) == 0)
            return TRUE;
    }
    return FALSE;
}

static void
vsd_section_show(VsdSection *sec, VsdSnapshot *snap)
{
    g_free(sec->resolved_uri);
    sec->resolved_uri = g_strdup(snap->resolved_uri);
    if (vsd_section_is_duplicate(sec)) {
        sec->duplicate = TRUE;
        gtk_widget_set_visible(sec->box, FALSE);
        g_clear_pointer(&sec->watch, vsd_watch_close);
        return;
    }
    gtk_widget_set_visible(sec->box, TRUE);
    gtk_widget_set_visible(sec->note, snap->domains->len == 0);
    gtk_label_set_text(GTK_LABEL(sec->note), _("No virtual machines."));
    gtk_widget_remove_css_class(sec->note, "error");
    gtk_widget_add_css_class(sec->note, "dim-label");
    vsd_rows_fill(sec->domains, sec->win, sec->uri, snap);
}

static void
vsd_section_show_error(VsdSection *sec, const GError *error)
{
    g_autofree char *text = g_strdup_printf(_("Not connected: %s"), error->message);

    gtk_label_set_text(GTK_LABEL(sec->note), text);
    /* An error, in the error colour (not greyed like "No virtual machines."). */
    gtk_widget_remove_css_class(sec->note, "dim-label");
    gtk_widget_add_css_class(sec->note, "error");
    gtk_widget_set_visible(sec->note, TRUE);
    vsd_rows_fill(sec->domains, sec->win, sec->uri, NULL);
}

static void
vsd_snapshot_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    GError *error = NULL;
    VsdSnapshot *snap = vsd_snapshot_load(data, &error);

    if (snap)
        g_task_return_pointer(task, snap, (GDestroyNotify)vsd_snapshot_free);
    else
        g_task_return_error(task, error);
}

static void
vsd_snapshot_done(GObject *source, GAsyncResult *res, gpointer data)
{
    VsdSection *sec = data;
    VsdWindow *win = VSD_WINDOW(source);
    g_autoptr(GError) error = NULL;
    g_autoptr(VsdSnapshot) snap = g_task_propagate_pointer(G_TASK(res), &error);

    sec->loading = FALSE;
    if (win->disposed)
        return;
    if (snap)
        vsd_section_show(sec, snap);
    else
        vsd_section_show_error(sec, error);
    if (sec->again) {
        sec->again = FALSE;
        vsd_section_refresh(sec);
    }
    /* Not watched yet (the daemon was down): try again now that it answered. */
    if (snap && !sec->duplicate && !sec->watch && !sec->watch_opening && !sec->reconnect_id)
        vsd_section_watch(sec);
}

static void
vsd_section_refresh(VsdSection *sec)
{
    g_autoptr(GTask) task = NULL;

    if (sec->duplicate)
        return;
    if (sec->loading) {
        sec->again = TRUE;
        return;
    }
    sec->loading = TRUE;
    task = g_task_new(sec->win, NULL, vsd_snapshot_done, sec);
    g_task_set_task_data(task, g_strdup(sec->uri), g_free);
    g_task_run_in_thread(task, vsd_snapshot_thread);
}

static gboolean
vsd_section_refresh_timeout(gpointer data)
{
    VsdSection *sec = data;

    sec->refresh_id = 0;
    vsd_section_refresh(sec);
    return G_SOURCE_REMOVE;
}

static void
vsd_section_schedule(VsdSection *sec)
{
    if (!sec->refresh_id)
        sec->refresh_id = g_timeout_add(VSD_REFRESH_DELAY_MS, vsd_section_refresh_timeout, sec);
}

static gboolean
vsd_section_reconnect(gpointer data)
{
    VsdSection *sec = data;

    sec->reconnect_id = 0;
    vsd_section_watch(sec);
    vsd_section_refresh(sec);
    return G_SOURCE_REMOVE;
}

static void
vsd_section_changed(VsdWatch *watch, gboolean lost, gpointer data)
{
    VsdSection *sec = data;

    if (lost) {
        /* The daemon went away (restart, shutdown): read and watch again later. */
        g_clear_pointer(&sec->watch, vsd_watch_close);
        if (!sec->reconnect_id)
            sec->reconnect_id = g_timeout_add_seconds(VSD_RECONNECT_DELAY_S,
                                                      vsd_section_reconnect, sec);
    }
    vsd_section_schedule(sec);
}

static void
vsd_watch_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    VsdSection *sec = data;
    GError *error = NULL;
    VsdWatch *w = vsd_watch_open(sec->uri, vsd_section_changed, sec, &error);

    if (w)
        g_task_return_pointer(task, w, NULL);
    else
        g_task_return_error(task, error);
}

static void
vsd_watch_done(GObject *source, GAsyncResult *res, gpointer data)
{
    VsdSection *sec = data;
    VsdWatch *w = g_task_propagate_pointer(G_TASK(res), NULL);

    sec->watch_opening = FALSE;
    if (VSD_WINDOW(source)->disposed || sec->duplicate) {
        vsd_watch_close(w);
        return;
    }
    sec->watch = w;
    /* What changed between the first read and the watch. */
    if (w)
        vsd_section_schedule(sec);
}

static void
vsd_section_watch(VsdSection *sec)
{
    g_autoptr(GTask) task = NULL;

    if (sec->watch || sec->watch_opening || sec->duplicate)
        return;
    sec->watch_opening = TRUE;
    task = g_task_new(sec->win, NULL, vsd_watch_done, sec);
    g_task_set_task_data(task, sec, NULL);
    g_task_run_in_thread(task, vsd_watch_thread);
}

static VsdSection *
vsd_section_new(VsdWindow *win, const char *uri)
{
    VsdSection *sec = g_new0(VsdSection, 1);
    g_autofree char *title = vsd_connection_title(uri);
    g_autofree char *note_name = g_strdup_printf("note:%s", uri);
    GtkWidget *label = gtk_label_new(title);

    sec->win = win;
    sec->uri = g_strdup(uri);
    sec->box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    gtk_widget_add_css_class(label, "title-3");
    gtk_widget_add_css_class(label, "heading");
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    sec->note = gtk_label_new(_("Connecting…"));
    gtk_widget_set_name(sec->note, note_name);
    gtk_widget_add_css_class(sec->note, "dim-label");
    gtk_label_set_xalign(GTK_LABEL(sec->note), 0);
    gtk_label_set_wrap(GTK_LABEL(sec->note), TRUE);
    sec->domains = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    gtk_box_append(GTK_BOX(sec->box), label);
    gtk_box_append(GTK_BOX(sec->box), sec->note);
    gtk_box_append(GTK_BOX(sec->box), sec->domains);
    return sec;
}

static void
vsd_section_free(VsdSection *sec)
{
    g_clear_handle_id(&sec->refresh_id, g_source_remove);
    g_clear_handle_id(&sec->reconnect_id, g_source_remove);
    g_clear_pointer(&sec->watch, vsd_watch_close);
    g_free(sec->uri);
    g_free(sec->resolved_uri);
    g_free(sec);
}

void
vsd_window_refresh(VsdWindow *win)
{
    for (guint i = 0; i < win->sections->len; i++)
        vsd_section_refresh(g_ptr_array_index(win->sections, i));
}

/* ---- operations in worker threads ---- */

typedef struct {
    VsdWindow *win;
    VsdOp *op;
    VsdOpDone done;
    gpointer user_data;
} VsdRun;

static void
vsd_run_free(VsdRun *run)
{
    vsd_op_free(run->op);
    g_object_unref(run->win);
    g_free(run);
}

typedef struct {
    VsdWindow *win;
    char *message;
} VsdNotice;

static gboolean
vsd_notice_show(gpointer data)
{
    VsdNotice *n = data;

    if (!n->win->disposed)
        gtk_label_set_text(GTK_LABEL(n->win->message), n->message);
    return G_SOURCE_REMOVE;
}

static void
vsd_notice_free(gpointer data)
{
    VsdNotice *n = data;

    g_object_unref(n->win);
    g_free(n->message);
    g_free(n);
}

/* VsNotifyFunc, called in the worker: show the message in the main context. */
static void
vsd_run_notify(const char *message, gpointer data)
{
    VsdNotice *n = g_new0(VsdNotice, 1);

    n->win = g_object_ref(data);
    n->message = g_strdup(message);
    g_main_context_invoke_full(NULL, G_PRIORITY_DEFAULT, vsd_notice_show, n, vsd_notice_free);
}

static void
vsd_run_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    VsdRun *run = data;
    GError *error = NULL;

    if (vsd_op_run(run->op, &error))
        g_task_return_boolean(task, TRUE);
    else
        g_task_return_error(task, error);
}

static void
vsd_busy_changed(VsdWindow *win, int delta, const char *what)
{
    win->busy += delta;
    if (win->disposed)
        return;
    if (what)
        gtk_label_set_text(GTK_LABEL(win->progress_label), what);
    gtk_widget_set_visible(win->progress, win->busy > 0);
}

/* After an add that mounts nothing yet, the core's last word names CLI
 * commands; say it the window's way. */
static const char *
vsd_run_last_word(const VsdOp *op)
{
    if (op->kind != VSD_OP_ADD || op->plan.live || op->restart)
        return NULL;
    if (op->plan.restart_needed)
        return _("Added to the definition: the share appears when the VM is restarted; "
                 "Restart VM… restarts it and mounts the share.");
    return _("Added to the definition: start the VM, then use Mount.");
}

static void
vsd_run_done(GObject *source, GAsyncResult *res, gpointer data)
{
    VsdRun *run = g_task_get_task_data(G_TASK(res));
    g_autoptr(GError) error = NULL;
    const char *last;
    VsdSection *sec;

    g_task_propagate_boolean(G_TASK(res), &error);
    vsd_busy_changed(run->win, -1, NULL);
    g_application_release(G_APPLICATION(gtk_window_get_application(GTK_WINDOW(run->win))));
    if (run->win->disposed)
        return;
    if (!error && (last = vsd_run_last_word(run->op)))
        gtk_label_set_text(GTK_LABEL(run->win->message), last);
    if (run->done)
        run->done(run->win, run->op, error, run->user_data);
    else if (error)
        vsd_error_dialog(GTK_WINDOW(run->win), _("The operation failed"), error->message);
    if (run->op->kind != VSD_OP_ADD_PREPARE && (sec = vsd_section_find(run->win, run->op->uri)))
        vsd_section_schedule(sec);
}

void
vsd_window_run(VsdWindow *win, VsdOp *op, const char *what, VsdOpDone done, gpointer user_data)
{
    VsdRun *run = g_new0(VsdRun, 1);
    g_autoptr(GTask) task = g_task_new(win, NULL, vsd_run_done, NULL);

    run->win = g_object_ref(win);
    run->op = op;
    run->done = done;
    run->user_data = user_data;
    op->notify = vsd_run_notify;
    op->notify_data = win;
    gtk_label_set_text(GTK_LABEL(win->message), "");
    vsd_busy_changed(win, +1, what);
    /* Closing the window must not kill a guest restart half-way. */
    g_application_hold(G_APPLICATION(gtk_window_get_application(GTK_WINDOW(win))));
    g_task_set_task_data(task, run, (GDestroyNotify)vsd_run_free);
    g_task_run_in_thread(task, vsd_run_thread);
}

gboolean
vsd_window_is_idle(VsdWindow *win)
{
    if (win->busy)
        return FALSE;
    for (guint i = 0; i < win->sections->len; i++) {
        VsdSection *sec = g_ptr_array_index(win->sections, i);
        if (sec->loading || sec->refresh_id)
            return FALSE;
    }
    return TRUE;
}

/* ---- the window ---- */

static GtkWidget *
vsd_progress_new(VsdWindow *win)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    GtkWidget *spinner = gtk_spinner_new();

    gtk_spinner_start(GTK_SPINNER(spinner));
    win->progress_label = gtk_label_new(NULL);
    gtk_widget_set_name(win->progress_label, "progress");
    gtk_box_append(GTK_BOX(box), spinner);
    gtk_box_append(GTK_BOX(box), win->progress_label);
    gtk_widget_set_visible(box, FALSE);
    return box;
}

static void
vsd_window_build(VsdWindow *win)
{
    GtkWidget *header = gtk_header_bar_new();
    GtkWidget *refresh = gtk_button_new_from_icon_name("view-refresh-symbolic");
    GtkWidget *scroll = gtk_scrolled_window_new();
    GtkWidget *outer = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    GtkWidget *bottom = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);

    gtk_window_set_title(GTK_WINDOW(win), _("Shared Folders"));
    gtk_window_set_default_size(GTK_WINDOW(win), 860, 620);
    gtk_widget_set_name(refresh, "refresh");
    gtk_widget_set_tooltip_text(refresh, _("Read every connection again"));
    g_signal_connect_swapped(refresh, "clicked", G_CALLBACK(vsd_window_refresh), win);
    gtk_header_bar_pack_start(GTK_HEADER_BAR(header), refresh);
    gtk_window_set_titlebar(GTK_WINDOW(win), header);

    win->sections_box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 18);
    g_object_set(win->sections_box, "margin-top", 12, "margin-bottom", 12, "margin-start", 12,
                 "margin-end", 12, NULL);
    gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), win->sections_box);
    gtk_widget_set_vexpand(scroll, TRUE);

    win->progress = vsd_progress_new(win);
    win->message = gtk_label_new(NULL);
    gtk_widget_set_name(win->message, "message");
    gtk_label_set_wrap(GTK_LABEL(win->message), TRUE);
    gtk_label_set_xalign(GTK_LABEL(win->message), 0);
    gtk_label_set_selectable(GTK_LABEL(win->message), TRUE);
    g_object_set(bottom, "margin-top", 6, "margin-bottom", 6, "margin-start", 12,
                 "margin-end", 12, NULL);
    gtk_box_append(GTK_BOX(bottom), win->progress);
    gtk_box_append(GTK_BOX(bottom), win->message);

    gtk_box_append(GTK_BOX(outer), scroll);
    gtk_box_append(GTK_BOX(outer), gtk_separator_new(GTK_ORIENTATION_HORIZONTAL));
    gtk_box_append(GTK_BOX(outer), bottom);
    gtk_window_set_child(GTK_WINDOW(win), outer);
}

static void
vsd_window_dispose(GObject *object)
{
    VsdWindow *win = VSD_WINDOW(object);

    win->disposed = TRUE;
    /* Stop watching now; the sections go with the last worker's reference. */
    for (guint i = 0; win->sections && i < win->sections->len; i++) {
        VsdSection *sec = g_ptr_array_index(win->sections, i);
        g_clear_handle_id(&sec->refresh_id, g_source_remove);
        g_clear_handle_id(&sec->reconnect_id, g_source_remove);
        g_clear_pointer(&sec->watch, vsd_watch_close);
    }
    G_OBJECT_CLASS(vsd_window_parent_class)->dispose(object);
}

static void
vsd_window_finalize(GObject *object)
{
    g_clear_pointer(&VSD_WINDOW(object)->sections, g_ptr_array_unref);
    G_OBJECT_CLASS(vsd_window_parent_class)->finalize(object);
}

static void
vsd_window_class_init(VsdWindowClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = vsd_window_dispose;
    G_OBJECT_CLASS(klass)->finalize = vsd_window_finalize;
}

static void
vsd_window_init(VsdWindow *win)
{
    win->sections = g_ptr_array_new_with_free_func((GDestroyNotify)vsd_section_free);
    vsd_window_build(win);
}

VsdWindow *
vsd_window_new(GtkApplication *app, const char *const *uris)
{
    VsdWindow *win = g_object_new(VSD_TYPE_WINDOW, "application", app, NULL);

    for (guint i = 0; uris[i]; i++) {
        VsdSection *sec = vsd_section_new(win, uris[i]);
        g_ptr_array_add(win->sections, sec);
        gtk_box_append(GTK_BOX(win->sections_box), sec->box);
        vsd_section_refresh(sec);
        vsd_section_watch(sec);
    }
    return win;
}
