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
    vsd_a11y_name_buttons(d);
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

void
vsd_a11y_name(GtkWidget *w, const char *label)
{
    GString *words = g_string_new(NULL);

    /* "__" is an underscore, a single one marks the mnemonic. */
    for (const char *p = label; *p; p++) {
        if (*p == '_' && p[1] == '_')
            p++;
        else if (*p == '_')
            continue;
        g_string_append_c(words, *p);
    }
    gtk_accessible_reset_relation(GTK_ACCESSIBLE(w), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
    gtk_accessible_update_property(GTK_ACCESSIBLE(w), GTK_ACCESSIBLE_PROPERTY_LABEL, words->str, -1);
    g_string_free(words, TRUE);
}

void
vsd_a11y_name_buttons(GtkWidget *root)
{
    if (GTK_IS_BUTTON(root) && gtk_button_get_use_underline(GTK_BUTTON(root)) &&
        gtk_button_get_label(GTK_BUTTON(root)))
        vsd_a11y_name(root, gtk_button_get_label(GTK_BUTTON(root)));
    for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c))
        vsd_a11y_name_buttons(c);
}
