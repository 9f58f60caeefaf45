/* vsd-window.h: the main window: every VM of every connection and its shares. */
#pragma once

#include <adwaita.h>

#include "vsd-model.h"

#define VSD_TYPE_WINDOW (vsd_window_get_type())
G_DECLARE_FINAL_TYPE(VsdWindow, vsd_window, VSD, WINDOW, AdwApplicationWindow)

VsdWindow *vsd_window_new(GtkApplication *app, const char *const *uris);

/* No operation running and every connection read (else the window is
 * "busy" for assistive technologies: the GUI test waits for that). */
gboolean vsd_window_is_idle(VsdWindow *win);

/* Read every connection again. */
void vsd_window_refresh(VsdWindow *win);
