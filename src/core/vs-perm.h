/* vs-perm.h: can the identity QEMU runs as use a share's host folder?  The
 * findings behind "Permission denied" in the guest, each with the exact
 * command that fixes it, and the fix itself (POSIX ACL entries via libacl,
 * never chmod 777). */
#pragma once

#include <glib.h>

#include "vs-identity.h"
#include "vs-share.h"

typedef enum {
    VS_SEVERITY_INFO,
    VS_SEVERITY_WARNING,
    VS_SEVERITY_ERROR,       /* the share cannot work as asked */
    VS_SEVERITY_LAST
} VsSeverity;

typedef enum {
    VS_FIX_NONE,
    VS_FIX_ACL_SEARCH,       /* u:USER:--x on a parent directory */
    VS_FIX_ACL_READ,         /* u:USER:r-x on the folder (+ default ACL) */
    VS_FIX_ACL_WRITE,        /* u:USER:rwx on the folder (+ default ACL) */
} VsFixKind;

typedef struct {
    VsSeverity severity;
    char *code;              /* stable id for scripts, e.g. "parent-search" */
    char *path;              /* the host path concerned, or NULL */
    char *message;           /* translated, one line */
    char *fix_command;       /* the exact command that fixes it, or NULL */
    VsFixKind fix;           /* what --fix does */
} VsFinding;

void vs_finding_free(VsFinding *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsFinding, vs_finding_free)
/* "info", "warning", "error" */
VS_ENUM_DECL(vs_severity);

/* Does @id have @mode (R_OK/W_OK/X_OK) on @path?  Asked of the kernel by a
 * child process that takes on @id (uid, gid and supplementary groups), so
 * modes, groups and ACLs count exactly as for QEMU.  Returns 0 or an errno;
 * -1 when it cannot tell (not root and @id is someone else). */
int vs_access_as(const VsIdentity *id, const char *path, int mode);

/* Check @share's host side for @id and append VsFinding to @findings.
 * Returns FALSE if any ERROR finding was added. */
gboolean vs_perm_check(const VsShare *share, const VsIdentity *id, GPtrArray *findings);

/* Apply the fix of @finding for @id (ACL entries).  */
gboolean vs_perm_fix(const VsFinding *finding, const VsIdentity *id, GError **error);

/* Text of the errors in @findings, one per line with its fix, for an error
 * message (NULL when there are none). */
char *vs_perm_errors_text(GPtrArray *findings);
