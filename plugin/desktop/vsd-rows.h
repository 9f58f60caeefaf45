/* vsd-rows.h: the widgets of one connection's VMs and their shares. */
#pragma once

#include <gtk/gtk.h>

#include "vsd-model.h"

/* Replace the children of @box with one group per domain of @snap (NULL:
 * none).  The buttons activate the window's actions (win.share, win.check,
 * win.restart with the target (uri, domain, ""); win.mount, win.umount,
 * win.remove with (uri, domain, tag)). */
void vsd_rows_fill(GtkWidget *box, const char *uri, const VsdSnapshot *snap);

/* Plain words for a share's driver and mode ("9p, one owner for all files"). */
char *vsd_share_kind(VsDriver driver, VsMode mode, gboolean readonly);

/* What to install in a VM whose guest agent does not answer (translated). */
/* What to install where the guest agent does not answer; @install: the
 * command for the VM's distribution, or NULL.  Free it. */
char *vsd_agent_hint(const char *install);

/* The accessible name of @w: the words of @label, without its mnemonic's
 * underline.  GTK 4.8 names a control labelled "_Share" "_Share Share" (its
 * label property and its label's text), and a screen reader reads that out. */
void vsd_a11y_name(GtkWidget *w, const char *label);

/* vsd_a11y_name for every button with a mnemonic under @root (itself
 * included): the buttons a dialog makes itself, too. */
void vsd_a11y_name_buttons(GtkWidget *root);
