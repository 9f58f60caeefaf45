/* vs-perm.h: can the identity QEMU runs as use a share's host folder?  The
 * findings behind "Permission denied" in the guest, each with the exact
 * command that fixes it, and the fix itself (POSIX ACL entries via libacl,
 * never chmod 777). */
#pragma once

#include <glib.h>

#include "vs-config.h"
#include "vs-finding.h"
#include "vs-identity.h"
#include "vs-share.h"

/* Does @id have @mode (R_OK/W_OK/X_OK) on @path?  Asked of the kernel by a
 * child process that takes on @id (uid, gid and supplementary groups), so
 * modes, groups and ACLs count exactly as for QEMU.  Returns 0 or an errno;
 * -1 when it cannot tell (not root and @id is someone else). */
int vs_perm_access_as(const VsIdentity *id, const char *path, int mode);

/* Check @share's host side for @id and append VsFinding to @findings.
 * Returns FALSE if any ERROR finding was added. */
gboolean vs_perm_check(const VsShare *share, const VsIdentity *id, GPtrArray *findings);

/* What a fix set on one directory, read back from its ACL. */
typedef struct {
    char *path;              /* the directory (resolved) */
    char *user;              /* the user of the entries */
    char *access;            /* the entry's permissions in the ACL, "r-x" */
    char *default_access;    /* in the default ACL, or NULL when none was set */
} VsAclChange;

void vs_perm_acl_change_free(VsAclChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsAclChange, vs_perm_acl_change_free)
/* The setfacl -m entries: "u:USER:r-x", then "d:u:USER:r-x" if any. */
GStrv vs_perm_acl_change_entries(const VsAclChange *change);
/* The equivalent setfacl command. */
char *vs_perm_acl_change_command(const VsAclChange *change);

/* Apply the fix of @finding for @id (ACL entries): finding->path is resolved
 * once, the host path policy @cfg is checked on where it leads, and the ACL
 * is set through an O_PATH handle of exactly that directory, so a symbolic
 * link planted on the way later is never followed.  Refused when the path
 * leads elsewhere (a link swapped in after the check, even to an allowed
 * place) or to a directory owned by anyone but root and finding->owner.  @applied (may be NULL):
 * the entries set, read back from the ACL (NULL when @finding has no fix).
 * VS_ERROR_POLICY when refused or when the ACL cannot be set. */
gboolean vs_perm_fix(const VsFinding *finding, const VsIdentity *id, const VsConfig *cfg,
                     VsAclChange **applied, GError **error);

/* The two halves of vs_perm_fix.  Open @path as an O_PATH handle after
 * resolving it and checking @cfg on the result (and on the handle);
 * @resolved_out (may be NULL) gets the resolved path.  Returns -1 on error. */
int vs_perm_open_checked(const char *path, const VsConfig *cfg, char **resolved_out,
                         GError **error);
/* Apply @fix for @id through @fd (via /proc/self/fd, which works for O_PATH
 * handles); @shown names the directory in messages and in @applied. */
gboolean vs_perm_fix_handle(int fd, const char *shown, VsFixKind fix, const VsIdentity *id,
                            VsAclChange **applied, GError **error);

/* Text of the errors in @findings, one per line with its fix, for an error
 * message (NULL when there are none). */
char *vs_perm_errors_text(GPtrArray *findings);
