/* vs-hostcheck.h: the libvirt hook's checks of a share before a domain
 * starts: read only, bounded in time (see vs-hostcheck.c for why a child
 * process). */
#pragma once

#include <glib.h>

#include "vs-config.h"
#include "vs-identity.h"
#include "vs-share.h"

typedef enum {
    VS_HOST_CHECK_OK,        /* fine; the message, if any, holds warnings */
    VS_HOST_CHECK_REFUSE,    /* the start must be refused: the message says why */
    VS_HOST_CHECK_TIMEOUT,   /* not checked (timed out, or could not be run) */
    VS_HOST_CHECK_UNPROTECTED, /* fine otherwise, but asked to, found the folder's mount
                                * allowing setuid programs or device files (vs-harden.h) */
    VS_HOST_CHECK_LAST
} VsHostCheck;

/* Check @share for a domain start: its folder exists and is a directory, the
 * host path policy @cfg allows where it leads (a share added by hand, or
 * before the policy changed, is judged like one added now), and with @id
 * (may be NULL) the permission problems 'doctor' would report, as warnings.
 * Nothing is created or changed.  The file system is touched only in a child
 * process that is killed after @timeout_ms.  @message: the reason, the
 * warnings, or NULL; translated, one paragraph.  With @want_protected, a
 * folder whose mount is not nosuid,nodev gives VS_HOST_CHECK_UNPROTECTED
 * (statvfs, in the same child: it may hang like stat). */
VsHostCheck vs_hostcheck_share(const VsShare *share, const VsConfig *cfg, const VsIdentity *id,
                               gboolean want_protected, guint timeout_ms, char **message);
