/* vsd-widgets.h: what every window of the program does alike. */
#pragma once

#include <adwaita.h>

/* An error, as an error (never as markup: the text may come from the guest). */
void vsd_error_dialog(GtkWindow *parent, const char *primary, const char *secondary);

/* Escape closes @window, as it closes every dialog. */
void vsd_close_on_escape(GtkWindow *window);

/* The accessible name of @w: the words of @label, without its mnemonic's
 * underline.  GTK 4.8 names a control labelled "_Share" "_Share Share" (its
 * label property and its label's text), and a screen reader reads that out. */
void vsd_a11y_name(GtkWidget *w, const char *label);

/* vsd_a11y_name for every button with a mnemonic under @root (itself
 * included): the buttons a dialog makes itself, too. */
void vsd_a11y_name_buttons(GtkWidget *root);
