/* vsd-share-dialog.c: "Share a folder…": choose, see the plan, then apply. */
#include <config.h>

#include "vs-i18n.h"
#include "vsd-dialogs.h"
#include "vsd-rows.h"

typedef struct {
    VsdWindow *win;
    char *uri;
    char *domain;
    GtkWidget *window;
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
} VsdShareDialog;

/* Indexes of the drop-downs. */
static const VsDriver vsd_drivers[] = { VS_DRIVER_AUTO, VS_DRIVER_VIRTIOFS, VS_DRIVER_9P };
static const VsMode vsd_modes[] = { VS_MODE_DEFAULT, VS_MODE_PASSTHROUGH, VS_MODE_MAPPED,
                                    VS_MODE_SQUASH };

static void
vsd_share_dialog_free(gpointer data)
{
    VsdShareDialog *sd = data;

    if (sd->chooser)
        g_object_unref(sd->chooser);
    vsd_op_free(sd->prepared);
    g_object_unref(sd->win);
    g_free(sd->uri);
    g_free(sd->domain);
    g_free(sd);
}

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
    gtk_window_set_default_widget(GTK_WINDOW(sd->window), sd->apply);
    gtk_widget_grab_focus(sd->apply);
}

static void
vsd_share_prepared(VsdWindow *win, VsdOp *op, const GError *error, gpointer data)
{
    g_autoptr(GtkWidget) window = data;
    VsdShareDialog *sd = g_object_get_data(G_OBJECT(window), "vsd-share-dialog");

    if (!sd)
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
    vsd_window_run(sd->win, op, _("Planning…"), vsd_share_prepared, g_object_ref(sd->window));
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
    vsd_window_run(sd->win, op, what, NULL, NULL);
    gtk_window_destroy(GTK_WINDOW(sd->window));
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
    gtk_window_set_default_widget(GTK_WINDOW(sd->window), sd->review);
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
    g_autoptr(GtkWidget) window = data;
    VsdShareDialog *sd = g_object_get_data(G_OBJECT(window), "vsd-share-dialog");
    g_autoptr(GFile) file = gtk_file_dialog_select_folder_finish(GTK_FILE_DIALOG(source), res, NULL);
    g_autofree char *path = file ? g_file_get_path(file) : NULL;

    if (sd && path)
        gtk_editable_set_text(GTK_EDITABLE(sd->folder), path);
}

static void
vsd_share_choose(GtkWidget *button, VsdShareDialog *sd)
{
    g_autoptr(GtkFileDialog) fd = gtk_file_dialog_new();

    gtk_file_dialog_set_title(fd, _("Folder to Share"));
    gtk_file_dialog_select_folder(fd, GTK_WINDOW(sd->window), NULL, vsd_share_chosen,
                                  g_object_ref(sd->window));
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
        sd->chooser = (GtkNativeDialog *)gtk_file_chooser_native_new(_("Folder to Share"), GTK_WINDOW(sd->window),
                                                  GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                  _("_Select"), _("_Cancel"));
        g_signal_connect(sd->chooser, "response", G_CALLBACK(vsd_share_chosen), sd);
    }
    gtk_native_dialog_show(sd->chooser);
}
#endif

static GtkWidget *
vsd_named(GtkWidget *w, const char *name)
{
    gtk_widget_set_name(w, name);
    return w;
}

static GtkWidget *
vsd_button_row(GtkWidget *first, ...)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    va_list ap;

    gtk_widget_set_halign(box, GTK_ALIGN_END);
    va_start(ap, first);
    for (GtkWidget *w = first; w; w = va_arg(ap, GtkWidget *))
        gtk_box_append(GTK_BOX(box), w);
    va_end(ap);
    return box;
}

/* Each choice in one sentence: who owns the files, whether a restart is
 * needed.  In the order of vsd_drivers and vsd_modes. */
static const struct {
    const char *label;
    const char *explanation;
} vsd_driver_texts[] = {
    { N_("Automatic"), N_("virtiofs where the VM already has shared memory, else 9p; the next "
                          "page says which, and who will own the files.") },
    { "virtiofs", N_("Files keep the owners they have in the VM. A running VM with shared "
                     "memory gets it at once; otherwise shared memory is added, and a running "
                     "VM needs a restart.") },
    { "9p", N_("Works in every VM; who owns the files depends on the mode. A running VM "
               "needs a restart before it sees the folder.") },
}, vsd_mode_texts[] = {
    { N_("Default"), N_("The driver's own: virtiofs keeps the VM's owners; 9p gives every file to "
                                       "the user QEMU runs as.") },
    { N_("Keep owners"), N_("Files keep the owners they have in the VM. With 9p only "
                                     "when QEMU runs as root; otherwise the VM cannot create "
                                     "files.") },
    { N_("Owners in attributes"), N_("9p only: files belong to the user QEMU runs as; the "
                                        "VM's owners and permissions are kept in extended "
                                        "attributes.") },
    { N_("One owner"), N_("9p only: every file the VM writes belongs to the user "
                                        "QEMU runs as; changing owners in the VM fails.") },
};
G_STATIC_ASSERT(G_N_ELEMENTS(vsd_driver_texts) == G_N_ELEMENTS(vsd_drivers));
G_STATIC_ASSERT(G_N_ELEMENTS(vsd_mode_texts) == G_N_ELEMENTS(vsd_modes));

/* The explanation of the chosen item, as the row's subtitle. */
static void
vsd_combo_explain(AdwComboRow *row, GParamSpec *pspec, gpointer texts)
{
    const char *const *explanations = texts;

    adw_action_row_set_subtitle(ADW_ACTION_ROW(row),
                                _(explanations[adw_combo_row_get_selected(row)]));
}

static GtkWidget *
vsd_combo_row(const char *title, const char *name, const char *const *labels,
              const char **explanations, guint n)
{
    g_autoptr(GtkStringList) model = gtk_string_list_new(NULL);
    GtkWidget *row = vsd_named(adw_combo_row_new(), name);

    for (guint i = 0; i < n; i++)
        gtk_string_list_append(model, _(labels[i]));
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
    adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(row), TRUE);
    adw_combo_row_set_model(ADW_COMBO_ROW(row), G_LIST_MODEL(model));
    adw_action_row_set_subtitle_lines(ADW_ACTION_ROW(row), 0);
    /* The explanations live as long as the program (static texts). */
    g_signal_connect(row, "notify::selected", G_CALLBACK(vsd_combo_explain), explanations);
    vsd_combo_explain(ADW_COMBO_ROW(row), NULL, explanations);
    return row;
}

static GtkWidget *
vsd_switch_row(GtkWidget *group, const char *title, const char *subtitle, const char *name)
{
    GtkWidget *row = adw_action_row_new();
    GtkWidget *sw = vsd_named(gtk_switch_new(), name);

    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
    adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(row), TRUE);
    if (subtitle)
        adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
    gtk_widget_set_valign(sw, GTK_ALIGN_CENTER);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), sw);
    adw_action_row_set_activatable_widget(ADW_ACTION_ROW(row), sw);
    vsd_a11y_name(sw, title);
    adw_preferences_group_add(ADW_PREFERENCES_GROUP(group), row);
    return sw;
}

static GtkWidget *
vsd_share_form(VsdShareDialog *sd)
{
    static const char *driver_labels[G_N_ELEMENTS(vsd_driver_texts)];
    static const char *driver_explanations[G_N_ELEMENTS(vsd_driver_texts)];
    static const char *mode_labels[G_N_ELEMENTS(vsd_mode_texts)];
    static const char *mode_explanations[G_N_ELEMENTS(vsd_mode_texts)];
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    GtkWidget *group = adw_preferences_group_new();
    GtkWidget *choose = vsd_named(gtk_button_new_from_icon_name("folder-open-symbolic"),
                                  "choose-folder");
    GtkWidget *cancel = vsd_named(gtk_button_new_with_mnemonic(_("_Cancel")), "share-cancel");

    for (guint i = 0; i < G_N_ELEMENTS(vsd_driver_texts); i++) {
        driver_labels[i] = vsd_driver_texts[i].label;
        driver_explanations[i] = vsd_driver_texts[i].explanation;
    }
    for (guint i = 0; i < G_N_ELEMENTS(vsd_mode_texts); i++) {
        mode_labels[i] = vsd_mode_texts[i].label;
        mode_explanations[i] = vsd_mode_texts[i].explanation;
    }
    sd->folder = vsd_named(adw_entry_row_new(), "folder-entry");
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(sd->folder), _("_Folder"));
    adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(sd->folder), TRUE);
    adw_entry_row_set_activates_default(ADW_ENTRY_ROW(sd->folder), TRUE);
    gtk_widget_set_valign(choose, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class(choose, "flat");
    gtk_widget_set_tooltip_text(choose, _("Choose a folder"));
    gtk_accessible_update_property(GTK_ACCESSIBLE(choose), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   _("Choose a folder"), -1);
    g_signal_connect(choose, "clicked", G_CALLBACK(vsd_share_choose), sd);
    adw_entry_row_add_suffix(ADW_ENTRY_ROW(sd->folder), choose);
    sd->target = vsd_named(adw_entry_row_new(), "target-entry");
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(sd->target),
                                  _("Mount _point in the guest (empty: the same path)"));
    adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(sd->target), TRUE);
    adw_entry_row_set_activates_default(ADW_ENTRY_ROW(sd->target), TRUE);
    sd->driver = vsd_combo_row(_("_Driver"), "driver", driver_labels, driver_explanations,
                               G_N_ELEMENTS(driver_labels));
    sd->mode = vsd_combo_row(_("_Mode"), "mode", mode_labels, mode_explanations,
                             G_N_ELEMENTS(mode_labels));
    adw_preferences_group_add(ADW_PREFERENCES_GROUP(group), sd->folder);
    adw_preferences_group_add(ADW_PREFERENCES_GROUP(group), sd->target);
    adw_preferences_group_add(ADW_PREFERENCES_GROUP(group), sd->driver);
    adw_preferences_group_add(ADW_PREFERENCES_GROUP(group), sd->mode);
    sd->readonly = vsd_switch_row(group, _("_Read-only"), _("The VM can read the files but not "
                                                            "change them."), "readonly");
    sd->persist = vsd_switch_row(group, _("Mount at every _boot"),
                                 _("Written to the guest's /etc/fstab, so that the guest mounts it "
                                   "itself"), "persist");
    sd->error = vsd_named(gtk_label_new(NULL), "form-error");
    gtk_widget_add_css_class(sd->error, "error");
    gtk_label_set_wrap(GTK_LABEL(sd->error), TRUE);
    gtk_label_set_xalign(GTK_LABEL(sd->error), 0);
    gtk_label_set_selectable(GTK_LABEL(sd->error), TRUE);
    gtk_widget_set_visible(sd->error, FALSE);
    sd->spinner = gtk_spinner_new();
    sd->review = vsd_named(gtk_button_new_with_mnemonic(_("_Review…")), "review");
    gtk_widget_add_css_class(sd->review, "suggested-action");
    g_signal_connect(sd->review, "clicked", G_CALLBACK(vsd_share_review), sd);
    g_signal_connect_swapped(cancel, "clicked", G_CALLBACK(gtk_window_destroy), sd->window);

    gtk_box_append(GTK_BOX(box), group);
    gtk_box_append(GTK_BOX(box), sd->error);
    gtk_box_append(GTK_BOX(box), vsd_button_row(sd->spinner, cancel, sd->review, NULL));
    return box;
}

static GtkWidget *
vsd_wrapped(GtkWidget *label, const char *name)
{
    gtk_widget_set_name(label, name);
    gtk_label_set_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    return label;
}

static GtkWidget *
vsd_share_plan_page(VsdShareDialog *sd)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    GtkWidget *back = vsd_named(gtk_button_new_with_mnemonic(_("_Back")), "plan-back");
    GtkWidget *offer_text = gtk_label_new(_("To keep the owners the VM gives its files, share it "
                                            "with virtiofs instead: shared memory is added to the "
                                            "VM's settings and takes effect when it starts."));
    GtkWidget *use_virtiofs = vsd_named(gtk_button_new_with_mnemonic(_("Use _virtiofs")),
                                        "use-virtiofs");
    GtkWidget *buttons;

    sd->plan_heading = vsd_wrapped(gtk_label_new(NULL), "plan-heading");
    gtk_widget_add_css_class(sd->plan_heading, "title-4");
    sd->plan_text = vsd_wrapped(gtk_label_new(NULL), "plan-text");
    sd->plan_owners = vsd_wrapped(gtk_label_new(NULL), "plan-owners");
    gtk_widget_add_css_class(sd->plan_owners, "heading");
    sd->offer = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    gtk_widget_set_name(sd->offer, "virtiofs-offer");
    vsd_wrapped(offer_text, "virtiofs-offer-text");
    gtk_widget_set_hexpand(offer_text, TRUE);
    gtk_widget_set_valign(use_virtiofs, GTK_ALIGN_CENTER);
    g_signal_connect(use_virtiofs, "clicked", G_CALLBACK(vsd_share_use_virtiofs), sd);
    gtk_box_append(GTK_BOX(sd->offer), offer_text);
    gtk_box_append(GTK_BOX(sd->offer), use_virtiofs);
    sd->apply = vsd_named(gtk_button_new_with_mnemonic(_("_Share")), "apply");
    gtk_widget_add_css_class(sd->apply, "suggested-action");
    sd->restart_now = vsd_named(gtk_button_new_with_mnemonic(_("Share and _Restart Now")),
                                "restart-now");
    /* It shuts the guest down: marked so, never the default. */
    gtk_widget_add_css_class(sd->restart_now, "destructive-action");
    g_signal_connect(back, "clicked", G_CALLBACK(vsd_share_back), sd);
    g_signal_connect(sd->apply, "clicked", G_CALLBACK(vsd_share_on_apply), sd);
    g_signal_connect(sd->restart_now, "clicked", G_CALLBACK(vsd_share_on_restart), sd);
    gtk_box_append(GTK_BOX(box), sd->plan_heading);
    gtk_box_append(GTK_BOX(box), sd->plan_text);
    gtk_box_append(GTK_BOX(box), sd->plan_owners);
    gtk_box_append(GTK_BOX(box), sd->offer);
    buttons = vsd_button_row(back, sd->restart_now, sd->apply, NULL);
    /* At the bottom, where the form has its own. */
    gtk_widget_set_vexpand(buttons, TRUE);
    gtk_widget_set_valign(buttons, GTK_ALIGN_END);
    gtk_box_append(GTK_BOX(box), buttons);
    return box;
}

void
vsd_share_dialog_open(VsdWindow *win, const char *uri, const char *domain)
{
    VsdShareDialog *sd = g_new0(VsdShareDialog, 1);
    g_autofree char *title = g_strdup_printf(_("Share a Folder with %s"), domain);
    GtkWidget *content = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);

    sd->win = g_object_ref(win);
    sd->uri = g_strdup(uri);
    sd->domain = g_strdup(domain);
    sd->window = vsd_named(adw_window_new(), "share-dialog");
    gtk_window_set_title(GTK_WINDOW(sd->window), title);
    gtk_window_set_transient_for(GTK_WINDOW(sd->window), GTK_WINDOW(win));
    gtk_window_set_modal(GTK_WINDOW(sd->window), TRUE);
    gtk_window_set_default_size(GTK_WINDOW(sd->window), 640, 580);
    g_object_set_data_full(G_OBJECT(sd->window), "vsd-share-dialog", sd, vsd_share_dialog_free);
    sd->stack = gtk_stack_new();
    g_object_set(sd->stack, "margin-top", 18, "margin-bottom", 18, "margin-start", 18,
                 "margin-end", 18, NULL);
    gtk_stack_add_named(GTK_STACK(sd->stack), vsd_share_form(sd), "form");
    gtk_stack_add_named(GTK_STACK(sd->stack), vsd_share_plan_page(sd), "plan");
    gtk_box_append(GTK_BOX(content), adw_header_bar_new());
    gtk_box_append(GTK_BOX(content), sd->stack);
    adw_window_set_content(ADW_WINDOW(sd->window), content);
    gtk_window_set_default_widget(GTK_WINDOW(sd->window), sd->review);
    vsd_close_on_escape(GTK_WINDOW(sd->window));
    vsd_a11y_name_buttons(sd->window);
    gtk_window_present(GTK_WINDOW(sd->window));
}
