/* vsd-share-dialog.c: "Share a folder…": choose, see the plan, then apply. */
#include <config.h>

#include "vs-i18n.h"
#include "vsd-dialogs.h"

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
    op->driver = vsd_drivers[gtk_drop_down_get_selected(GTK_DROP_DOWN(sd->driver))];
    op->mode = vsd_modes[gtk_drop_down_get_selected(GTK_DROP_DOWN(sd->mode))];
    op->readonly = gtk_check_button_get_active(GTK_CHECK_BUTTON(sd->readonly));
    op->persist = gtk_check_button_get_active(GTK_CHECK_BUTTON(sd->persist));
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
    return g_strdup_printf(_("%s, added to the definition of the shut-off VM: mount it "
                             "once the VM runs"), drv);
}

static void
vsd_share_show_plan(VsdShareDialog *sd)
{
    VsdOp *op = sd->prepared;
    g_autofree char *heading = vsd_plan_heading(op);
    g_autofree char *text = g_strdup_printf(_("%s.\nFolder: %s\nMount point in the guest: %s"),
                                            op->description, op->source,
                                            *op->target ? op->target : op->source);

    gtk_label_set_text(GTK_LABEL(sd->plan_heading), heading);
    gtk_label_set_text(GTK_LABEL(sd->plan_text), text);
    gtk_widget_set_visible(sd->restart_now, op->plan.restart_needed);
    gtk_button_set_label(GTK_BUTTON(sd->apply), op->plan.restart_needed ?
                         _("Share, Restart _Later") : _("_Share"));
    gtk_stack_set_visible_child_name(GTK_STACK(sd->stack), "plan");
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

static void
vsd_grid_row(GtkWidget *grid, int row, const char *label, GtkWidget *widget)
{
    GtkWidget *l = gtk_label_new_with_mnemonic(label);

    gtk_label_set_xalign(GTK_LABEL(l), 1);
    gtk_label_set_mnemonic_widget(GTK_LABEL(l), widget);
    gtk_widget_set_hexpand(widget, TRUE);
    gtk_grid_attach(GTK_GRID(grid), l, 0, row, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), widget, 1, row, 1, 1);
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

static GtkWidget *
vsd_share_form(VsdShareDialog *sd)
{
    static const char *drivers[] = { N_("Automatic"), "virtiofs", "9p", NULL };
    static const char *modes[] = { N_("Default for the driver"), "passthrough", "mapped",
                                   "squash", NULL };
    const char *tr_drivers[G_N_ELEMENTS(drivers)], *tr_modes[G_N_ELEMENTS(modes)];
    GtkWidget *grid = gtk_grid_new();
    GtkWidget *folder_box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *choose = vsd_named(gtk_button_new_with_mnemonic(_("C_hoose…")), "choose-folder");
    GtkWidget *cancel = gtk_button_new_with_mnemonic(_("_Cancel"));

    for (guint i = 0; i < G_N_ELEMENTS(drivers); i++)
        tr_drivers[i] = drivers[i] && i == 0 ? _(drivers[i]) : drivers[i];
    for (guint i = 0; i < G_N_ELEMENTS(modes); i++)
        tr_modes[i] = modes[i] && i == 0 ? _(modes[i]) : modes[i];
    gtk_grid_set_row_spacing(GTK_GRID(grid), 8);
    gtk_grid_set_column_spacing(GTK_GRID(grid), 12);
    sd->folder = vsd_named(gtk_entry_new(), "folder-entry");
    gtk_widget_set_hexpand(sd->folder, TRUE);
    gtk_box_append(GTK_BOX(folder_box), sd->folder);
    gtk_box_append(GTK_BOX(folder_box), choose);
    g_signal_connect(choose, "clicked", G_CALLBACK(vsd_share_choose), sd);
    sd->target = vsd_named(gtk_entry_new(), "target-entry");
    gtk_entry_set_placeholder_text(GTK_ENTRY(sd->target), _("The same path as on the host"));
    sd->driver = vsd_named(gtk_drop_down_new_from_strings(tr_drivers), "driver");
    sd->mode = vsd_named(gtk_drop_down_new_from_strings(tr_modes), "mode");
    sd->readonly = vsd_named(gtk_check_button_new_with_mnemonic(_("_Read-only")), "readonly");
    sd->persist = vsd_named(gtk_check_button_new_with_mnemonic(
                                _("Mount at every _boot (guest's /etc/fstab)")), "persist");
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

    vsd_grid_row(grid, 0, _("_Folder:"), folder_box);
    vsd_grid_row(grid, 1, _("Mount _point in the guest:"), sd->target);
    vsd_grid_row(grid, 2, _("_Driver:"), sd->driver);
    vsd_grid_row(grid, 3, _("_Mode:"), sd->mode);
    gtk_grid_attach(GTK_GRID(grid), sd->readonly, 1, 4, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), sd->persist, 1, 5, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), sd->error, 0, 6, 2, 1);
    gtk_grid_attach(GTK_GRID(grid), vsd_button_row(sd->spinner, cancel, sd->review, NULL),
                    0, 7, 2, 1);
    return grid;
}

static GtkWidget *
vsd_share_plan_page(VsdShareDialog *sd)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    GtkWidget *back = gtk_button_new_with_mnemonic(_("_Back"));

    sd->plan_heading = vsd_named(gtk_label_new(NULL), "plan-heading");
    gtk_widget_add_css_class(sd->plan_heading, "title-4");
    gtk_widget_add_css_class(sd->plan_heading, "heading");
    sd->plan_text = vsd_named(gtk_label_new(NULL), "plan-text");
    for (GtkWidget **l = (GtkWidget *[]){ sd->plan_heading, sd->plan_text, NULL }; *l; l++) {
        gtk_label_set_wrap(GTK_LABEL(*l), TRUE);
        gtk_label_set_xalign(GTK_LABEL(*l), 0);
    }
    gtk_widget_set_vexpand(sd->plan_text, TRUE);
    gtk_widget_set_valign(sd->plan_text, GTK_ALIGN_START);
    sd->apply = vsd_named(gtk_button_new_with_mnemonic(_("_Share")), "apply");
    sd->restart_now = vsd_named(gtk_button_new_with_mnemonic(_("Share and _Restart Now")),
                                "restart-now");
    gtk_widget_add_css_class(sd->restart_now, "suggested-action");
    g_signal_connect(back, "clicked", G_CALLBACK(vsd_share_back), sd);
    g_signal_connect(sd->apply, "clicked", G_CALLBACK(vsd_share_on_apply), sd);
    g_signal_connect(sd->restart_now, "clicked", G_CALLBACK(vsd_share_on_restart), sd);
    gtk_box_append(GTK_BOX(box), sd->plan_heading);
    gtk_box_append(GTK_BOX(box), sd->plan_text);
    gtk_box_append(GTK_BOX(box), vsd_button_row(back, sd->apply, sd->restart_now, NULL));
    return box;
}

void
vsd_share_dialog_open(VsdWindow *win, const char *uri, const char *domain)
{
    VsdShareDialog *sd = g_new0(VsdShareDialog, 1);
    g_autofree char *title = g_strdup_printf(_("Share a Folder with %s"), domain);

    sd->win = g_object_ref(win);
    sd->uri = g_strdup(uri);
    sd->domain = g_strdup(domain);
    sd->window = vsd_named(gtk_window_new(), "share-dialog");
    gtk_window_set_title(GTK_WINDOW(sd->window), title);
    gtk_window_set_titlebar(GTK_WINDOW(sd->window), gtk_header_bar_new());
    gtk_window_set_transient_for(GTK_WINDOW(sd->window), GTK_WINDOW(win));
    gtk_window_set_modal(GTK_WINDOW(sd->window), TRUE);
    gtk_window_set_default_size(GTK_WINDOW(sd->window), 560, -1);
    g_object_set_data_full(G_OBJECT(sd->window), "vsd-share-dialog", sd, vsd_share_dialog_free);
    sd->stack = gtk_stack_new();
    g_object_set(sd->stack, "margin-top", 18, "margin-bottom", 18, "margin-start", 18,
                 "margin-end", 18, NULL);
    gtk_stack_add_named(GTK_STACK(sd->stack), vsd_share_form(sd), "form");
    gtk_stack_add_named(GTK_STACK(sd->stack), vsd_share_plan_page(sd), "plan");
    gtk_window_set_child(GTK_WINDOW(sd->window), sd->stack);
    gtk_window_present(GTK_WINDOW(sd->window));
}
