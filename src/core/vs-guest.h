/* vs-guest.h: the guest side of a share: file system support, mount, umount. */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>
#include <libxml/tree.h>

#include "vs-agent.h"
#include "vs-enum.h"
#include "vs-share.h"

typedef struct {
    char *source;       /* for 9p and virtiofs: the mount tag */
    char *target;       /* mount point */
    char *fstype;
    char *options;
} VsGuestMount;

void vs_guest_mount_free(VsGuestMount *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsGuestMount, vs_guest_mount_free)

/* Parse /proc/mounts text (octal escapes such as \040 decoded). */
GPtrArray *vs_guest_parse_mounts(const char *text);

/* The 9p/virtiofs mount of @tag in @mounts, or NULL. */
VsGuestMount *vs_guest_find_mount(GPtrArray *mounts, const char *tag);

/* The file system type the guest mounts a share with: "9p" or "virtiofs". */
const char *vs_guest_fstype(VsDriver driver);

/* The mount(8) argv for @share (NULL terminated, for g_strfreev). */
char **vs_guest_mount_argv(const VsShare *share);

/* Is @fstype listed in the guest's /proc/filesystems text? */
gboolean vs_guest_filesystems_has(const char *text, const char *fstype);

/* The guest's current mounts (via guest-file-read of /proc/self/mounts). */
GPtrArray *vs_guest_mounts(virDomain *dom, GError **error);

/* The first agent command that mounting needs (guest-exec for mkdir and
 * mount, guest-file-* for /proc) in @disabled (vs_agent_disabled_commands),
 * or NULL when none is. */
const char *vs_guest_blocked_command(GHashTable *disabled);

/* Does the guest kernel know @driver's file system now (/proc/filesystems)?
 * Reads only: no module is loaded. */
gboolean vs_guest_has_fs(virDomain *dom, VsDriver driver, gboolean *has, GError **error);

/* Make sure the guest kernel knows the share's file system: check
 * /proc/filesystems, else modprobe the module and check again. */
gboolean vs_guest_ensure_fs(virDomain *dom, VsDriver driver, guint timeout_ms, GError **error);

/* mkdir -p the mount point and mount the share.  Already mounted there is
 * success, and sets *@already (may be NULL).  A failing mount is retried with
 * back-off for VS_DEVICE_SETTLE_MS (the device may not be probed yet). */
gboolean vs_guest_mount(virDomain *dom, const VsShare *share, guint timeout_ms, gboolean *already,
                        GError **error);

/* Unmount every mount of @tag; not mounted is success.  *@was_mounted tells. */
gboolean vs_guest_umount(virDomain *dom, const char *tag, gboolean *was_mounted,
                         guint timeout_ms, GError **error);

/* fstab (--persist).  The line: "TAG MOUNTPOINT TYPE OPTIONS,nofail 0 0", so
 * that a missing share never blocks the guest's boot. */
char *vs_guest_fstab_line(const VsShare *share);
/* @text without the 9p/virtiofs lines of @tag; *@removed tells. */
char *vs_guest_fstab_without(const char *text, const char *tag, gboolean *removed);

/* @text with the share's line (any earlier line of its tag replaced); for a
 * @text without that tag, vs_guest_fstab_without() of the result is @text again. */
char *vs_guest_fstab_with(const char *text, const VsShare *share);

/* Add (or replace) the share's line in the guest's /etc/fstab; the first
 * change saves the original as /etc/fstab.virt-share.bak. */
gboolean vs_guest_fstab_add(virDomain *dom, const VsShare *share, GError **error);
/* Take the tag's line out again; not there is success. */
gboolean vs_guest_fstab_remove(virDomain *dom, const char *tag, gboolean *removed,
                               GError **error);

/* ---- The guest's operating system (guest-get-osinfo, vs_agent_osinfo) ---- */

typedef enum {
    VS_GUEST_OS_UNKNOWN,        /* the agent cannot tell: Linux assumed, as always */
    VS_GUEST_OS_LINUX,
    VS_GUEST_OS_WINDOWS,
    VS_GUEST_OS_OTHER,          /* a BSD, illumos, ...: not Linux */
    VS_GUEST_OS_LAST
} VsGuestOsKind;
/* "unknown", "linux", "windows", "other" */
VS_ENUM_DECL(vs_guest_os_kind);

/* What @os (NULL: unknown) is, from its ID. */
VsGuestOsKind vs_guest_os_kind(const VsGuestOs *os);

/* Distribution families, by package manager. */
typedef enum {
    VS_GUEST_FAMILY_UNKNOWN,
    VS_GUEST_FAMILY_DEBIAN,     /* apt: Debian, Ubuntu, Mint, ... */
    VS_GUEST_FAMILY_FEDORA,     /* dnf: Fedora, RHEL, CentOS, Rocky, Alma, ... */
    VS_GUEST_FAMILY_SUSE,       /* zypper: openSUSE, SLES */
    VS_GUEST_FAMILY_ALPINE,     /* apk */
    VS_GUEST_FAMILY_ARCH,       /* pacman: Arch, Manjaro, ... */
    VS_GUEST_FAMILY_LAST
} VsGuestFamily;
/* "unknown", "debian", "fedora", "suse", "alpine", "arch" */
VS_ENUM_DECL(vs_guest_family);

/* The family of os-release's @id, else of the first ID of @id_like (space
 * separated) that has one; either may be NULL. */
VsGuestFamily vs_guest_family(const char *id, const char *id_like);

/* The family of the system the domain was made for, as virt-install and
 * virt-manager record it (libosinfo's <os id="http://debian.org/debian/12"/>
 * in the metadata of @doc): known without an agent, so the hint for
 * installing one can name the package manager. */
VsGuestFamily vs_guest_family_of_domain(xmlDoc *doc);

/* The command that installs qemu-guest-agent in a guest of @family
 * ("apt install qemu-guest-agent"), untranslated like every command; NULL
 * for an unknown family. */
const char *vs_guest_family_agent_install(VsGuestFamily family);

/* Can virt-share mount shares in @os (NULL: unknown, which can)?  Else
 * VS_ERROR_GUEST_OS, saying what that system would need instead. */
gboolean vs_guest_os_check(const VsGuestOs *os, GError **error);
