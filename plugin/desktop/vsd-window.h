/* vsd-window.h: the main window: every VM of every connection and its shares. */
#pragma once

#include <adwaita.h>

#include "vsd-model.h"

#define VSD_TYPE_WINDOW (vsd_window_get_type())
G_DECLARE_FINAL_TYPE(VsdWindow, vsd_window, VSD, WINDOW, AdwApplicationWindow)

VsdWindow *vsd_window_new(GtkApplication *app, const char *const *uris);

/* Called in the main context when an operation ends (@error set if it failed). */
typedef void (*VsdOpDone)(VsdWindow *win, VsdOp *op, const GError *error, gpointer user_data);

/* Run @op (taken over) in a worker thread; the progress row shows @what
 * meanwhile.  With @done NULL the result is shown as a toast and a failure
 * in an error dialog.  The connection is read again after any change. */
void vsd_window_run(VsdWindow *win, VsdOp *op, const char *what, VsdOpDone done,
                    gpointer user_data);

/* No operation running and every connection read (else the window is
 * "busy" for assistive technologies: the GUI test waits for that). */
gboolean vsd_window_is_idle(VsdWindow *win);

/* Read every connection again. */
void vsd_window_refresh(VsdWindow *win);

/* An error, as an error (never as markup: the text may come from the guest). */
void vsd_error_dialog(GtkWindow *parent, const char *primary, const char *secondary);

/* Escape closes @window, as it closes every dialog. */
void vsd_close_on_escape(GtkWindow *window);
