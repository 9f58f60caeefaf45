/* vsd-widgets.h: what every window of the program does alike. */
#pragma once

#include <adwaita.h>

/* An error, as an error (never as markup: the text may come from the guest). */
void vsd_error_dialog(GtkWindow *parent, const char *primary, const char *secondary);

/* Escape closes @window, as it closes every dialog. */
void vsd_close_on_escape(GtkWindow *window);
