/* vs-finding.h: one thing the doctor (or the hook) found about a share, its
 * domain or the host, with its severity and what fixes it. */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "vs-enum.h"

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
    VS_FIX_NOSUID_MOUNT,     /* the folder mounted again nosuid,nodev (vs-harden.h);
                              * applied by the doctor, not by vs_perm_fix */
} VsFixKind;

/* What was found: one value per kind of finding.  Its string is the
 * finding's stable id ("code" in doctor --json, documented in
 * virt-share.pod): front ends and scripts tell findings apart by it, never
 * by the translated message. */
typedef enum {
    VS_FINDING_KVM_QEMU_DENIED,
    VS_FINDING_KVM_NOT_WORKING,
    VS_FINDING_NOT_RUNNING,
    VS_FINDING_AGENT_UNAVAILABLE,
    VS_FINDING_AGENT_COMMAND_DISABLED,
    VS_FINDING_SOURCE_MISSING,
    VS_FINDING_PARENT_SEARCH,
    VS_FINDING_FOLDER_READ,
    VS_FINDING_FOLDER_WRITE,
    VS_FINDING_PASSTHROUGH_UNPRIVILEGED,
    VS_FINDING_MAPPED_XATTR,
    VS_FINDING_MAPPED_MODES,
    VS_FINDING_SQUASH_OWNER,
    VS_FINDING_VIRTIOFS_ROOT,
    VS_FINDING_CANNOT_CHECK,
    VS_FINDING_SETUID_UNPROTECTED,
    VS_FINDING_PENDING_RESTART,
    VS_FINDING_NOT_MOUNTED,
    VS_FINDING_SMALL_MSIZE,
    VS_FINDING_GUEST_OS_UNSUPPORTED,
    VS_FINDING_LAST
} VsFindingCode;

/* "kvm-qemu-denied", "kvm-not-working", "not-running", ... */
VS_ENUM_DECL(vs_finding_code);

typedef struct {
    VsSeverity severity;
    VsFindingCode code;
    char *path;              /* the host path concerned, or NULL */
    char *message;           /* translated, one line */
    char *fix_command;       /* the exact command that fixes it, or NULL */
    VsFixKind fix;           /* what --fix does */
    uid_t owner;             /* the share folder's owner when checked: a fix
                              * changes only a directory of root or of it */
} VsFinding;

/* A copy of every field (one written field by field in a front end
 * missed the owner when it was added). */
VsFinding *vs_finding_copy(const VsFinding *f);
void vs_finding_free(VsFinding *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsFinding, vs_finding_free)
/* "info", "warning", "error" */
VS_ENUM_DECL(vs_severity);
