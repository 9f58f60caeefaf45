/* vsd-share-dialog.c: "Share a folder…": choose, see the plan, then apply. */
#include <config.h>

#include "vs-i18n.h"
#include "vsd-dialogs.h"
#include "vsd-rows.h"
#include "vsd-widgets.h"

/* The dialog: ui/vsd-share-dialog.ui, and the plan of its last Review. */
struct _VsdShareDialog {
    AdwWindow parent;
    VsdRunner *runner;
    char *uri;
    char *domain;
    GtkWidget *stack;
    GtkWidget *folder;
    GtkWidget *target;
    GtkWidget *driver;
    GtkWidget *mode;
    GtkWidget *readonly;
    GtkWidget *persist;
    GtkWidget *error;           /* why the plan was refused */
    GtkWidget *review;
    GtkWidget *spinner;
    GtkWidget *plan_heading;
    GtkWidget *plan_text;
    GtkWidget *plan_owners;     /* who will own the files, before anything changes */
    GtkWidget *offer;           /* virtiofs instead, when automatic chose 9p */
    GtkWidget *apply;
    GtkWidget *restart_now;
    VsdOp *prepared;            /* the answer of the prepare step */
    GtkNativeDialog *chooser;   /* GTK < 4.10 */
    gboolean disposed;          /* closed: an answer that comes later is dropped */
};

#define VSD_TYPE_SHARE_DIALOG (vsd_share_dialog_get_type())
G_DECLARE_FINAL_TYPE(VsdShareDialog, vsd_share_dialog, VSD, SHARE_DIALOG, AdwWindow)
G_DEFINE_TYPE(VsdShareDialog, vsd_share_dialog, ADW_TYPE_WINDOW)

/* Indexes of the drop-downs. */
static const VsDriver vsd_drivers[] = { VS_DRIVER_AUTO, VS_DRIVER_VIRTIOFS, VS_DRIVER_9P };
static const VsMode vsd_modes[] = { VS_MODE_DEFAULT, VS_MODE_PASSTHROUGH, VS_MODE_MAPPED,
                                    VS_MODE_SQUASH };

/* The options of the form, as an operation of @kind. */
static VsdOp *
vsd_share_op(VsdShareDialog *sd, VsdOpKind kind)
{
    VsdOp *op = vsd_op_new(kind, sd->uri, sd->domain);
    g_autofree char *path = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(sd->folder))));

    /* Relative paths mean nothing in a window: the core refuses them. */
    op->source = g_steal_pointer(&path);
    op->target = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(sd->target))));
    op->driver = vsd_drivers[adw_combo_row_get_selected(ADW_COMBO_ROW(sd->driver))];
    op->mode = vsd_modes[adw_combo_row_get_selected(ADW_COMBO_ROW(sd->mode))];
    op->readonly = gtk_switch_get_active(GTK_SWITCH(sd->readonly));
    op->persist = gtk_switch_get_active(GTK_SWITCH(sd->persist));
    return op;
}

/* One line saying what will happen, from the plan. */
static char *
vsd_plan_heading(const VsdOp *op)
{
    const char *drv = vs_driver_to_string(op->plan.driver);

    if (op->plan.live)
        return g_strdup_printf(_("%s, attached live, mounting now"), drv);
    if (op->plan.restart_needed)
        return g_strdup_printf(_("%s needs a restart of the running VM: restart now?"), drv);
    return g_strdup_printf(_("%s, added to the shut-off VM: mount it once the VM runs"), drv);
}

/* Who will own what the VM writes there, from the driver and mode the core
 * resolved and the user QEMU runs as. */
static char *
vsd_plan_owners(const VsdOp *op)
{
    const char *user = op->qemu_user ? op->qemu_user : _("the user QEMU runs as");

    if (op->plan.driver == VS_DRIVER_VIRTIOFS)
        return g_strdup(_("Owners: files keep the owners they have in the VM (the same user "
                          "numbers on this computer)."));
    switch (op->plan.mode) {
    case VS_MODE_MAPPED:
        return g_strdup_printf(_("Owners: files belong to %s on this computer, readable only by "
                                 "it; the VM keeps its own owners and permissions in extended "
                                 "attributes."), user);
    case VS_MODE_PASSTHROUGH:
        if (g_strcmp0(op->qemu_user, "root") == 0)
            return g_strdup(_("Owners: files keep the owners they have in the VM (QEMU runs as "
                              "root)."));
        return g_strdup_printf(_("Owners: files would keep the owners they have in the VM, which "
                                 "needs QEMU to run as root; it runs as %s, so the VM cannot "
                                 "create files."), user);
    default:
        return g_strdup_printf(_("Owners: every file the VM writes belongs to %s on this "
                                 "computer, whoever writes it in the VM; changing owners in the "
                                 "VM fails."), user);
    }
}

static void
vsd_share_show_plan(VsdShareDialog *sd)
{
    VsdOp *op = sd->prepared;
    g_autofree char *heading = vsd_plan_heading(op);
    g_autofree char *owners = vsd_plan_owners(op);
    GString *text = g_string_new(NULL);
    g_autofree char *plan_text = NULL;

    g_string_append_printf(text, _("Folder: %s\nMount point in the guest: %s"), op->source,
                           *op->target ? op->target : op->source);
    if (op->readonly)
        g_string_append_printf(text, "\n%s", _("The VM can read the files but not change them."));
    if (op->plan.add_shared_memory)
        g_string_append_printf(text, "\n%s", _("Shared memory is added to the VM's settings "
                                               "first, as virtiofs needs."));
    if (op->plan.protect)
        g_string_append_printf(text, "\n%s", _("The folder is mounted again on this computer so "
                                               "that programs and device files the VM leaves there "
                                               "give nobody here more rights."));
    plan_text = g_string_free(text, FALSE);
    gtk_label_set_text(GTK_LABEL(sd->plan_heading), heading);
    gtk_label_set_text(GTK_LABEL(sd->plan_text), plan_text);
    gtk_label_set_text(GTK_LABEL(sd->plan_owners), owners);
    gtk_widget_set_visible(sd->offer, op->virtiofs_offer);
    gtk_widget_set_visible(sd->restart_now, op->plan.restart_needed);
    gtk_button_set_label(GTK_BUTTON(sd->apply), op->plan.restart_needed ?
                         _("Share, Restart _Later") : _("_Share"));
    vsd_a11y_name(sd->apply, gtk_button_get_label(GTK_BUTTON(sd->apply)));
    gtk_stack_set_visible_child_name(GTK_STACK(sd->stack), "plan");
    /* Enter shares; a restart is never the default. */
    gtk_window_set_default_widget(GTK_WINDOW(sd), sd->apply);
    gtk_widget_grab_focus(sd->apply);
}

static void
vsd_share_prepared(VsdOp *op, const GError *error, gpointer data)
{
    g_autoptr(VsdShareDialog) sd = data;

    if (sd->disposed)
        return;
    gtk_spinner_stop(GTK_SPINNER(sd->spinner));
    gtk_widget_set_sensitive(sd->review, TRUE);
    if (error) {
        gtk_label_set_text(GTK_LABEL(sd->error), error->message);
        gtk_widget_set_visible(sd->error, TRUE);
        return;
    }
    vsd_op_free(sd->prepared);
    /* Keep the answer: the window frees the operation after this returns. */
    sd->prepared = vsd_op_new(op->kind, op->uri, op->domain);
    sd->prepared->source = g_strdup(op->source);
    sd->prepared->target = g_strdup(op->target);
    sd->prepared->description = g_strdup(op->description);
    sd->prepared->plan = op->plan;
    sd->prepared->readonly = op->readonly;
    sd->prepared->qemu_user = g_strdup(op->qemu_user);
    sd->prepared->virtiofs_offer = op->virtiofs_offer;
    vsd_share_show_plan(sd);
}

static void
vsd_share_review(GtkWidget *button, VsdShareDialog *sd)
{
    VsdOp *op = vsd_share_op(sd, VSD_OP_ADD_PREPARE);

    gtk_widget_set_visible(sd->error, FALSE);
    if (!g_path_is_absolute(op->source)) {
        gtk_label_set_text(GTK_LABEL(sd->error), _("Choose a folder (an absolute path)."));
        gtk_widget_set_visible(sd->error, TRUE);
        vsd_op_free(op);
        return;
    }
    gtk_widget_set_sensitive(sd->review, FALSE);
    gtk_spinner_start(GTK_SPINNER(sd->spinner));
    /* The dialog may be closed before the answer comes. */
    vsd_runner_run(sd->runner, op, _("Planning…"), vsd_share_prepared, g_object_ref(sd));
}

static void
vsd_share_apply(VsdShareDialog *sd, gboolean restart)
{
    VsdOp *op = vsd_share_op(sd, VSD_OP_ADD);
    g_autofree char *what = restart ?
        g_strdup_printf(_("Sharing %s with %s and restarting it…"), op->source, sd->domain) :
        g_strdup_printf(_("Sharing %s with %s…"), op->source, sd->domain);

    op->shown_plan = sd->prepared->plan;
    op->restart = restart;
    vsd_runner_run(sd->runner, op, what, NULL, NULL);
    gtk_window_destroy(GTK_WINDOW(sd));
}

static void
vsd_share_on_apply(GtkWidget *button, VsdShareDialog *sd)
{
    vsd_share_apply(sd, FALSE);
}

static void
vsd_share_on_restart(GtkWidget *button, VsdShareDialog *sd)
{
    vsd_share_apply(sd, TRUE);
}

static void
vsd_share_back(GtkWidget *button, VsdShareDialog *sd)
{
    gtk_stack_set_visible_child_name(GTK_STACK(sd->stack), "form");
    gtk_window_set_default_widget(GTK_WINDOW(sd), sd->review);
}

/* The offer taken: the same folder with virtiofs, planned again. */
static void
vsd_share_use_virtiofs(GtkWidget *button, VsdShareDialog *sd)
{
    for (guint i = 0; i < G_N_ELEMENTS(vsd_drivers); i++)
        if (vsd_drivers[i] == VS_DRIVER_VIRTIOFS)
            adw_combo_row_set_selected(ADW_COMBO_ROW(sd->driver), i);
    vsd_share_back(button, sd);
    vsd_share_review(button, sd);
}

#if GTK_CHECK_VERSION(4, 10, 0)
static void
vsd_share_chosen(GObject *source, GAsyncResult *res, gpointer data)
{
    g_autoptr(VsdShareDialog) sd = data;
    g_autoptr(GFile) file = gtk_file_dialog_select_folder_finish(GTK_FILE_DIALOG(source), res, NULL);
    g_autofree char *path = file ? g_file_get_path(file) : NULL;

    if (!sd->disposed && path)
        gtk_editable_set_text(GTK_EDITABLE(sd->folder), path);
}

static void
vsd_share_choose(GtkWidget *button, VsdShareDialog *sd)
{
    g_autoptr(GtkFileDialog) fd = gtk_file_dialog_new();

    gtk_file_dialog_set_title(fd, _("Folder to Share"));
    gtk_file_dialog_select_folder(fd, GTK_WINDOW(sd), NULL, vsd_share_chosen,
                                  g_object_ref(sd));
}
#else
static void
vsd_share_chosen(GtkNativeDialog *native, int response, VsdShareDialog *sd)
{
    g_autoptr(GFile) file = NULL;
    g_autofree char *path = NULL;

    if (response == GTK_RESPONSE_ACCEPT &&
        (file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(native))) &&
        (path = g_file_get_path(file)))
        gtk_editable_set_text(GTK_EDITABLE(sd->folder), path);
}

/* GtkFileDialog needs GTK 4.10; Debian 12 has 4.8. */
static void
vsd_share_choose(GtkWidget *button, VsdShareDialog *sd)
{
    if (!sd->chooser) {
        sd->chooser = (GtkNativeDialog *)gtk_file_chooser_native_new(_("Folder to Share"), GTK_WINDOW(sd),
                                                  GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                  _("_Select"), _("_Cancel"));
        g_signal_connect(sd->chooser, "response", G_CALLBACK(vsd_share_chosen), sd);
    }
    gtk_native_dialog_show(sd->chooser);
}
#endif

/* Each choice in one sentence: who owns the files, whether a restart is
 * needed.  In the order of vsd_drivers and vsd_modes, the drop-downs' items
 * in ui/vsd-share-dialog.ui. */
static const char *const vsd_driver_texts[] = {
    N_("virtiofs where the VM already has shared memory, else 9p; the next page says which, "
       "and who will own the files."),
    N_("Files keep the owners they have in the VM. A running VM with shared memory gets it at "
       "once; otherwise shared memory is added, and a running VM needs a restart."),
    N_("Works in every VM; who owns the files depends on the mode. A running VM needs a restart "
       "before it sees the folder."),
}, *const vsd_mode_texts[] = {
    N_("The driver's own: virtiofs keeps the VM's owners; 9p gives every file to the user QEMU "
       "runs as."),
    N_("Files keep the owners they have in the VM. With 9p only when QEMU runs as root; "
       "otherwise the VM cannot create files."),
    N_("9p only: files belong to the user QEMU runs as; the VM's owners and permissions are kept "
       "in extended attributes."),
    N_("9p only: every file the VM writes belongs to the user QEMU runs as; changing owners in "
       "the VM fails."),
};
G_STATIC_ASSERT(G_N_ELEMENTS(vsd_driver_texts) == G_N_ELEMENTS(vsd_drivers));
G_STATIC_ASSERT(G_N_ELEMENTS(vsd_mode_texts) == G_N_ELEMENTS(vsd_modes));

/* The explanation of the chosen driver and mode, as their rows' subtitles. */
static void
vsd_share_explain(AdwComboRow *row, GParamSpec *pspec, VsdShareDialog *sd)
{
    guint d = adw_combo_row_get_selected(ADW_COMBO_ROW(sd->driver));
    guint m = adw_combo_row_get_selected(ADW_COMBO_ROW(sd->mode));

    if (d < G_N_ELEMENTS(vsd_driver_texts))
        adw_action_row_set_subtitle(ADW_ACTION_ROW(sd->driver), _(vsd_driver_texts[d]));
    if (m < G_N_ELEMENTS(vsd_mode_texts))
        adw_action_row_set_subtitle(ADW_ACTION_ROW(sd->mode), _(vsd_mode_texts[m]));
}

static void
vsd_share_dialog_dispose(GObject *object)
{
    VsdShareDialog *sd = VSD_SHARE_DIALOG(object);

    sd->disposed = TRUE;
    gtk_widget_dispose_template(GTK_WIDGET(sd), VSD_TYPE_SHARE_DIALOG);
    G_OBJECT_CLASS(vsd_share_dialog_parent_class)->dispose(object);
}

static void
vsd_share_dialog_finalize(GObject *object)
{
    VsdShareDialog *sd = VSD_SHARE_DIALOG(object);

    g_clear_object(&sd->chooser);
    vsd_op_free(sd->prepared);
    g_clear_pointer(&sd->runner, vsd_runner_unref);
    g_free(sd->uri);
    g_free(sd->domain);
    G_OBJECT_CLASS(vsd_share_dialog_parent_class)->finalize(object);
}

static void
vsd_share_dialog_class_init(VsdShareDialogClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = vsd_share_dialog_dispose;
    G_OBJECT_CLASS(klass)->finalize = vsd_share_dialog_finalize;
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/virtshare/VirtShare/ui/vsd-share-dialog.ui");
#define VSD_CHILD(name) gtk_widget_class_bind_template_child(widget_class, VsdShareDialog, name)
    VSD_CHILD(stack);
    VSD_CHILD(folder);
    VSD_CHILD(target);
    VSD_CHILD(driver);
    VSD_CHILD(mode);
    VSD_CHILD(readonly);
    VSD_CHILD(persist);
    VSD_CHILD(error);
    VSD_CHILD(review);
    VSD_CHILD(spinner);
    VSD_CHILD(plan_heading);
    VSD_CHILD(plan_text);
    VSD_CHILD(plan_owners);
    VSD_CHILD(offer);
    VSD_CHILD(apply);
    VSD_CHILD(restart_now);
#undef VSD_CHILD
    gtk_widget_class_bind_template_callback(widget_class, vsd_share_choose);
    gtk_widget_class_bind_template_callback(widget_class, vsd_share_explain);
    gtk_widget_class_bind_template_callback(widget_class, vsd_share_review);
    gtk_widget_class_bind_template_callback(widget_class, vsd_share_use_virtiofs);
    gtk_widget_class_bind_template_callback(widget_class, vsd_share_back);
    gtk_widget_class_bind_template_callback(widget_class, vsd_share_on_restart);
    gtk_widget_class_bind_template_callback(widget_class, vsd_share_on_apply);
}

static void
vsd_share_dialog_init(VsdShareDialog *sd)
{
    gtk_widget_init_template(GTK_WIDGET(sd));
    vsd_a11y_name_buttons(GTK_WIDGET(sd));
    /* The switches by their rows' titles, without the mnemonic's underline. */
    for (GtkWidget **sw = (GtkWidget *[]){ sd->readonly, sd->persist, NULL }; *sw; sw++)
        vsd_a11y_name(*sw, adw_preferences_row_get_title(
                               ADW_PREFERENCES_ROW(gtk_widget_get_ancestor(*sw, ADW_TYPE_ACTION_ROW))));
    vsd_share_explain(NULL, NULL, sd);
    vsd_close_on_escape(GTK_WINDOW(sd));
}

void
vsd_share_dialog_open(GtkWindow *parent, VsdRunner *runner, const char *uri, const char *domain)
{
    VsdShareDialog *sd = g_object_new(VSD_TYPE_SHARE_DIALOG, "transient-for", parent, NULL);
    g_autofree char *title = g_strdup_printf(_("Share a Folder with %s"), domain);

    sd->runner = vsd_runner_ref(runner);
    sd->uri = g_strdup(uri);
    sd->domain = g_strdup(domain);
    gtk_window_set_title(GTK_WINDOW(sd), title);
    gtk_window_present(GTK_WINDOW(sd));
}
