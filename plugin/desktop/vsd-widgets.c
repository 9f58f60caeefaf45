/* vsd-widgets.c: what every window of the program does alike. */
#include <config.h>

#include "vs-i18n.h"
#include "vsd-widgets.h"

void
vsd_error_dialog(GtkWindow *parent, const char *primary, const char *secondary)
{
    GtkWidget *d = adw_message_dialog_new(parent, primary, NULL);

    /* Plain text (the default): the detail may come from the guest. */
    adw_message_dialog_set_body(ADW_MESSAGE_DIALOG(d), secondary);
    adw_message_dialog_add_response(ADW_MESSAGE_DIALOG(d), "close", _("_Close"));
    gtk_widget_set_name(d, "error-dialog");
    g_object_set_data_full(G_OBJECT(d), "vsd-error-text",
                           g_strdup_printf("%s: %s", primary, secondary), g_free);
    gtk_window_present(GTK_WINDOW(d));
}

void
vsd_close_on_escape(GtkWindow *window)
{
    GtkEventController *keys = gtk_shortcut_controller_new();

    gtk_shortcut_controller_add_shortcut(GTK_SHORTCUT_CONTROLLER(keys),
        gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_Escape, 0),
                         gtk_named_action_new("window.close")));
    gtk_widget_add_controller(GTK_WIDGET(window), keys);
}
