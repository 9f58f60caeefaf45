/* vs-remove.h: remove a share from a libvirt domain: planned first without
 * changing anything (all of the XML), then detached and its mount point
 * forgotten. */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "vs-domain-state.h"
#include "vs-metadata.h"
#include "vs-share.h"

typedef struct {
    VsShare *share;         /* the share found (where = where it was) */
    unsigned int flags;     /* VIR_DOMAIN_AFFECT_* to detach from */
    gboolean restart_needed;/* still attached live until the domain stops */
    char *device_xml;
    VsMetadataChange config_metadata;
    VsMetadataChange live_metadata;
    /* The folder's nosuid,nodev mount is virt-share's and nothing else
     * shares the folder: remove undoes it (vs-harden.h). */
    gboolean unprotect;
    /* ... but the running guest keeps the share until it stops (9p): the
     * mount stays for now. */
    gboolean keep_protection;
} VsRemoveJob;

void vs_remove_job_free(VsRemoveJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsRemoveJob, vs_remove_job_free)

/* Find the share (vs_domain_state_find_share) and plan its removal; changes nothing. */
VsRemoveJob *vs_remove_prepare(VsDomainState *state, const char *what, GError **error);
/* Detach, then forget the recorded mount point: VS_ERROR_INCOMPLETE when the
 * device went but the record stayed. */
gboolean vs_remove_apply(VsDomainState *state, VsRemoveJob *job, GError **error);
