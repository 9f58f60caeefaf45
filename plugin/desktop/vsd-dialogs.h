/* vsd-dialogs.h: "Share a folder…" and the doctor's findings. */
#pragma once

#include "vsd-window.h"

void vsd_share_dialog_open(VsdWindow *win, const char *uri, const char *domain);
void vsd_doctor_dialog_open(VsdWindow *win, const char *uri, const char *domain);
