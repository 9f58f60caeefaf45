/* vs-path.h: host directory checks. */
#pragma once

#include <glib.h>

/* Resolve @path (absolute; symlinks resolved) and check that it exists and is
 * a directory.  Returns the canonical path. */
char *vs_host_dir_resolve(const char *path, GError **error);

/* Check a guest mount point: absolute, no "." or ".." components, not "/". */
gboolean vs_guest_path_validate(const char *path, GError **error);
