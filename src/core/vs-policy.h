/* vs-policy.h: the host path policy's checks (its settings: vs-config.h). */
#pragma once

#include <glib.h>

#include "vs-config.h"

/* May @resolved (absolute, symlinks resolved) be shared?  VS_ERROR_POLICY if not. */
gboolean vs_policy_check(const VsConfig *cfg, const char *resolved, GError **error);

/* Open @resolved without following a symlink in its last component and check
 * that the kernel's path of what was opened is still @resolved and allowed:
 * a symlink swapped in after the first check is caught here.  A folder inside
 * a bind mount of part of the root file system is also checked at the place
 * it really is (so a bind mount of /etc cannot smuggle /etc in). */
gboolean vs_policy_check_handle(const VsConfig *cfg, const char *resolved, GError **error);

/* The same for an open handle @fd (O_PATH is enough) that was opened as
 * @resolved: the kernel's path of @fd must still be @resolved. */
gboolean vs_policy_check_fd(const VsConfig *cfg, int fd, const char *resolved, GError **error);
