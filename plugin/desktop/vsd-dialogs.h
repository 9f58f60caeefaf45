/* vsd-dialogs.h: "Share a folder…" and the doctor's findings, opened by the
 * main window over @parent; they run their operations through @runner. */
#pragma once

#include <gtk/gtk.h>

#include "vsd-runner.h"

void vsd_share_dialog_open(GtkWindow *parent, VsdRunner *runner, const char *uri,
                           const char *domain);
void vsd_doctor_dialog_open(GtkWindow *parent, VsdRunner *runner, const char *uri,
                            const char *domain);
