/* vs-user-unit.h: the desktop session's watcher, the systemd user unit
 * virt-share-watch.service, asked about and turned on through the user's
 * own systemd manager (D-Bus), never through a shell.  On qemu:///session
 * no system watcher runs: a share recorded there is mounted again after a
 * guest reboot only while this unit runs. */
#pragma once

#include <glib.h>

#define VS_USER_UNIT "virt-share-watch.service"

typedef enum {
    VS_USER_UNIT_UNKNOWN,   /* no user manager answered, or the unit is not installed,
                             * or the user masked it: nothing to offer */
    VS_USER_UNIT_OFF,       /* installed and not enabled */
    VS_USER_UNIT_ON,        /* enabled */
} VsUserUnitState;

/* The unit's state for the user running this process; UNKNOWN sets @error
 * (why it could not be told). */
VsUserUnitState vs_user_unit_state(GError **error);

/* Enable the unit and start it (systemctl --user enable --now). */
gboolean vs_user_unit_enable(GError **error);

/* Should a front end connected to @uri (the URI libvirt connected to) offer
 * to turn the unit on?  Only for a local per-user connection whose unit is
 * installed and off. */
gboolean vs_user_unit_offer(const char *uri);

/* The command that turns it on, for a message. */
#define VS_USER_UNIT_COMMAND "systemctl --user enable --now virt-share-watch"
