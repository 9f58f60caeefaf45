/* vs-path.h: host directory checks. */
#pragma once

#include <glib.h>

/* Resolve @path (relative to the current directory, the one place every
 * front end's relative folders are resolved; symlinks resolved) and check
 * that it exists and is a directory, and that both @path and the result pass
 * vs_text_validate.  Returns the canonical path. */
char *vs_path_host_dir_resolve(const char *path, GError **error);

/* Check a guest mount point: absolute, no "." or ".." components, not "/",
 * valid UTF-8 without control or format characters. */
gboolean vs_path_guest_validate(const char *path, GError **error);

/* Check a mount point that was not asked for (add without --target takes
 * the host path): refuse the guest's own system directories, whose contents
 * the mount would hide (VS_ERROR_POLICY, suggesting --target).  Refused:
 * the directories /home, /media, /mnt, /root, /srv, /tmp, /var/tmp (below
 * them is fine), and the trees /bin, /boot, /dev, /etc, /lib*, /opt, /proc,
 * /run, /sbin, /sys, /usr, /var with all below them, except below the data
 * places /var/tmp, /var/home, /var/mnt, /var/srv and /run/media. */
gboolean vs_path_guest_default_target_check(const char *path, GError **error);

/* One line of the host's /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT
 * MOUNT-POINT ...", with the octal escapes of ROOT and MOUNT-POINT undone. */
typedef struct {
    char *id;
    char *parent;
    char *dev;      /* MAJ:MIN */
    char *root;     /* the mounted tree, inside its file system */
    char *point;
} VsPathMount;

void vs_path_mount_free(VsPathMount *mount);

/* This process's mounts, in /proc/self/mountinfo's order (of two at one
 * point, the later is on top); empty when the file cannot be read. */
GPtrArray *vs_path_mounts(void);
