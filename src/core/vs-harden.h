/* vs-harden.h: keep what a guest's root writes into a share from becoming a
 * setuid program or a device file for host users.
 *
 * When the guest's writes land on the host as a privileged identity
 * (virtiofsd runs as root under qemu:///system; 9p squash writes as QEMU's
 * user, 9p passthrough as root when QEMU runs as root), the guest's root can
 * leave a setuid-root (or setuid QEMU-user) program in the folder that any
 * host user may run.  The protection: a bind mount of the folder onto itself
 * with nosuid,nodev, kept in the host's /etc/fstab so that it comes back at
 * boot (and the libvirt hook restores it before the domain starts).
 *
 * No libvirt call here: the hook uses it. */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "vs-enum.h"
#include "vs-share.h"

/* Where the daemon that runs the domain is, as far as who writes is concerned. */
typedef enum {
    VS_HARDEN_URI_SYSTEM,   /* a local system daemon (qemu:///system, also ?socket=) */
    VS_HARDEN_URI_SESSION,  /* a session daemon: writes land as the user themself */
    VS_HARDEN_URI_OTHER,    /* remote (its files are not here), test, other drivers */
    VS_HARDEN_URI_LAST
} VsHardenUri;

/* The answer to "does this share need the protection?", with its reason. */
typedef enum {
    VS_HARDEN_VIRTIOFS_ROOT,    /* needed: virtiofsd runs as root */
    VS_HARDEN_9P_ROOT,          /* needed: 9p passthrough, QEMU runs as root */
    VS_HARDEN_9P_SQUASH,        /* needed: 9p squash, files are QEMU's user's */
    VS_HARDEN_READONLY,         /* not needed: the guest cannot write */
    VS_HARDEN_MAPPED,           /* not needed: modes in xattrs, host files 0600 */
    VS_HARDEN_SESSION,          /* not needed: writes land as the user themself */
    VS_HARDEN_9P_UNPRIVILEGED,  /* not needed: passthrough as an unprivileged QEMU
                                 * cannot create files (EPERM) */
    VS_HARDEN_NOT_HERE,         /* not judged: not a local system daemon */
    VS_HARDEN_LAST
} VsHardenNeed;

/* "virtiofs-root", "9p-root", "9p-squash", "readonly", "mapped", "session",
 * "9p-unprivileged", "not-here". */
VS_ENUM_DECL(vs_harden_need);

/* The kind of daemon a URI's parts name (@driver, @path "/system"...). */
VsHardenUri vs_harden_uri_kind(gboolean remote, const char *driver, const char *path);

/* The decision table: @driver and @mode resolved (not auto/default),
 * @qemu_uid the uid QEMU runs as (for 9p passthrough). */
VsHardenNeed vs_harden_need(VsDriver driver, VsMode mode, gboolean readonly, VsHardenUri uri,
                            uid_t qemu_uid);

/* Does @need call for the nosuid,nodev mount? */
gboolean vs_harden_needed(VsHardenNeed need);

/* One translated sentence: why the share needs the protection, or why not. */
const char *vs_harden_need_describe(VsHardenNeed need);

/* Is @folder's mount nosuid and nodev (statvfs)?  FALSE with @error when it
 * cannot be told. */
gboolean vs_harden_is_protected(const char *folder, gboolean *protected_out, GError **error);

/* The host's fstab: $VIRT_SHARE_FSTAB, else /etc/fstab. */
const char *vs_harden_fstab_path(void);

/* The two lines virt-share writes for @folder (a comment, then the entry),
 * each with its newline. */
char *vs_harden_fstab_lines(const char *folder);
/* Does @text hold the entry line for @folder? */
gboolean vs_harden_fstab_has(const char *text, const char *folder);
/* @text with the lines for @folder appended (none twice); for a @text
 * without them, vs_harden_fstab_without() of the result is @text again, byte
 * for byte, also when @text has no final newline. */
char *vs_harden_fstab_with(const char *text, const char *folder);
/* @text without the lines virt-share wrote for @folder, and only those;
 * *@removed tells whether there were any. */
char *vs_harden_fstab_without(const char *text, const char *folder, gboolean *removed);

/* Add the lines to, or take them out of, the fstab at @fstab (NULL:
 * vs_harden_fstab_path()), written atomically (a temporary file beside it,
 * renamed over it, keeping its mode and owner).  *@changed (may be NULL)
 * tells whether the file changed. */
gboolean vs_harden_fstab_add(const char *fstab, const char *folder, gboolean *changed,
                             GError **error);
gboolean vs_harden_fstab_remove(const char *fstab, const char *folder, gboolean *changed,
                                GError **error);
/* Does the fstab at @fstab (NULL: the default) hold the entry for @folder?
 * A missing file holds none. */
gboolean vs_harden_fstab_file_has(const char *fstab, const char *folder, gboolean *has,
                                  GError **error);

/* Bind-mount @folder onto itself, submounts included, then make that mount
 * and its submounts nosuid,nodev, keeping the other flags they had (read-only,
 * noexec, atime...); checked with statvfs afterwards.  On failure nothing is
 * left mounted. */
gboolean vs_harden_mount(const char *folder, GError **error);
/* Undo vs_harden_mount: detach the bind mount at @folder (lazily: a process
 * with a file open there keeps its view until it closes it, and the folder
 * itself is untouched underneath). */
gboolean vs_harden_umount(const char *folder, GError **error);

/* What vs_harden_protect did, for its undo. */
typedef struct {
    gboolean mounted;
    gboolean fstab_added;
} VsHardenDone;

/* Protect @folder: vs_harden_mount, then the fstab lines.  A failure undoes
 * what was done and the error carries the commands that do it by hand. */
gboolean vs_harden_protect(const char *folder, const char *fstab, VsHardenDone *done,
                           GError **error);
/* Undo what @done says vs_harden_protect did; every step is tried. */
gboolean vs_harden_undo(const char *folder, const char *fstab, VsHardenDone *done,
                        GError **error);

/* Remove virt-share's protection of @folder: only when the fstab holds
 * virt-share's lines for it (an admin's own nosuid mount is not ours): the
 * lines go, then the bind mount.  *@undone tells whether there was any. */
gboolean vs_harden_unprotect(const char *folder, const char *fstab, gboolean *undone,
                             GError **error);

/* @word as one shell word: as it is when nothing in it needs quoting. */
char *vs_harden_quote(const char *word);

/* The commands an admin runs to protect @folder by hand (untranslated shell,
 * one paragraph: the mounts and the fstab lines). */
char *vs_harden_fix_commands(const char *folder);
