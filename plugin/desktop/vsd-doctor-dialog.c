/* vsd-doctor-dialog.c: the doctor's findings, each with a Fix button when it has one. */
#include <config.h>

#include "vs-i18n.h"
#include "vsd-dialogs.h"
#include "vsd-rows.h"

typedef struct {
    VsdWindow *win;
    char *uri;
    char *domain;
    GtkWidget *window;
    GtkWidget *identity;
    GtkWidget *list;            /* the findings' rows, or the no-problem page */
    GPtrArray *findings;        /* VsdFinding, shown: doctor.fix's target indexes it */
    char *qemu_user;            /* who QEMU runs as, from the last check */
    GtkWidget *spinner;
    GtkWidget *status;          /* what runs now, beside the spinner */
} VsdDoctorDialog;

static void vsd_doctor_run(VsdDoctorDialog *dd, VsdOp *op);

static void
vsd_doctor_dialog_free(gpointer data)
{
    VsdDoctorDialog *dd = data;

    g_object_unref(dd->win);
    g_clear_pointer(&dd->findings, g_ptr_array_unref);
    g_free(dd->qemu_user);
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

/* doctor.fix(u): apply the fix of the finding shown at that index. */
static void
vsd_doctor_on_fix(GSimpleAction *action, GVariant *param, gpointer data)
{
    VsdDoctorDialog *dd = data;
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
    static const GActionEntry actions[] = {
        { "fix", vsd_doctor_on_fix, "u", NULL, NULL, { 0 } },
    };
    VsdDoctorDialog *dd = g_new0(VsdDoctorDialog, 1);
    g_autofree char *title = g_strdup_printf(_("Check the Shares of %s"), domain);
    GtkWidget *content = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    GtkWidget *scroll = gtk_scrolled_window_new();
    GtkWidget *close = gtk_button_new_with_mnemonic(_("_Close"));
    GtkWidget *buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new();

    gtk_widget_set_name(close, "doctor-close");
    dd->win = g_object_ref(win);
    dd->uri = g_strdup(uri);
    dd->domain = g_strdup(domain);
    dd->window = adw_window_new();
    gtk_widget_set_name(dd->window, "doctor-dialog");
    gtk_window_set_title(GTK_WINDOW(dd->window), title);
    gtk_window_set_transient_for(GTK_WINDOW(dd->window), GTK_WINDOW(win));
    gtk_window_set_modal(GTK_WINDOW(dd->window), TRUE);
    gtk_window_set_default_size(GTK_WINDOW(dd->window), 680, 480);
    g_object_set_data_full(G_OBJECT(dd->window), "vsd-doctor-dialog", dd, vsd_doctor_dialog_free);
    g_action_map_add_action_entries(G_ACTION_MAP(group), actions, G_N_ELEMENTS(actions), dd);
    gtk_widget_insert_action_group(dd->window, "doctor", G_ACTION_GROUP(group));
    vsd_close_on_escape(GTK_WINDOW(dd->window));

    dd->identity = gtk_label_new(_("Checking…"));
    gtk_label_set_xalign(GTK_LABEL(dd->identity), 0);
    gtk_label_set_wrap(GTK_LABEL(dd->identity), TRUE);
    gtk_widget_add_css_class(dd->identity, "dim-label");
    dd->list = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    dd->spinner = gtk_spinner_new();
    dd->status = gtk_label_new(NULL);
    gtk_widget_set_name(dd->status, "doctor-status");
    gtk_widget_add_css_class(dd->status, "dim-label");
    gtk_widget_set_hexpand(dd->status, TRUE);
    gtk_label_set_xalign(GTK_LABEL(dd->status), 0);
    gtk_label_set_ellipsize(GTK_LABEL(dd->status), PANGO_ELLIPSIZE_END);
    gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroll), dd->list);
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
                                   GTK_POLICY_AUTOMATIC);
    gtk_widget_set_vexpand(scroll, TRUE);
    g_signal_connect_swapped(close, "clicked", G_CALLBACK(gtk_window_destroy), dd->window);
    gtk_box_append(GTK_BOX(buttons), dd->spinner);
    gtk_box_append(GTK_BOX(buttons), dd->status);
    gtk_box_append(GTK_BOX(buttons), close);
    g_object_set(box, "margin-top", 12, "margin-bottom", 18, "margin-start", 18, "margin-end", 18,
                 NULL);
    gtk_box_append(GTK_BOX(box), dd->identity);
    gtk_box_append(GTK_BOX(box), scroll);
    gtk_box_append(GTK_BOX(box), buttons);
    gtk_box_append(GTK_BOX(content), adw_header_bar_new());
    gtk_box_append(GTK_BOX(content), box);
    adw_window_set_content(ADW_WINDOW(dd->window), content);
    gtk_window_set_default_widget(GTK_WINDOW(dd->window), close);
    vsd_a11y_name_buttons(dd->window);
    gtk_window_present(GTK_WINDOW(dd->window));
    vsd_doctor_run(dd, vsd_op_new(VSD_OP_DOCTOR, uri, domain));
}
