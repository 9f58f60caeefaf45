/* vsd-doctor-dialog.c: the doctor's findings, each with a Fix button when it has one. */
#include <config.h>

#include "vs-i18n.h"
#include "vsd-dialogs.h"
#include "vsd-rows.h"
#include "vsd-widgets.h"

/* The dialog: ui/vsd-doctor-dialog.ui, and the state of its last check. */
struct _VsdDoctorDialog {
    AdwWindow parent;
    VsdRunner *runner;
    char *uri;
    char *domain;
    GtkWidget *identity;
    GtkWidget *list;            /* the findings' rows, or the no-problem page */
    GtkWidget *spinner;
    GtkWidget *status;          /* what runs now, beside the spinner */
    GPtrArray *findings;        /* VsdFinding, shown: doctor.fix's target indexes it */
    char *qemu_user;            /* who QEMU runs as, from the last check */
    gboolean disposed;          /* closed: an answer that comes later is dropped */
};

#define VSD_TYPE_DOCTOR_DIALOG (vsd_doctor_dialog_get_type())
G_DECLARE_FINAL_TYPE(VsdDoctorDialog, vsd_doctor_dialog, VSD, DOCTOR_DIALOG, AdwWindow)
G_DEFINE_TYPE(VsdDoctorDialog, vsd_doctor_dialog, ADW_TYPE_WINDOW)

static void vsd_doctor_run(VsdDoctorDialog *dd, VsdOp *op);

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

/* doctor.fix(u): apply the fix of the finding shown at that index. */
static void
vsd_doctor_on_fix(GtkWidget *widget, const char *action, GVariant *param)
{
    VsdDoctorDialog *dd = VSD_DOCTOR_DIALOG(widget);
    guint i = g_variant_get_uint32(param);
    const VsdFinding *f;
    VsdOp *op;

    if (!dd->findings || i >= dd->findings->len)
        return;
    f = g_ptr_array_index(dd->findings, i);
    op = vsd_op_new(VSD_OP_FIX, dd->uri, dd->domain);
    op->fix = g_new0(VsdFinding, 1);
    op->fix->tag = g_strdup(f->tag);
    op->fix->source = g_strdup(f->source);
    op->fix->finding = vs_finding_copy(f->finding);
    op->fix->fix = f->fix;
    vsd_doctor_run(dd, op);
}

/* The findings whose words are the command line's (its options, 9p's mode
 * names) in the window's words, "%s" standing for QEMU's user; the others
 * as the core says them. */
static const struct {
    VsFindingCode code;
    const char *words;
} vsd_finding_texts[] = {
    { VS_FINDING_NOT_RUNNING, N_("The VM is shut off, so its guest agent and its mounts cannot be "
                        "checked. When it starts, its shared folders appear in it and are "
                        "mounted.") },
    { VS_FINDING_PENDING_RESTART, N_("Added, but the running VM sees it only after a restart "
                            "(Restart VM…).") },
    { VS_FINDING_NOT_MOUNTED, N_("Attached to the VM, but not mounted in it.") },
    { VS_FINDING_FOLDER_WRITE, N_("QEMU runs as %s and cannot write to this folder: creating files in "
                         "the VM fails with “Permission denied”. Fix gives it access, or "
                         "share the folder read-only.") },
    { VS_FINDING_SQUASH_OWNER, N_("Every file the VM creates here belongs to %s on this computer; "
                         "changing owners in the VM fails.") },
    { VS_FINDING_PASSTHROUGH_UNPRIVILEGED, N_("“Keep owners” needs QEMU to run as root; it runs as %s, "
                                     "so the VM cannot create files here. Share the folder "
                                     "again with “One owner” or “Owners in attributes”.") },
    { VS_FINDING_MAPPED_XATTR, N_("“Owners in attributes” needs extended attributes, which the file "
                         "system of this folder lacks: share it again with “One owner”.") },
};

static char *
vsd_finding_words(const VsdDoctorDialog *dd, const VsdFinding *f)
{
    const char *user = dd->qemu_user ? dd->qemu_user : _("the user QEMU runs as");
    GString *words;

    if (f->finding->code == VS_FINDING_AGENT_UNAVAILABLE)
        return vsd_agent_hint(NULL);
    for (guint i = 0; i < G_N_ELEMENTS(vsd_finding_texts); i++) {
        if (f->finding->code != vsd_finding_texts[i].code)
            continue;
        words = g_string_new(_(vsd_finding_texts[i].words));
        g_string_replace(words, "%s", user, 1);
        return g_string_free(words, FALSE);
    }
    return NULL;
}

/* Each finding is named "finding:TAG:CODE", its button "fix:TAG:CODE";
 * the domain's own findings have "domain" for TAG, the host's "host" (no
 * tag contains ':'). */
static GtkWidget *
vsd_finding_row(VsdDoctorDialog *dd, const VsdFinding *f, guint index)
{
    GtkWidget *row = adw_action_row_new();
    const char *about = f->tag ? f->tag : f->host ? "host" : "domain";
    g_autofree char *vm = f->tag ? NULL :
                          f->host ? g_strdup(_("This computer")) :
                          g_strdup_printf(_("Virtual machine %s"), dd->domain);
    g_autofree char *name = g_strdup_printf("finding:%s:%s", about,
                                           vs_finding_code_to_string(f->finding->code));
    g_autofree char *words = vsd_finding_words(dd, f);
    /* A command to type only where no button does it. */
    g_autofree char *subtitle = f->finding->fix_command && f->fix == VSD_FIX_NONE ?
        g_strdup_printf(_("%s\nIn a terminal: %s"), words ? words : f->finding->message,
                        f->finding->fix_command) :
        g_strdup(words ? words : f->finding->message);
    const char *severity = f->finding->severity == VS_SEVERITY_ERROR ? _("Problem") :
                           f->finding->severity == VS_SEVERITY_WARNING ? _("Warning") :
                           _("Note");
    GtkWidget *icon = gtk_image_new_from_icon_name(vsd_severity_icon(f->finding->severity));

    gtk_widget_set_name(row, name);
    /* Plain text, never markup: paths and guest replies may hold '<' or '&'. */
    adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), f->tag ? f->source : vm);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
    adw_action_row_set_subtitle_lines(ADW_ACTION_ROW(row), 0);
    /* The core's own words, for a bug report. */
    if (words)
        gtk_widget_set_tooltip_text(row, f->finding->message);
    /* An error looks like one: the symbolic icon takes the theme's colour,
     * and says it in words to a screen reader. */
    if (f->finding->severity == VS_SEVERITY_ERROR)
        gtk_widget_add_css_class(icon, "error");
    else if (f->finding->severity == VS_SEVERITY_WARNING)
        gtk_widget_add_css_class(icon, "warning");
    gtk_accessible_update_property(GTK_ACCESSIBLE(icon), GTK_ACCESSIBLE_PROPERTY_LABEL, severity, -1);
    gtk_widget_set_tooltip_text(icon, severity);
    adw_action_row_add_prefix(ADW_ACTION_ROW(row), icon);
    if (f->fix != VSD_FIX_NONE) {
        GtkWidget *fix = gtk_button_new_with_mnemonic(_(vsd_fix_texts[f->fix].label));
        g_autofree char *fix_name = g_strdup_printf("fix:%s:%s", about,
                                                    vs_finding_code_to_string(f->finding->code));

        gtk_widget_set_name(fix, fix_name);
        gtk_widget_set_valign(fix, GTK_ALIGN_CENTER);
        gtk_widget_set_tooltip_text(fix, _(vsd_fix_texts[f->fix].tooltip));
        gtk_actionable_set_action_name(GTK_ACTIONABLE(fix), "doctor.fix");
        gtk_actionable_set_action_target(GTK_ACTIONABLE(fix), "u", index);
        vsd_a11y_name(fix, _(vsd_fix_texts[f->fix].label));
        adw_action_row_add_suffix(ADW_ACTION_ROW(row), fix);
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
    g_free(dd->qemu_user);
    dd->qemu_user = g_strdup(op->qemu_user);
    /* The dialog owns the findings from here; the rows name them by index. */
    g_clear_pointer(&dd->findings, g_ptr_array_unref);
    dd->findings = g_steal_pointer(&op->findings);
    if (dd->findings->len) {
        GtkWidget *group = adw_preferences_group_new();

        for (guint i = 0; i < dd->findings->len; i++)
            adw_preferences_group_add(ADW_PREFERENCES_GROUP(group),
                                      vsd_finding_row(dd, g_ptr_array_index(dd->findings, i), i));
        gtk_box_append(GTK_BOX(dd->list), group);
    }
    /* The verdict under them: the CLI's sentence, from the core. */
    if (op->summary) {
        GtkWidget *ok = adw_status_page_new();

        gtk_widget_set_name(ok, "doctor-summary");
        gtk_widget_add_css_class(ok, "compact");
        if (dd->findings->len == 0)
            adw_status_page_set_icon_name(ADW_STATUS_PAGE(ok), "emblem-ok-symbolic");
        adw_status_page_set_title(ADW_STATUS_PAGE(ok), op->summary);
        gtk_box_append(GTK_BOX(dd->list), ok);
    }
}

static void
vsd_doctor_done(VsdOp *op, const GError *error, gpointer data)
{
    g_autoptr(VsdDoctorDialog) dd = data;

    if (dd->disposed)
        return;
    gtk_spinner_stop(GTK_SPINNER(dd->spinner));
    gtk_label_set_text(GTK_LABEL(dd->status), "");
    gtk_widget_set_sensitive(dd->list, TRUE);
    if (!error) {
        vsd_doctor_show(dd, op);
        return;
    }
    vsd_error_dialog(GTK_WINDOW(dd), op->kind == VSD_OP_FIX ?
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
    vsd_runner_run(dd->runner, op, what, vsd_doctor_done, g_object_ref(dd));
}

static void
vsd_doctor_dialog_dispose(GObject *object)
{
    VsdDoctorDialog *dd = VSD_DOCTOR_DIALOG(object);

    dd->disposed = TRUE;
    gtk_widget_dispose_template(GTK_WIDGET(dd), VSD_TYPE_DOCTOR_DIALOG);
    G_OBJECT_CLASS(vsd_doctor_dialog_parent_class)->dispose(object);
}

static void
vsd_doctor_dialog_finalize(GObject *object)
{
    VsdDoctorDialog *dd = VSD_DOCTOR_DIALOG(object);

    g_clear_pointer(&dd->runner, vsd_runner_unref);
    g_clear_pointer(&dd->findings, g_ptr_array_unref);
    g_free(dd->qemu_user);
    g_free(dd->uri);
    g_free(dd->domain);
    G_OBJECT_CLASS(vsd_doctor_dialog_parent_class)->finalize(object);
}

static void
vsd_doctor_dialog_class_init(VsdDoctorDialogClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = vsd_doctor_dialog_dispose;
    G_OBJECT_CLASS(klass)->finalize = vsd_doctor_dialog_finalize;
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/virtshare/VirtShare/ui/vsd-doctor-dialog.ui");
    gtk_widget_class_bind_template_child(widget_class, VsdDoctorDialog, identity);
    gtk_widget_class_bind_template_child(widget_class, VsdDoctorDialog, list);
    gtk_widget_class_bind_template_child(widget_class, VsdDoctorDialog, spinner);
    gtk_widget_class_bind_template_child(widget_class, VsdDoctorDialog, status);
    gtk_widget_class_install_action(widget_class, "doctor.fix", "u", vsd_doctor_on_fix);
}

static void
vsd_doctor_dialog_init(VsdDoctorDialog *dd)
{
    gtk_widget_init_template(GTK_WIDGET(dd));
    vsd_a11y_name_buttons(GTK_WIDGET(dd));
    vsd_close_on_escape(GTK_WINDOW(dd));
}

void
vsd_doctor_dialog_open(GtkWindow *parent, VsdRunner *runner, const char *uri, const char *domain)
{
    VsdDoctorDialog *dd = g_object_new(VSD_TYPE_DOCTOR_DIALOG, "transient-for", parent, NULL);
    g_autofree char *title = g_strdup_printf(_("Check the Shares of %s"), domain);

    dd->runner = vsd_runner_ref(runner);
    dd->uri = g_strdup(uri);
    dd->domain = g_strdup(domain);
    gtk_window_set_title(GTK_WINDOW(dd), title);
    gtk_window_present(GTK_WINDOW(dd));
    vsd_doctor_run(dd, vsd_op_new(VSD_OP_DOCTOR, uri, domain));
}
