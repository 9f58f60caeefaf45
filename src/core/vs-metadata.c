/* vs-metadata.c: virt-share's metadata in a domain (see vs-metadata.h). */
#include <config.h>

#include <string.h>

#include "vs-conn.h"
#include "vs-domain.h"
#include "vs-domxml.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-metadata.h"
#include "vs-xml.h"

void
vs_metadata_change(xmlDoc *doc, const char *tag, const char *target, gboolean allow_setuid,
                   VsMetadataChange *out)
{
    g_autoptr(GHashTable) records = vs_domxml_mount_records(doc);

    /* A new record is automounted. */
    if (target) {
        g_hash_table_remove(records, tag);
        vs_domxml_mount_records_set(records, tag, target, TRUE);
        ((VsMountRecord *)g_hash_table_lookup(records, tag))->allow_setuid = allow_setuid;
    } else if (!g_hash_table_remove(records, tag))
        return;   /* nothing recorded, nothing to change */
    out->change = TRUE;
    out->xml = vs_domxml_metadata_format(records);
}

/* The metadata of @doc with @records (tag -> mount point) recorded, each
 * automounted or not; no change when it says so already. */
static void
vs_metadata_record(xmlDoc *doc, GHashTable *records, gboolean automount, VsMetadataChange *out)
{
    g_autoptr(GHashTable) table = vs_domxml_mount_records(doc);
    g_autofree char *before = vs_domxml_metadata_format(table);
    GHashTableIter iter;
    gpointer tag, target;

    g_hash_table_iter_init(&iter, records);
    while (g_hash_table_iter_next(&iter, &tag, &target))
        vs_domxml_mount_records_set(table, tag, target, automount);
    out->xml = vs_domxml_metadata_format(table);
    out->change = g_strcmp0(before, out->xml) != 0;
    if (!out->change)
        g_clear_pointer(&out->xml, g_free);
}

/* The entries of @records whose tag has a <filesystem> in @doc. */
static GHashTable *
vs_records_in(GHashTable *records, xmlDoc *doc)
{
    GHashTable *in = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer tag, target;

    g_hash_table_iter_init(&iter, records);
    while (doc && g_hash_table_iter_next(&iter, &tag, &target)) {
        if (vs_domxml_find_fs(doc, NULL, tag))
            g_hash_table_insert(in, tag, target);
    }
    return in;
}

/* libvirt keeps an empty <metadata/> when the last element in it is
 * removed: drop it from the definition, so that add then remove leaves the
 * definition as it was.  (The running domain cannot be redefined; its XML
 * goes when it stops.) */
static gboolean
vs_drop_empty_metadata(VsDomainState *state, GError **error)
{
    g_autofree char *xml = vs_domain_get_xml(state->dom, TRUE, error);
    g_autoptr(xmlDoc) doc = xml ? vs_xml_parse(xml, _("the domain definition"), error) : NULL;
    g_autofree char *edited = NULL;
    xmlNode *metadata;

    if (!doc)
        return FALSE;
    metadata = vs_xml_find_one(doc, NULL, "/domain/metadata");
    if (!metadata || xmlFirstElementChild(metadata))
        return TRUE;
    xmlUnlinkNode(metadata);
    xmlFreeNode(metadata);
    edited = vs_xml_doc_to_string(doc);
    return vs_domain_state_define(state, edited, error);
}

gboolean
vs_metadata_apply(VsDomainState *state, const VsMetadataChange *m, unsigned int flags,
                  GError **error)
{
    if (!m->change)
        return TRUE;
    g_debug("libvirt: virDomainSetMetadata(%s, %s, flags %u)", state->name,
            m->xml ? m->xml : "(remove)", flags);
    if (virDomainSetMetadata(state->dom, VIR_DOMAIN_METADATA_ELEMENT, m->xml,
                             m->xml ? VS_METADATA_PREFIX : NULL, VS_METADATA_NS, flags) < 0) {
        vs_conn_set_error(error, _("cannot record the share in the domain metadata"));
        return FALSE;
    }
    if (!m->xml && flags == VIR_DOMAIN_AFFECT_CONFIG)
        return vs_drop_empty_metadata(state, error);
    return TRUE;
}

void
vs_metadata_record_prepare(VsDomainState *state, GHashTable *records, gboolean automount,
                           VsRecordJob *job)
{
    g_autoptr(GHashTable) config = vs_records_in(records, state->config_doc);
    g_autoptr(GHashTable) live = vs_records_in(records, state->live_doc);

    memset(job, 0, sizeof(*job));
    if (g_hash_table_size(config))
        vs_metadata_record(state->config_doc, config, automount, &job->config_metadata);
    if (g_hash_table_size(live))
        vs_metadata_record(state->live_doc, live, automount, &job->live_metadata);
}

gboolean
vs_metadata_record_apply(VsDomainState *state, VsRecordJob *job, GError **error)
{
    g_autoptr(GError) undo_error = NULL;

    if (!vs_metadata_apply(state, &job->config_metadata, VIR_DOMAIN_AFFECT_CONFIG, error))
        return FALSE;
    if (vs_metadata_apply(state, &job->live_metadata, VIR_DOMAIN_AFFECT_LIVE, error))
        return TRUE;
    /* The saved definition puts the metadata back exactly as it was. */
    if (job->config_metadata.change &&
        !vs_domain_state_define(state, state->config_xml, &undo_error)) {
        g_prefix_error(&undo_error, _("the persistent definition keeps the new record: "));
        vs_error_incomplete(error, undo_error);
    }
    return FALSE;
}

void
vs_metadata_record_clear(VsRecordJob *job)
{
    g_clear_pointer(&job->config_metadata.xml, g_free);
    g_clear_pointer(&job->live_metadata.xml, g_free);
}
