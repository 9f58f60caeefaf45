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
