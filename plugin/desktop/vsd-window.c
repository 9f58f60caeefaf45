/* vsd-window.c: the main window, its connections, refreshes and the worker runner. */
#include <config.h>

#include "vs-i18n.h"
#include "vs-user-unit.h"
#include "vsd-conns.h"
#include "vsd-dialogs.h"
#include "vsd-events.h"
#include "vsd-rows.h"
#include "vsd-widgets.h"
#include "vsd-window.h"

/* Events come in bursts (a restart is several): read once after they settle. */
#define VSD_REFRESH_DELAY_MS 300
#define VSD_RECONNECT_DELAY_S 5

typedef struct {
    VsdWindow *win;             /* owns the section */
    char *uri;
    GtkWidget *box;             /* title + domains */
    GtkWidget *title;
    GtkWidget *note;            /* status page: connecting, connection error, or no VMs */
    GtkWidget *domains;
    VsdSnapshot *snap;          /* what the domains show, or NULL */
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
    AdwApplicationWindow parent;
    GPtrArray *sections;
    GtkWidget *sections_box;
    GtkWidget *toasts;          /* AdwToastOverlay: the results */
    GtkWidget *progress;        /* spinner row, visible while busy */
    GtkWidget *progress_label;
    guint busy;
    gboolean disposed;
    gboolean offered;           /* the user's watcher was offered (vsd_offer_user_unit) */
    VsdRunner *runner;          /* operations, for the window and its dialogs */
};

G_DEFINE_TYPE(VsdWindow, vsd_window, ADW_TYPE_APPLICATION_WINDOW)

static void vsd_section_refresh(VsdSection *sec);
static void vsd_section_watch(VsdSection *sec);

/* The window is busy (for assistive technologies: "busy" is their state of
 * content that is being updated) while an operation runs or a connection is
 * read. */
static void
vsd_window_update_busy(VsdWindow *win)
{
    if (!win->disposed)
        gtk_accessible_update_state(GTK_ACCESSIBLE(win), GTK_ACCESSIBLE_STATE_BUSY,
                                    !vsd_window_is_idle(win), -1);
}

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

/* The section's status page: @description is plain text (it may be libvirt's). */
static void
vsd_section_note(VsdSection *sec, const char *icon, const char *title, const char *description)
{
    g_autofree char *markup = description ? g_markup_escape_text(description, -1) : NULL;

    adw_status_page_set_icon_name(ADW_STATUS_PAGE(sec->note), icon);
    adw_status_page_set_title(ADW_STATUS_PAGE(sec->note), title);
    adw_status_page_set_description(ADW_STATUS_PAGE(sec->note), markup);
    gtk_widget_set_tooltip_text(sec->note, NULL);
    gtk_widget_set_visible(sec->note, TRUE);
}

static void
vsd_section_show(VsdSection *sec, VsdSnapshot *snap)
{
    g_autofree char *title = NULL;

    g_free(sec->resolved_uri);
    sec->resolved_uri = g_strdup(snap->resolved_uri);
    if (vsd_section_is_duplicate(sec)) {
        sec->duplicate = TRUE;
        gtk_widget_set_visible(sec->box, FALSE);
        g_clear_pointer(&sec->watch, vsd_watch_close);
        vsd_snapshot_free(snap);
        return;
    }
    /* The default connection is titled by what it turned out to be. */
    if (!*sec->uri && snap->resolved_uri) {
        title = vsd_connection_title(snap->resolved_uri);
        gtk_label_set_text(GTK_LABEL(sec->title), title);
    }
    gtk_widget_set_visible(sec->box, TRUE);
    if (snap->domains->len == 0)
        vsd_section_note(sec, "computer-symbolic", _("No Virtual Machines"),
                         _("The virtual machines of this connection appear here once "
                           "they are created, for example in virt-manager."));
    else
        gtk_widget_set_visible(sec->note, FALSE);
    vsd_rows_fill(sec->domains, sec->uri, snap);
    vsd_snapshot_free(sec->snap);
    sec->snap = snap;
}

static void
vsd_section_show_error(VsdSection *sec, const GError *error)
{
    /* libvirt's words name the raw URI: they stay in the tooltip (for a bug
     * report), the page says what to look at. */
    vsd_section_note(sec, "network-offline-symbolic", _("Not Connected"),
                     _("libvirt does not answer on this connection. Is its service running "
                       "(libvirtd, or virtqemud for QEMU), and may you use it? Refresh tries "
                       "again."));
    gtk_widget_set_tooltip_text(sec->note, error->message);
    vsd_rows_fill(sec->domains, sec->uri, NULL);
    g_clear_pointer(&sec->snap, vsd_snapshot_free);
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
    VsdSnapshot *snap = g_task_propagate_pointer(G_TASK(res), &error);

    sec->loading = FALSE;
    vsd_window_update_busy(win);
    if (win->disposed) {
        vsd_snapshot_free(snap);
        return;
    }
    if (snap)
        vsd_section_show(sec, snap);    /* takes it */
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
    vsd_window_update_busy(sec->win);
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
    vsd_window_update_busy(sec->win);
    return G_SOURCE_REMOVE;
}

static void
vsd_section_schedule(VsdSection *sec)
{
    if (!sec->refresh_id)
        sec->refresh_id = g_timeout_add(VSD_REFRESH_DELAY_MS, vsd_section_refresh_timeout, sec);
    vsd_window_update_busy(sec->win);
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

    sec->win = win;
    sec->uri = g_strdup(uri);
    sec->box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    sec->title = gtk_label_new(title);
    gtk_widget_add_css_class(sec->title, "title-2");
    gtk_label_set_xalign(GTK_LABEL(sec->title), 0);
    gtk_label_set_wrap(GTK_LABEL(sec->title), TRUE);
    /* Where the connection leads, for who wants to know (virt-manager's title hides it too). */
    if (*uri)
        gtk_widget_set_tooltip_text(sec->title, uri);
    sec->note = adw_status_page_new();
    gtk_widget_set_name(sec->note, note_name);
    gtk_widget_add_css_class(sec->note, "compact");
    vsd_section_note(sec, "network-workgroup-symbolic", _("Connecting…"), NULL);
    sec->domains = gtk_box_new(GTK_ORIENTATION_VERTICAL, 18);
    gtk_box_append(GTK_BOX(sec->box), sec->title);
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
    vsd_snapshot_free(sec->snap);
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

/* ---- operations in worker threads (vsd-runner.h) ---- */

static void
vsd_busy_changed(VsdWindow *win, int delta, const char *what)
{
    win->busy += delta;
    if (win->disposed)
        return;
    if (what)
        gtk_label_set_text(GTK_LABEL(win->progress_label), what);
    gtk_widget_set_visible(win->progress, win->busy > 0);
    vsd_window_update_busy(win);
}

/* A toast (plain text: it names folders), with an Undo for a share just
 * added, where removing it again leaves the VM as it was. */
static void
vsd_toast(VsdWindow *win, const char *text, const VsdOp *undo)
{
    g_autofree char *markup = g_markup_escape_text(text, -1);
    AdwToast *toast = adw_toast_new(markup);

    if (undo) {
        adw_toast_set_button_label(toast, _("_Undo"));
        adw_toast_set_action_name(toast, "win.undo-add");
        adw_toast_set_action_target(toast, "(sss)", undo->uri, undo->domain, undo->tag);
    }
    adw_toast_overlay_add_toast(ADW_TOAST_OVERLAY(win->toasts), toast);
}

/* What a finished operation did, in a few words. */
static void
vsd_run_toast(VsdWindow *win, const VsdOp *op)
{
    g_autofree char *text = NULL;
    gboolean undo = FALSE;

    switch (op->kind) {
    case VSD_OP_ADD:
        if (op->restart)
            text = g_strdup_printf(_("%s restarted: %s is shared and mounted"), op->domain, op->source);
        else if (op->plan.live)
            text = g_strdup_printf(_("%s is shared with %s and mounted"), op->source, op->domain);
        else if (op->plan.restart_needed)
            text = g_strdup_printf(_("%s is shared with %s: it appears when the VM is restarted"),
                                   op->source, op->domain);
        else
            text = g_strdup_printf(_("%s is shared with %s: start the VM, then use Mount"),
                                   op->source, op->domain);
        /* Removing it again undoes it, except a restart. */
        undo = !op->restart && op->tag;
        break;
    case VSD_OP_REMOVE:
        text = g_strdup_printf(_("%s is no longer shared with %s"), op->source ? op->source : op->tag,
                               op->domain);
        break;
    case VSD_OP_MOUNT:
        text = g_strdup_printf(_("Mounted in %s"), op->domain);
        break;
    case VSD_OP_UMOUNT:
        text = g_strdup_printf(_("Unmounted in %s"), op->domain);
        break;
    case VSD_OP_RESTART:
        text = g_strdup_printf(_("%s restarted and its shares mounted"), op->domain);
        break;
    default:
        return;
    }
    vsd_toast(win, text, undo ? op : NULL);
}

/* ---- the desktop session's watcher ----
 * On a local qemu:///session no system watcher mounts a share again after
 * the VM restarts: when the user's watcher unit is installed and off, offer
 * to turn it on, once per window.  Asked in a thread: the user's systemd
 * may be slow to answer. */

static void
vsd_offer_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    g_task_return_boolean(task, vs_user_unit_offer(data));
}

static void
vsd_offer_done(GObject *source, GAsyncResult *res, gpointer data)
{
    VsdWindow *win = VSD_WINDOW(source);
    g_autofree char *markup = NULL;
    AdwToast *toast;

    if (!g_task_propagate_boolean(G_TASK(res), NULL) || win->disposed || win->offered)
        return;
    win->offered = TRUE;
    markup = g_markup_escape_text(_("After a VM restarts, its folders are mounted again only "
                                    "while automatic mounting is on"), -1);
    toast = adw_toast_new(markup);
    adw_toast_set_button_label(toast, _("_Turn On"));
    adw_toast_set_action_name(toast, "win.enable-watcher");
    adw_toast_set_timeout(toast, 15);
    adw_toast_overlay_add_toast(ADW_TOAST_OVERLAY(win->toasts), toast);
}

static void
vsd_offer_user_unit(VsdWindow *win, const char *uri)
{
    g_autoptr(GTask) task = NULL;

    if (win->offered || !uri)
        return;
    task = g_task_new(win, NULL, vsd_offer_done, NULL);
    g_task_set_task_data(task, g_strdup(uri), g_free);
    g_task_run_in_thread(task, vsd_offer_thread);
}

static void
vsd_enable_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    GError *error = NULL;

    if (vs_user_unit_enable(&error))
        g_task_return_boolean(task, TRUE);
    else
        g_task_return_error(task, error);
}

static void
vsd_enable_done(GObject *source, GAsyncResult *res, gpointer data)
{
    VsdWindow *win = VSD_WINDOW(source);
    g_autoptr(GError) error = NULL;
    gboolean ok = g_task_propagate_boolean(G_TASK(res), &error);

    vsd_busy_changed(win, -1, NULL);
    if (win->disposed)
        return;
    if (ok)
        vsd_toast(win, _("Automatic mounting is on: folders are mounted again after a VM "
                         "restarts"), NULL);
    else
        vsd_error_dialog(GTK_WINDOW(win), _("Automatic mounting could not be turned on"),
                         error->message);
}

static void
vsd_on_enable_watcher(GSimpleAction *action, GVariant *param, gpointer data)
{
    VsdWindow *win = data;
    g_autoptr(GTask) task = g_task_new(win, NULL, vsd_enable_done, NULL);

    vsd_busy_changed(win, +1, _("Turning on automatic mounting…"));
    g_task_run_in_thread(task, vsd_enable_thread);
}

static const char *
vsd_run_failed(const VsdOp *op)
{
    switch (op->kind) {
    case VSD_OP_ADD:
        return _("The folder could not be shared");
    case VSD_OP_REMOVE:
        return _("The folder could not be removed");
    case VSD_OP_MOUNT:
        return _("The folder could not be mounted");
    case VSD_OP_UMOUNT:
        return _("The folder could not be unmounted");
    case VSD_OP_RESTART:
        return _("The VM could not be restarted");
    default:
        return _("The operation failed");
    }
}

/* The runner's hooks: the progress row, and the result of an operation
 * run without its own done: a toast, or an error dialog. */
static void
vsd_on_started(gpointer owner, const char *what)
{
    vsd_busy_changed(VSD_WINDOW(owner), +1, what);
}

/* The connection is read again after any change. */
static void
vsd_on_ended(gpointer owner, const VsdOp *op)
{
    VsdWindow *win = VSD_WINDOW(owner);
    VsdSection *sec = vsd_section_find(win, op->uri);

    vsd_busy_changed(win, -1, NULL);
    if (op->kind != VSD_OP_ADD_PREPARE && sec)
        vsd_section_schedule(sec);
}

static void
vsd_on_finished(gpointer owner, VsdOp *op, const GError *error)
{
    VsdWindow *win = VSD_WINDOW(owner);
    VsdSection *sec = vsd_section_find(win, op->uri);

    if (error)
        vsd_error_dialog(GTK_WINDOW(win), vsd_run_failed(op), error->message);
    else {
        vsd_run_toast(win, op);
        if (op->kind == VSD_OP_ADD || op->kind == VSD_OP_MOUNT)
            vsd_offer_user_unit(win, sec && sec->resolved_uri ? sec->resolved_uri : op->uri);
    }
}

static const VsdRunnerHooks vsd_window_runner_hooks = { vsd_on_started, vsd_on_ended, vsd_on_finished };

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

/* ---- actions: their target is (uri, domain, tag), tag "" for the VM's ---- */

typedef struct {
    const char *uri;
    const char *domain;
    const char *tag;
} VsdTarget;

static VsdTarget
vsd_target(GVariant *param)
{
    VsdTarget t;

    g_variant_get(param, "(&s&s&s)", &t.uri, &t.domain, &t.tag);
    return t;
}

static VsdOp *
vsd_target_op(VsdOpKind kind, VsdTarget t)
{
    VsdOp *op = vsd_op_new(kind, t.uri, t.domain);

    op->tag = *t.tag ? g_strdup(t.tag) : NULL;
    return op;
}

/* The share as the window last read it, or NULL. */
static const VsShare *
vsd_window_share(VsdWindow *win, VsdTarget t)
{
    VsdSection *sec = vsd_section_find(win, t.uri);

    for (guint i = 0; sec && sec->snap && i < sec->snap->domains->len; i++) {
        const VsdDomain *d = g_ptr_array_index(sec->snap->domains, i);

        for (guint j = 0; g_str_equal(d->name, t.domain) && j < d->shares->len; j++) {
            const VsShareStatus *st = g_ptr_array_index(d->shares, j);
            if (g_strcmp0(st->share->tag, t.tag) == 0)
                return st->share;
        }
    }
    return NULL;
}

static void
vsd_on_refresh(GSimpleAction *action, GVariant *param, gpointer data)
{
    vsd_window_refresh(data);
}

static void
vsd_on_share(GSimpleAction *action, GVariant *param, gpointer data)
{
    VsdTarget t = vsd_target(param);

    vsd_share_dialog_open(data, VSD_WINDOW(data)->runner, t.uri, t.domain);
}

static void
vsd_on_check(GSimpleAction *action, GVariant *param, gpointer data)
{
    VsdTarget t = vsd_target(param);

    vsd_doctor_dialog_open(data, VSD_WINDOW(data)->runner, t.uri, t.domain);
}

static void
vsd_on_mount(GSimpleAction *action, GVariant *param, gpointer data)
{
    gboolean mount = g_str_equal(g_action_get_name(G_ACTION(action)), "mount");
    VsdOp *op = vsd_target_op(mount ? VSD_OP_MOUNT : VSD_OP_UMOUNT, vsd_target(param));
    const VsShare *share = vsd_window_share(data, vsd_target(param));
    const char *what_name = share ? share->source : op->tag;
    g_autofree char *what = g_strdup_printf(mount ? _("Mounting %s in %s…") : _("Unmounting %s in %s…"),
                                            what_name, op->domain);

    vsd_runner_run(VSD_WINDOW(data)->runner, op, what, NULL, NULL);
}

/* What a confirmation runs on its answer. */
typedef struct {
    VsdWindow *win;
    VsdOp *op;                  /* taken by the run */
    char *what;
} VsdConfirm;

static void
vsd_confirm_free(gpointer data, GClosure *closure)
{
    VsdConfirm *c = data;

    vsd_op_free(c->op);
    g_free(c->what);
    g_free(c);
}

static void
vsd_on_confirm_response(AdwMessageDialog *d, const char *response, VsdConfirm *c)
{
    if (c->op)
        vsd_runner_run(c->win->runner, g_steal_pointer(&c->op), c->what, NULL, NULL);
}

/* The question of a change that cannot be taken back: the safe answer is
 * the default one, the change is marked destructive.  Named NAME-dialog
 * (as seen in GTK's inspector), the response's id NAME; @op runs on that
 * answer, with @what as its progress. */
static void
vsd_confirm(VsdWindow *win, const char *name, const char *question, const char *detail,
            const char *ok_label, VsdOp *op, const char *what)
{
    GtkWidget *d = adw_message_dialog_new(GTK_WINDOW(win), question, NULL);
    g_autofree char *dialog_name = g_strdup_printf("%s-dialog", name);
    g_autofree char *detailed_signal = g_strdup_printf("response::%s", name);
    VsdConfirm *c = g_new0(VsdConfirm, 1);

    adw_message_dialog_set_body(ADW_MESSAGE_DIALOG(d), detail);
    adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(d), "cancel", _("_Cancel"),
                                     name, ok_label, NULL);
    adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(d), name,
                                               ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(d), "cancel");
    adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(d), "cancel");
    gtk_widget_set_name(d, dialog_name);
    c->win = win;
    c->op = op;
    c->what = g_strdup(what);
    /* Only the answer @name: the detail of the response signal. */
    g_signal_connect_data(d, detailed_signal, G_CALLBACK(vsd_on_confirm_response), c,
                          vsd_confirm_free, 0);
    vsd_a11y_name_buttons(d);
    gtk_window_present(GTK_WINDOW(d));
}

/* A remove of the share @t names, with its folder for the words. */
static VsdOp *
vsd_remove_op(VsdWindow *win, VsdTarget t, char **what)
{
    const VsShare *share = vsd_window_share(win, t);
    VsdOp *op = vsd_target_op(VSD_OP_REMOVE, t);

    op->source = g_strdup(share ? share->source : t.tag);
    *what = g_strdup_printf(_("Removing %s from %s…"), op->source, op->domain);
    return op;
}

static void
vsd_on_remove(GSimpleAction *action, GVariant *param, gpointer data)
{
    VsdTarget t = vsd_target(param);
    g_autofree char *what = NULL;
    VsdOp *op = vsd_remove_op(data, t, &what);
    g_autofree char *detail = g_strdup_printf(_("%s is unmounted in the guest and no longer "
                                                "shared with %s. The files stay on this "
                                                "computer."), op->source, t.domain);

    vsd_confirm(data, "remove", _("Stop Sharing This Folder?"), detail, _("_Remove"), op, what);
}

static void
vsd_on_undo_add(GSimpleAction *action, GVariant *param, gpointer data)
{
    g_autofree char *what = NULL;
    VsdOp *op = vsd_remove_op(data, vsd_target(param), &what);

    vsd_runner_run(VSD_WINDOW(data)->runner, op, what, NULL, NULL);
}

/* Shares pending a restart appear only after a shutdown and a start (a
 * reboot inside the guest keeps the old devices): offer both, asked first. */
static void
vsd_on_restart(GSimpleAction *action, GVariant *param, gpointer data)
{
    VsdTarget t = vsd_target(param);
    g_autofree char *question = g_strdup_printf(_("Restart %s Now?"), t.domain);
    g_autofree char *what = g_strdup_printf(_("Restarting %s and mounting its shares…"), t.domain);

    vsd_confirm(data, "restart", question,
                _("The guest is asked to shut down, as with its power button, and started again; "
                  "then the shared folders are mounted. Unsaved work in the guest may be lost."),
                _("_Restart"), vsd_target_op(VSD_OP_RESTART, t), what);
}

static const GActionEntry vsd_window_actions[] = {
    { "refresh", vsd_on_refresh, NULL, NULL, NULL, { 0 } },
    { "share", vsd_on_share, "(sss)", NULL, NULL, { 0 } },
    { "check", vsd_on_check, "(sss)", NULL, NULL, { 0 } },
    { "restart", vsd_on_restart, "(sss)", NULL, NULL, { 0 } },
    { "mount", vsd_on_mount, "(sss)", NULL, NULL, { 0 } },
    { "umount", vsd_on_mount, "(sss)", NULL, NULL, { 0 } },
    { "remove", vsd_on_remove, "(sss)", NULL, NULL, { 0 } },
    { "undo-add", vsd_on_undo_add, "(sss)", NULL, NULL, { 0 } },
    { "enable-watcher", vsd_on_enable_watcher, NULL, NULL, NULL, { 0 } },
};

/* ---- the window (plugin/desktop/ui/vsd-window.ui) ---- */

static void
vsd_window_dispose(GObject *object)
{
    VsdWindow *win = VSD_WINDOW(object);

    win->disposed = TRUE;
    vsd_runner_close(win->runner);
    /* Stop watching now; the sections go with the last worker's reference. */
    for (guint i = 0; win->sections && i < win->sections->len; i++) {
        VsdSection *sec = g_ptr_array_index(win->sections, i);
        g_clear_handle_id(&sec->refresh_id, g_source_remove);
        g_clear_handle_id(&sec->reconnect_id, g_source_remove);
        g_clear_pointer(&sec->watch, vsd_watch_close);
    }
    gtk_widget_dispose_template(GTK_WIDGET(win), VSD_TYPE_WINDOW);
    G_OBJECT_CLASS(vsd_window_parent_class)->dispose(object);
}

static void
vsd_window_finalize(GObject *object)
{
    g_clear_pointer(&VSD_WINDOW(object)->sections, g_ptr_array_unref);
    g_clear_pointer(&VSD_WINDOW(object)->runner, vsd_runner_unref);
    G_OBJECT_CLASS(vsd_window_parent_class)->finalize(object);
}

static void
vsd_window_class_init(VsdWindowClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = vsd_window_dispose;
    G_OBJECT_CLASS(klass)->finalize = vsd_window_finalize;
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/virtshare/VirtShare/ui/vsd-window.ui");
    gtk_widget_class_bind_template_child(widget_class, VsdWindow, sections_box);
    gtk_widget_class_bind_template_child(widget_class, VsdWindow, toasts);
    gtk_widget_class_bind_template_child(widget_class, VsdWindow, progress);
    gtk_widget_class_bind_template_child(widget_class, VsdWindow, progress_label);
}

static void
vsd_window_init(VsdWindow *win)
{
    win->sections = g_ptr_array_new_with_free_func((GDestroyNotify)vsd_section_free);
    win->runner = vsd_runner_new(win, &vsd_window_runner_hooks);
    gtk_widget_init_template(GTK_WIDGET(win));
    g_action_map_add_action_entries(G_ACTION_MAP(win), vsd_window_actions,
                                    G_N_ELEMENTS(vsd_window_actions), win);
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
