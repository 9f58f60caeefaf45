/* vs-metadata.h: virt-share's metadata in a domain: each share's guest
 * mount point (tag -> mount point, VsMountRecord), planned as a change of the
 * element and applied to the definition or the running domain. */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>
#include <libxml/tree.h>

#include "vs-domain-state.h"

/* A change of the domain's virt-share metadata (tag -> guest mount point). */
typedef struct {
    gboolean change;        /* FALSE: leave the metadata as it is */
    char *xml;              /* the new element; NULL with change: drop it */
} VsMetadataChange;

/* Apply @m to the definition or the running domain (@flags: one of
 * VIR_DOMAIN_AFFECT_CONFIG, VIR_DOMAIN_AFFECT_LIVE). */
gboolean vs_metadata_apply(VsDomainState *state, const VsMetadataChange *m,
                           unsigned int flags, GError **error);

/* Recording mount points for the watcher ('virt-share mount' and umount):
 * the change of the definition and of the running domain. */
typedef struct {
    VsMetadataChange config_metadata;
    VsMetadataChange live_metadata;
} VsRecordJob;

/* Plan recording @records (tag -> guest mount point) in the definition and
 * in the running domain, each only for the tags whose device it has, with
 * @automount (FALSE: the watcher leaves them alone, VsMountRecord);
 * no change where the records already say so.  Changes nothing. */
void vs_metadata_record_prepare(VsDomainState *state, GHashTable *records, gboolean automount,
                                VsRecordJob *job);
/* Apply the job: when the running domain's part fails, the definition is
 * put back as it was (VS_ERROR_INCOMPLETE if that fails too). */
gboolean vs_metadata_record_apply(VsDomainState *state, VsRecordJob *job, GError **error);
void vs_metadata_record_clear(VsRecordJob *job);

/* The metadata of @doc after recording (@target) or forgetting (NULL) the
 * mount point of @tag. */
void vs_metadata_change(xmlDoc *doc, const char *tag, const char *target, gboolean allow_setuid,
                        VsMetadataChange *out);
