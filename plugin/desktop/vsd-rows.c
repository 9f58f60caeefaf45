/* vsd-rows.c: one block per VM: its state, its shares and their states, the actions. */
#include <config.h>

#include "vs-i18n.h"
#include "vsd-dialogs.h"
#include "vsd-rows.h"

/* What a button acts on, kept on the button. */
static void
vsd_button_target(GtkWidget *button, VsdWindow *win, const char *uri, const char *domain,
                  const char *tag)
{
    g_object_set_data(G_OBJECT(button), "vsd-window", win);
    g_object_set_data_full(G_OBJECT(button), "vsd-uri", g_strdup(uri), g_free);
    g_object_set_data_full(G_OBJECT(button), "vsd-domain", g_strdup(domain), g_free);
    g_object_set_data_full(G_OBJECT(button), "vsd-tag", g_strdup(tag), g_free);
}

static VsdOp *
vsd_button_op(GtkWidget *button, VsdOpKind kind)
{
    VsdOp *op = vsd_op_new(kind, g_object_get_data(G_OBJECT(button), "vsd-uri"),
                           g_object_get_data(G_OBJECT(button), "vsd-domain"));

    op->tag = g_strdup(g_object_get_data(G_OBJECT(button), "vsd-tag"));
    return op;
}

static VsdWindow *
vsd_button_window(GtkWidget *button)
{
    return g_object_get_data(G_OBJECT(button), "vsd-window");
}

static void
vsd_on_mount(GtkWidget *button, gpointer data)
{
    VsdOp *op = vsd_button_op(button, GPOINTER_TO_INT(data));
    g_autofree char *what = g_strdup_printf(op->kind == VSD_OP_MOUNT ?
                                            _("Mounting %s in %s…") : _("Unmounting %s in %s…"),
                                            op->tag, op->domain);

    vsd_window_run(vsd_button_window(button), op, what, NULL, NULL);
}

static void
vsd_on_remove_response(GtkDialog *dialog, int response, gpointer data)
{
    GtkWidget *button = data;

    if (response == GTK_RESPONSE_ACCEPT) {
        VsdOp *op = vsd_button_op(button, VSD_OP_REMOVE);
        g_autofree char *what = g_strdup_printf(_("Removing %s from %s…"), op->tag, op->domain);
        vsd_window_run(vsd_button_window(button), op, what, NULL, NULL);
    }
    gtk_window_destroy(GTK_WINDOW(dialog));
}

/* Ask before a change that cannot be taken back: a question, the details, a
 * Cancel and an @ok_label button.  The dialog is named NAME-dialog and its
 * button confirm-NAME (the self-test finds them by name); @on_response gets
 * @button, kept alive as long as the question (rows are rebuilt on refresh). */
static void
vsd_confirm(GtkWidget *button, const char *name, const char *question, const char *detail,
            const char *ok_label, GCallback on_response)
{
    GtkWidget *d = gtk_message_dialog_new(GTK_WINDOW(vsd_button_window(button)),
                                          GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                          GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s", question);
    g_autofree char *ok_name = g_strdup_printf("confirm-%s", name);
    g_autofree char *dialog_name = g_strdup_printf("%s-dialog", name);
    GtkWidget *ok;

    gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(d), "%s", detail);
    gtk_dialog_add_button(GTK_DIALOG(d), _("_Cancel"), GTK_RESPONSE_CANCEL);
    ok = gtk_dialog_add_button(GTK_DIALOG(d), ok_label, GTK_RESPONSE_ACCEPT);
    gtk_widget_add_css_class(ok, "destructive-action");
    gtk_widget_set_name(ok, ok_name);
    gtk_widget_set_name(d, dialog_name);
    g_signal_connect_data(d, "response", on_response, g_object_ref(button),
                          (GClosureNotify)(void (*)(void))g_object_unref, 0);
    gtk_window_present(GTK_WINDOW(d));
}

static void
vsd_on_remove(GtkWidget *button, gpointer data)
{
    g_autofree char *detail = g_strdup_printf(
        _("%s is unmounted in the guest and removed from %s. Files on the host stay."),
        (const char *)g_object_get_data(G_OBJECT(button), "vsd-source"),
        (const char *)g_object_get_data(G_OBJECT(button), "vsd-domain"));

    vsd_confirm(button, "remove", _("Stop sharing this folder?"), detail, _("_Remove"),
                G_CALLBACK(vsd_on_remove_response));
}

static void
vsd_on_restart_response(GtkDialog *dialog, int response, gpointer data)
{
    GtkWidget *button = data;

    if (response == GTK_RESPONSE_ACCEPT) {
        VsdOp *op = vsd_button_op(button, VSD_OP_RESTART);
        g_autofree char *what = g_strdup_printf(_("Restarting %s and mounting its shares…"),
                                                op->domain);
        vsd_window_run(vsd_button_window(button), op, what, NULL, NULL);
    }
    gtk_window_destroy(GTK_WINDOW(dialog));
}

/* Shares pending a restart appear only after a shutdown and a start (a
 * reboot inside the guest keeps the old devices): offer both, asked first. */
static void
vsd_on_restart(GtkWidget *button, gpointer data)
{
    g_autofree char *question = g_strdup_printf(
        _("Restart %s now?"), (const char *)g_object_get_data(G_OBJECT(button), "vsd-domain"));

    vsd_confirm(button, "restart", question,
                _("The guest is asked to shut down, as with its power button, and started again; "
                  "then the shared folders are mounted. Unsaved work in the guest may be lost."),
                _("_Restart"), G_CALLBACK(vsd_on_restart_response));
}

static void
vsd_on_share(GtkWidget *button, gpointer data)
{
    vsd_share_dialog_open(vsd_button_window(button),
                          g_object_get_data(G_OBJECT(button), "vsd-uri"),
                          g_object_get_data(G_OBJECT(button), "vsd-domain"));
}

static void
vsd_on_doctor(GtkWidget *button, gpointer data)
{
    vsd_doctor_dialog_open(vsd_button_window(button),
                           g_object_get_data(G_OBJECT(button), "vsd-uri"),
                           g_object_get_data(G_OBJECT(button), "vsd-domain"));
}

/* A button named "KIND:DOMAIN[:TAG]" (names are how the self-test finds it). */
static GtkWidget *
vsd_button(const char *label, const char *kind, const char *domain, const char *tag)
{
    GtkWidget *b = gtk_button_new_with_mnemonic(label);
    g_autofree char *name = tag ? g_strdup_printf("%s:%s:%s", kind, domain, tag)
                                : g_strdup_printf("%s:%s", kind, domain);

    gtk_widget_set_name(b, name);
    gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
    return b;
}

static GtkWidget *
vsd_label(const char *text, const char *css)
{
    GtkWidget *l = gtk_label_new(text);   /* plain text, never markup */

    gtk_label_set_xalign(GTK_LABEL(l), 0);
    if (css)
        gtk_widget_add_css_class(l, css);
    return l;
}

static void
vsd_badge(GtkWidget *box, const char *text, const char *css)
{
    gtk_box_append(GTK_BOX(box), vsd_label(text, css));
}

/* The four facts about a share, each as a label. */
static GtkWidget *
vsd_share_badges(const VsShareStatus *st, gboolean running)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    g_autofree char *at = NULL;

    vsd_badge(box, (st->share->where & VS_WHERE_CONFIG) ? _("✓ In the definition")
                                                        : _("✗ Not in the definition"),
              (st->share->where & VS_WHERE_CONFIG) ? "success" : "warning");
    if (running)
        vsd_badge(box, (st->share->where & VS_WHERE_LIVE) ? _("✓ In the running VM")
                                                          : _("✗ Not in the running VM"),
                  (st->share->where & VS_WHERE_LIVE) ? "success" : "warning");
    switch (st->guest) {
    case VS_GUEST_MOUNTED:
        at = g_strdup_printf(_("✓ Mounted in the guest at %s"), st->mount_point);
        vsd_badge(box, at, "success");
        break;
    case VS_GUEST_NOT_MOUNTED:
        vsd_badge(box, _("✗ Not mounted in the guest"), "warning");
        break;
    case VS_GUEST_UNKNOWN:
        vsd_badge(box, _("? Guest mount state unknown"), "dim-label");
        break;
    default:
        break;
    }
    if (st->device == VS_DEVICE_PENDING_RESTART)
        vsd_badge(box, _("⟳ Pending restart"), "warning");
    else if (st->device == VS_DEVICE_PENDING_STOP)
        vsd_badge(box, _("⟳ Removed; gone when the VM stops"), "warning");
    return box;
}

static GtkWidget *
vsd_share_row(VsdWindow *win, const char *uri, const VsdDomain *d, const VsShareStatus *st)
{
    const VsShare *s = st->share;
    GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *text = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    g_autofree char *name = g_strdup_printf("row:%s:%s", d->name, s->tag);
    g_autofree char *title = g_strdup_printf("%s → %s", s->source,
                                             s->target ? s->target : _("(no mount point)"));
    g_autofree char *detail = g_strdup_printf(_("%s, %s%s, tag %s"), vs_driver_to_string(s->driver),
                                              vs_mode_to_string(s->mode),
                                              s->readonly ? _(", read-only") : "", s->tag);
    GtkWidget *title_label = vsd_label(title, NULL);
    GtkWidget *b;

    gtk_widget_set_name(row, name);
    gtk_label_set_ellipsize(GTK_LABEL(title_label), PANGO_ELLIPSIZE_MIDDLE);
    gtk_box_append(GTK_BOX(text), title_label);
    gtk_box_append(GTK_BOX(text), vsd_label(detail, "dim-label"));
    gtk_box_append(GTK_BOX(text), vsd_share_badges(st, d->running));
    /* The mark 'virt-share umount' leaves; a share on its way out is never
     * mounted again, so the mark means nothing there. */
    if (s->target && s->no_automount && st->device != VS_DEVICE_PENDING_STOP) {
        GtkWidget *mark = vsd_label(_("Not mounted automatically (unmounted by hand)"),
                                    "dim-label");
        g_autofree char *mark_name = g_strdup_printf("automount:%s:%s", d->name, s->tag);

        gtk_widget_set_name(mark, mark_name);
        gtk_label_set_wrap(GTK_LABEL(mark), TRUE);
        gtk_widget_set_tooltip_text(mark, _("This folder was unmounted by hand, so it is not "
                                            "mounted again when the VM starts. Mount mounts it "
                                            "and turns automatic mounting back on."));
        gtk_box_append(GTK_BOX(text), mark);
    }
    gtk_widget_set_hexpand(text, TRUE);
    gtk_box_append(GTK_BOX(row), text);

    if (vs_share_status_wants_mount(st)) {
        b = vsd_button(_("_Mount"), "mount", d->name, s->tag);
        g_signal_connect(b, "clicked", G_CALLBACK(vsd_on_mount), GINT_TO_POINTER(VSD_OP_MOUNT));
    } else if (st->guest == VS_GUEST_MOUNTED) {
        b = vsd_button(_("_Unmount"), "umount", d->name, s->tag);
        g_signal_connect(b, "clicked", G_CALLBACK(vsd_on_mount), GINT_TO_POINTER(VSD_OP_UMOUNT));
    } else {
        b = NULL;
    }
    if (b) {
        vsd_button_target(b, win, uri, d->name, s->tag);
        gtk_box_append(GTK_BOX(row), b);
    }
    if (vs_share_status_can_remove(st)) {
        b = vsd_button(_("_Remove…"), "remove", d->name, s->tag);
        vsd_button_target(b, win, uri, d->name, s->tag);
        g_object_set_data_full(G_OBJECT(b), "vsd-source", g_strdup(s->source), g_free);
        g_signal_connect(b, "clicked", G_CALLBACK(vsd_on_remove), NULL);
        gtk_box_append(GTK_BOX(row), b);
    }
    return row;
}

static GtkWidget *
vsd_domain_header(VsdWindow *win, const char *uri, const VsdDomain *d)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *name = vsd_label(d->name, "heading");
    GtkWidget *state = vsd_label(d->paused ? _("paused") : d->running ? _("running") : _("shut off"),
                                 "dim-label");
    GtkWidget *share = vsd_button(_("_Share a Folder…"), "share", d->name, NULL);
    GtkWidget *restart = NULL;
    GtkWidget *doctor = vsd_button(_("_Check…"), "doctor", d->name, NULL);
    g_autofree char *state_name = g_strdup_printf("vm-state:%s", d->name);

    gtk_widget_set_name(state, state_name);
    gtk_widget_set_hexpand(state, TRUE);
    gtk_widget_set_tooltip_text(doctor, _("Check whether QEMU and the guest can use the shares"));
    vsd_button_target(share, win, uri, d->name, NULL);
    vsd_button_target(doctor, win, uri, d->name, NULL);
    g_signal_connect(share, "clicked", G_CALLBACK(vsd_on_share), NULL);
    g_signal_connect(doctor, "clicked", G_CALLBACK(vsd_on_doctor), NULL);
    gtk_box_append(GTK_BOX(box), gtk_image_new_from_icon_name("computer-symbolic"));
    gtk_box_append(GTK_BOX(box), name);
    gtk_box_append(GTK_BOX(box), state);
    if (vs_status_restart_pending(d->shares, d->running)) {
        restart = vsd_button(_("_Restart VM…"), "restart", d->name, NULL);
        gtk_widget_set_tooltip_text(restart, _("Shut the VM down and start it again, so that "
                                               "the shares pending a restart appear"));
        vsd_button_target(restart, win, uri, d->name, NULL);
        g_signal_connect(restart, "clicked", G_CALLBACK(vsd_on_restart), NULL);
        gtk_box_append(GTK_BOX(box), restart);
    }
    gtk_box_append(GTK_BOX(box), share);
    gtk_box_append(GTK_BOX(box), doctor);
    return box;
}

static GtkWidget *
vsd_domain_block(VsdWindow *win, const char *uri, const VsdDomain *d)
{
    GtkWidget *frame = gtk_frame_new(NULL);
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 8);
    g_autofree char *name = g_strdup_printf("vm:%s", d->name);

    gtk_widget_set_name(frame, name);
    g_object_set(box, "margin-top", 8, "margin-bottom", 8, "margin-start", 10, "margin-end", 10,
                 NULL);
    gtk_box_append(GTK_BOX(box), vsd_domain_header(win, uri, d));
    if (d->running && d->agent_error) {
        g_autofree char *text = g_strdup_printf(_("Guest agent: %s"), d->agent_error);
        GtkWidget *l = vsd_label(text, "dim-label");
        gtk_label_set_wrap(GTK_LABEL(l), TRUE);
        gtk_box_append(GTK_BOX(box), l);
    }
    if (d->shares->len == 0)
        gtk_box_append(GTK_BOX(box), vsd_label(_("No shared folders."), "dim-label"));
    for (guint i = 0; i < d->shares->len; i++) {
        gtk_box_append(GTK_BOX(box), gtk_separator_new(GTK_ORIENTATION_HORIZONTAL));
        gtk_box_append(GTK_BOX(box), vsd_share_row(win, uri, d, g_ptr_array_index(d->shares, i)));
    }
    gtk_frame_set_child(GTK_FRAME(frame), box);
    return frame;
}

void
vsd_rows_fill(GtkWidget *box, VsdWindow *win, const char *uri, const VsdSnapshot *snap)
{
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child(box)))
        gtk_box_remove(GTK_BOX(box), child);
    for (guint i = 0; snap && i < snap->domains->len; i++)
        gtk_box_append(GTK_BOX(box), vsd_domain_block(win, uri, g_ptr_array_index(snap->domains, i)));
}
