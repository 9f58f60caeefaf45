/* vsd-rows.h: the widgets of one connection's VMs and their shares. */
#pragma once

#include <gtk/gtk.h>

#include "vsd-model.h"
#include "vsd-window.h"

/* Replace the children of @box with one block per domain of @snap (NULL: none). */
void vsd_rows_fill(GtkWidget *box, VsdWindow *win, const char *uri, const VsdSnapshot *snap);
