/* vs-domxml.h: reading a domain's XML document, and the one edit virt-share
 * makes to a definition itself (shared memory for virtiofs); devices go to
 * libvirt as device XML (pure, no libvirt calls). */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "vs-share.h"

/* Every lookup below considers type='mount' filesystems only (or no type,
 * libvirt's default): no other type is a share. */

/* The <filesystem> shares of a domain document, as VsShare (where unset). */
GPtrArray *vs_domxml_shares(xmlDoc *doc);

/* Tags used by the shares of the document, as a set. */
GHashTable *vs_domxml_tags(xmlDoc *doc);

/* The <filesystem> element whose source dir is @source or whose tag is @tag
 * (either may be NULL), or NULL. */
xmlNode *vs_domxml_find_fs(xmlDoc *doc, const char *source, const char *tag);

/* Refuse a share whose source or tag the document already has. */
gboolean vs_domxml_check_unique(xmlDoc *doc, const VsShare *share, GError **error);

/* Does the domain have shared guest memory (memoryBacking access shared, or
 * every NUMA cell memAccess='shared')?  virtio-fs needs it. */
gboolean vs_domxml_has_shared_memory(xmlDoc *doc);

/* Does the domain have <features><acpi/>?  Without it QEMU gets -no-acpi and
 * PCI hot-plug is impossible on i440fx. */
gboolean vs_domxml_has_acpi(xmlDoc *doc);

/* Add memfd shared memory backing if the domain has none.  Refuses a domain
 * that explicitly asks for private memory.  *@changed tells whether it edited. */
gboolean vs_domxml_ensure_shared_memory(xmlDoc *doc, gboolean *changed, GError **error);

/* Metadata: virt-share keeps the guest mount point of each share in the
 * domain's <metadata>, under this namespace. */
#define VS_METADATA_NS "https://virt-share.org/xmlns/virt-share/1"
#define VS_METADATA_PREFIX "virt-share"

/* One share's record in that metadata: where 'virt-share mount' (or add)
 * mounted it, and whether the watcher mounts it there at every guest boot
 * (FALSE: 'virt-share umount' unmounted it, stored as automount="no", until
 * the next 'virt-share mount'). */
typedef struct {
    char *tag;
    char *target;           /* guest mount point, never NULL */
    gboolean automount;
    /* add --allow-setuid: the folder is knowingly left without the nosuid,nodev
     * mount (vs-harden.h); stored as setuid="allow", read by the hook. */
    gboolean allow_setuid;
} VsMountRecord;

void vs_domxml_mount_record_free(VsMountRecord *rec);

/* A table of records by tag (tag -> VsMountRecord), empty. */
GHashTable *vs_domxml_mount_records_new(void);
/* Record (or replace) @tag's record in @records; a record replaced keeps
 * its allow_setuid. */
void vs_domxml_mount_records_set(GHashTable *records, const char *tag, const char *target,
                                 gboolean automount);
/* @tag's recorded mount point, or NULL. */
const char *vs_domxml_mount_records_target(GHashTable *records, const char *tag);
/* The records kept in the document's <metadata> (@doc may be NULL: none). */
GHashTable *vs_domxml_mount_records(xmlDoc *doc);
/* Format @records as a metadata element; NULL when there is none. */
char *vs_domxml_metadata_format(GHashTable *records);
