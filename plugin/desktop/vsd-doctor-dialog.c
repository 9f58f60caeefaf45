/* vsd-doctor-dialog.c: the doctor's findings, each with a Fix button when it has one. */
#include <config.h>

#include "vs-i18n.h"
#include "vsd-dialogs.h"

typedef struct {
    VsdWindow *win;
    char *uri;
    char *domain;
    GtkWidget *window;
    GtkWidget *identity;
    GtkWidget *list;
    GtkWidget *spinner;
    GtkWidget *status;          /* what runs now, beside the spinner */
} VsdDoctorDialog;

static void vsd_doctor_run(VsdDoctorDialog *dd, VsdOp *op);

static void
vsd_doctor_dialog_free(gpointer data)
{
    VsdDoctorDialog *dd = data;

    g_object_unref(dd->win);
    g_free(dd->uri);
    g_free(dd->domain);
    g_free(dd);
}

static const char *
vsd_severity_icon(VsSeverity severity)
{
    switch (severity) {
    case VS_SEVERITY_ERROR:
        return "dialog-error-symbolic";
    case VS_SEVERITY_WARNING:
        return "dialog-warning-symbolic";
    default:
        break;
    }
    return "dialog-information-symbolic";
}

/* The Fix button of each kind of fix, in the order of VsdFixKind: its label
 * and tooltip, translated where shown.  Not a VS_ENUM table (those hold the
 * stable names of JSON and options), but its check: the build fails unless
 * every kind has its row. */
static const struct {
    const char *label;
    const char *tooltip;
} vsd_fix_texts[] = {
    /* NONE: no button */
    { NULL, NULL },
    /* DOCTOR */
    { N_("_Fix"), N_("Give QEMU's user the access it lacks (ACL entries, never chmod)") },
    /* MOUNT */
    { N_("_Mount"), N_("Mount the share in the guest") },
    /* REMOUNT */
    { N_("Mount _Again"), N_("Unmount the share and mount it again with virt-share's msize") },
    /* START */
    { N_("_Start"), N_("Start the VM, wait for its guest agent, then check again") },
    /* PROTECT */
    { N_("_Protect"), N_("Mount the folder again so that programs and device files the VM's "
                         "administrator makes there give nobody on this computer more rights "
                         "(nosuid,nodev, kept in /etc/fstab; needs root)") },
};
G_STATIC_ASSERT(G_N_ELEMENTS(vsd_fix_texts) == VSD_FIX_LAST);

static VsFinding *
vsd_finding_copy(const VsFinding *f)
{
    VsFinding *c = g_new0(VsFinding, 1);

    c->severity = f->severity;
    c->code = g_strdup(f->code);
    c->path = g_strdup(f->path);
    c->message = g_strdup(f->message);
    c->fix_command = g_strdup(f->fix_command);
    c->fix = f->fix;
    return c;
}

static void
vsd_doctor_on_fix(GtkWidget *button, VsdDoctorDialog *dd)
{
    const VsdFinding *f = g_object_get_data(G_OBJECT(button), "vsd-finding");
    VsdOp *op = vsd_op_new(VSD_OP_FIX, dd->uri, dd->domain);

    op->fix = g_new0(VsdFinding, 1);
    op->fix->tag = g_strdup(f->tag);
    op->fix->source = g_strdup(f->source);
    op->fix->finding = vsd_finding_copy(f->finding);
    op->fix->fix = f->fix;
    vsd_doctor_run(dd, op);
}

/* Each finding is named "finding:TAG:CODE", its button "fix:TAG:CODE";
 * the domain's own findings have "domain" for TAG, the host's "host" (no
 * tag contains ':'). */
static GtkWidget *
vsd_finding_row(VsdDoctorDialog *dd, VsdFinding *f)
{
    GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 10);
    GtkWidget *text = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    const char *about = f->tag ? f->tag : f->host ? "host" : "domain";
    g_autofree char *vm = f->tag ? NULL :
                          f->host ? g_strdup(_("This host")) :
                          g_strdup_printf(_("Virtual machine %s"), dd->domain);
    /* Plain text, never markup: paths and guest replies may hold '<' or '&'. */
    GtkWidget *what = gtk_label_new(f->tag ? f->source : vm);
    GtkWidget *msg = gtk_label_new(f->finding->message);
    g_autofree char *name = g_strdup_printf("finding:%s:%s", about, f->finding->code);
    GtkWidget *icon = gtk_image_new_from_icon_name(vsd_severity_icon(f->finding->severity));

    gtk_widget_set_name(row, name);
    /* An error looks like one: the symbolic icon takes the theme's colour. */
    if (f->finding->severity == VS_SEVERITY_ERROR)
        gtk_widget_add_css_class(icon, "error");
    else if (f->finding->severity == VS_SEVERITY_WARNING)
        gtk_widget_add_css_class(icon, "warning");
    gtk_widget_set_valign(icon, GTK_ALIGN_START);
    gtk_box_append(GTK_BOX(row), icon);
    gtk_widget_add_css_class(what, "heading");
    for (GtkWidget **l = (GtkWidget *[]){ what, msg, NULL }; *l; l++) {
        gtk_label_set_xalign(GTK_LABEL(*l), 0);
        gtk_label_set_wrap(GTK_LABEL(*l), TRUE);
        gtk_box_append(GTK_BOX(text), *l);
    }
    if (f->finding->fix_command) {
        GtkWidget *cmd = gtk_label_new(f->finding->fix_command);
        gtk_label_set_xalign(GTK_LABEL(cmd), 0);
        gtk_label_set_wrap(GTK_LABEL(cmd), TRUE);
        gtk_label_set_selectable(GTK_LABEL(cmd), TRUE);
        gtk_widget_add_css_class(cmd, "dim-label");
        gtk_widget_add_css_class(cmd, "monospace");
        gtk_box_append(GTK_BOX(text), cmd);
    }
    gtk_widget_set_hexpand(text, TRUE);
    gtk_box_append(GTK_BOX(row), text);
    if (f->fix != VSD_FIX_NONE) {
        GtkWidget *fix = gtk_button_new_with_mnemonic(_(vsd_fix_texts[f->fix].label));
        g_autofree char *fix_name = g_strdup_printf("fix:%s:%s", about, f->finding->code);
        gtk_widget_set_name(fix, fix_name);
        gtk_widget_set_valign(fix, GTK_ALIGN_CENTER);
        gtk_widget_set_tooltip_text(fix, _(vsd_fix_texts[f->fix].tooltip));
        g_object_set_data_full(G_OBJECT(fix), "vsd-finding", f, (GDestroyNotify)vsd_finding_free);
        g_signal_connect(fix, "clicked", G_CALLBACK(vsd_doctor_on_fix), dd);
        gtk_box_append(GTK_BOX(row), fix);
    } else {
        vsd_finding_free(f);
    }
    return row;
}

static void
vsd_doctor_show(VsdDoctorDialog *dd, VsdOp *op)
{
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child(dd->list)))
        gtk_box_remove(GTK_BOX(dd->list), child);
    gtk_label_set_text(GTK_LABEL(dd->identity), op->identity);
    /* The rows own the findings from here. */
    for (guint i = 0; i < op->findings->len; i++)
        gtk_box_append(GTK_BOX(dd->list), vsd_finding_row(dd, g_ptr_array_steal_index(op->findings, i--)));
    /* The verdict under them, the CLI's sentence. */
    if (op->summary) {
        GtkWidget *ok = gtk_label_new(op->summary);

        gtk_widget_set_name(ok, "doctor-summary");
        gtk_label_set_xalign(GTK_LABEL(ok), 0);
        gtk_label_set_wrap(GTK_LABEL(ok), TRUE);
        gtk_box_append(GTK_BOX(dd->list), ok);
    }
}

static void
vsd_doctor_done(VsdWindow *win, VsdOp *op, const GError *error, gpointer data)
{
    g_autoptr(GtkWidget) window = data;
    VsdDoctorDialog *dd = g_object_get_data(G_OBJECT(window), "vsd-doctor-dialog");

    if (!dd)
        return;
    gtk_spinner_stop(GTK_SPINNER(dd->spinner));
    gtk_label_set_text(GTK_LABEL(dd->status), "");
    gtk_widget_set_sensitive(dd->list, TRUE);
    if (!error) {
        vsd_doctor_show(dd, op);
        return;
    }
    vsd_error_dialog(GTK_WINDOW(dd->window), op->kind == VSD_OP_FIX ?
                     _("The fix failed") : _("The check failed"), error->message);
    /* A fix may have done part of its work (started the VM): check again,
     * so that the findings shown are not the ones from before. */
    if (op->kind == VSD_OP_FIX)
        vsd_doctor_run(dd, vsd_op_new(VSD_OP_DOCTOR, dd->uri, dd->domain));
}

static void
vsd_doctor_run(VsdDoctorDialog *dd, VsdOp *op)
{
    g_autofree char *what = NULL;

    if (op->kind != VSD_OP_FIX)
        what = g_strdup(_("Checking…"));
    else if (op->fix->fix == VSD_FIX_START)
        /* A TCG guest takes a minute to boot: say what the wait is for. */
        what = g_strdup_printf(_("Starting %s and waiting for its guest agent…"), dd->domain);
    else
        what = g_strdup(_("Fixing…"));
    gtk_spinner_start(GTK_SPINNER(dd->spinner));
    gtk_label_set_text(GTK_LABEL(dd->status), what);
    gtk_widget_set_sensitive(dd->list, FALSE);
    vsd_window_run(dd->win, op, what, vsd_doctor_done, g_object_ref(dd->window));
}

void
vsd_doctor_dialog_open(VsdWindow *win, const char *uri, const char *domain)
{
    VsdDoctorDialog *dd = g_new0(VsdDoctorDialog, 1);
    g_autofree char *title = g_strdup_printf(_("Check the Shares of %s"), domain);
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    GtkWidget *scroll = gtk_scrolled_window_new();
    GtkWidget *close = gtk_button_new_with_mnemonic(_("_Close"));
    GtkWidget *buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);

    gtk_widget_set_name(close, "doctor-close");
    dd->win = g_object_ref(win);
    dd->uri = g_strdup(uri);
    dd->domain = g_strdup(domain);
    dd->window = gtk_window_new();
    gtk_widget_set_name(dd->window, "doctor-dialog");
    gtk_window_set_title(GTK_WINDOW(dd->window), title);
    gtk_window_set_titlebar(GTK_WINDOW(dd->window), gtk_header_bar_new());
    gtk_window_set_transient_for(GTK_WINDOW(dd->window), GTK_WINDOW(win));
    gtk_window_set_modal(GTK_WINDOW(dd->window), TRUE);
    gtk_window_set_default_size(GTK_WINDOW(dd->window), 640, 420);
    g_object_set_data_full(G_OBJECT(dd->window), "vsd-doctor-dialog", dd, vsd_doctor_dialog_free);

    dd->identity = gtk_label_new(_("Checking…"));
    gtk_label_set_xalign(GTK_LABEL(dd->identity), 0);
    gtk_label_set_wrap(GTK_LABEL(dd->identity), TRUE);
    dd->list = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    dd->spinner = gtk_spinner_new();
    dd->status = gtk_label_new(NULL);
    gtk_widget_set_name(dd->status, "doctor-status");
    gtk_widget_add_css_class(dd->status, "dim-label");
    gtk_widget_set_hexpand(dd->status, TRUE);
    gtk_label_set_xalign(GTK_LABEL(dd->status), 0);
    gtk_label_set_ellipsize(GTK_LABEL(dd->status), PANGO_ELLIPSIZE_END);
    gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), dd->list);
    gtk_widget_set_vexpand(scroll, TRUE);
    g_signal_connect_swapped(close, "clicked", G_CALLBACK(gtk_window_destroy), dd->window);
    gtk_box_append(GTK_BOX(buttons), dd->spinner);
    gtk_box_append(GTK_BOX(buttons), dd->status);
    gtk_box_append(GTK_BOX(buttons), close);
    g_object_set(box, "margin-top", 18, "margin-bottom", 18, "margin-start", 18, "margin-end", 18,
                 NULL);
    gtk_box_append(GTK_BOX(box), dd->identity);
    gtk_box_append(GTK_BOX(box), scroll);
    gtk_box_append(GTK_BOX(box), buttons);
    gtk_window_set_child(GTK_WINDOW(dd->window), box);
    gtk_window_present(GTK_WINDOW(dd->window));
    vsd_doctor_run(dd, vsd_op_new(VSD_OP_DOCTOR, uri, domain));
}
