/* vs-domxml.c: reading a domain's XML document; adding shared memory. */
#include <config.h>

#include "vs-domxml.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-xml.h"

/* Only type='mount' (libvirt's default for a missing type) is a host folder
 * shared by tag: the other types ('file', 'block', 'ram', 'bind',
 * 'template', 'mtp') reuse <source dir> or <target dir> for something else,
 * and remove must never detach one of them. */
#define FS_XPATH "/domain/devices/filesystem[not(@type) or @type='mount']"

GPtrArray *
vs_domxml_shares(xmlDoc *doc)
{
    g_autoptr(GPtrArray) nodes = vs_xml_find(doc, NULL, FS_XPATH);
    GPtrArray *shares = g_ptr_array_new_with_free_func((GDestroyNotify)vs_share_free);

    for (guint i = 0; i < nodes->len; i++) {
        VsShare *share = vs_share_from_node(g_ptr_array_index(nodes, i));
        if (share)
            g_ptr_array_add(shares, share);
    }
    return shares;
}

GHashTable *
vs_domxml_tags(xmlDoc *doc)
{
    g_autoptr(GPtrArray) nodes = vs_xml_find(doc, NULL, FS_XPATH "/target");
    GHashTable *tags = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < nodes->len; i++) {
        char *tag = vs_xml_prop(g_ptr_array_index(nodes, i), "dir");
        if (tag)
            g_hash_table_add(tags, tag);
    }
    return tags;
}

xmlNode *
vs_domxml_find_fs(xmlDoc *doc, const char *source, const char *tag)
{
    g_autoptr(GPtrArray) nodes = vs_xml_find(doc, NULL, FS_XPATH);

    for (guint i = 0; i < nodes->len; i++) {
        xmlNode *fs = g_ptr_array_index(nodes, i);
        g_autofree char *src = vs_xml_prop(vs_xml_child(fs, "source"), "dir");
        g_autofree char *tgt = vs_xml_prop(vs_xml_child(fs, "target"), "dir");

        if ((source && g_strcmp0(src, source) == 0) || (tag && g_strcmp0(tgt, tag) == 0))
            return fs;
    }
    return NULL;
}

gboolean
vs_domxml_check_unique(xmlDoc *doc, const VsShare *share, GError **error)
{
    xmlNode *fs;

    if ((fs = vs_domxml_find_fs(doc, NULL, share->tag))) {
        g_autofree char *src = vs_xml_prop(vs_xml_child(fs, "source"), "dir");
        g_set_error(error, VS_ERROR, VS_ERROR_EXISTS,
                    _("tag '%s' is already used by the share of '%s'"), share->tag,
                    src ? src : "?");
        return FALSE;
    }
    if ((fs = vs_domxml_find_fs(doc, share->source, NULL))) {
        g_autofree char *tag = vs_xml_prop(vs_xml_child(fs, "target"), "dir");
        g_set_error(error, VS_ERROR, VS_ERROR_EXISTS,
                    _("'%s' is already shared with this domain (tag '%s')"), share->source,
                    tag ? tag : "?");
        return FALSE;
    }
    return TRUE;
}

gboolean
vs_domxml_has_shared_memory(xmlDoc *doc)
{
    g_autoptr(GPtrArray) cells = NULL;
    g_autoptr(GPtrArray) shared = NULL;

    if (vs_xml_find_one(doc, NULL, "/domain/memoryBacking/access[@mode='shared']"))
        return TRUE;
    cells = vs_xml_find(doc, NULL, "/domain/cpu/numa/cell");
    shared = vs_xml_find(doc, NULL, "/domain/cpu/numa/cell[@memAccess='shared']");
    return cells->len > 0 && cells->len == shared->len;
}

gboolean
vs_domxml_has_acpi(xmlDoc *doc)
{
    return vs_xml_find_one(doc, NULL, "/domain/features/acpi") != NULL;
}

/* Insert @node into @parent after the last child named in @after (NULL
 * terminated), or as the first child. */
static void
vs_insert_after_last_of(xmlNode *parent, xmlNode *node, const char *const *after)
{
    xmlNode *anchor = NULL;

    vs_xml_strip_blank_children(parent);
    for (xmlNode *cur = parent->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && g_strv_contains(after, (const char *)cur->name))
            anchor = cur;
    }
    if (anchor)
        xmlAddNextSibling(anchor, node);
    else if (parent->children)
        xmlAddPrevSibling(parent->children, node);
    else
        xmlAddChild(parent, node);
}

gboolean
vs_domxml_ensure_shared_memory(xmlDoc *doc, gboolean *changed, GError **error)
{
    static const char *const before_mb[] = {
        "name", "uuid", "genid", "title", "description", "metadata", "maxMemory",
        "memory", "currentMemory", "blkiotune", "memtune", NULL
    };
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *mb = vs_xml_child(root, "memoryBacking");
    xmlNode *access;

    *changed = FALSE;
    if (vs_domxml_has_shared_memory(doc))
        return TRUE;

    if (!mb) {
        mb = vs_xml_template("memory-backing.xml", doc, error);
        if (!mb)
            return FALSE;
        vs_insert_after_last_of(root, mb, before_mb);
        *changed = TRUE;
        return TRUE;
    }

    access = vs_xml_child(mb, "access");
    if (access) {
        g_autofree char *mode = vs_xml_prop(access, "mode");
        g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                    _("the domain asks for <access mode='%s'/> guest memory, but virtiofs "
                      "needs shared memory; change it to 'shared' or use --driver 9p"),
                    mode ? mode : "");
        return FALSE;
    }
    /* Keep the user's backing (hugepages, file, ...); memfd only if none. */
    if (!vs_xml_child(mb, "source") && !vs_xml_child(mb, "hugepages")) {
        xmlNode *src = xmlNewChild(mb, NULL, BAD_CAST "source", NULL);
        xmlSetProp(src, BAD_CAST "type", BAD_CAST "memfd");
    }
    access = xmlNewChild(mb, NULL, BAD_CAST "access", NULL);
    xmlSetProp(access, BAD_CAST "mode", BAD_CAST "shared");
    *changed = TRUE;
    return TRUE;
}

void
vs_domxml_mount_record_free(VsMountRecord *rec)
{
    if (!rec)
        return;
    g_free(rec->tag);
    g_free(rec->target);
    g_free(rec);
}

GHashTable *
vs_domxml_mount_records_new(void)
{
    /* The key is the record's own tag, freed with it. */
    return g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                 (GDestroyNotify)vs_domxml_mount_record_free);
}

void
vs_domxml_mount_records_set(GHashTable *records, const char *tag, const char *target,
                            gboolean automount)
{
    VsMountRecord *rec = g_new0(VsMountRecord, 1);
    const VsMountRecord *old = g_hash_table_lookup(records, tag);

    /* mount and umount re-record a share: the add's choice stays. */
    rec->allow_setuid = old && old->allow_setuid;
    rec->tag = g_strdup(tag);
    rec->target = g_strdup(target);
    rec->automount = automount;
    /* replace, not insert: the old key is the old record's tag, freed with it */
    g_hash_table_replace(records, rec->tag, rec);
}

const char *
vs_domxml_mount_records_target(GHashTable *records, const char *tag)
{
    const VsMountRecord *rec = g_hash_table_lookup(records, tag);

    return rec ? rec->target : NULL;
}

GHashTable *
vs_domxml_mount_records(xmlDoc *doc)
{
    GHashTable *records = vs_domxml_mount_records_new();
    g_autoptr(GPtrArray) nodes = NULL;

    if (!doc)
        return records;
    nodes = vs_xml_find(doc, NULL,
                        "/domain/metadata/*[namespace-uri()='" VS_METADATA_NS "']"
                        "/*[local-name()='share']");
    for (guint i = 0; i < nodes->len; i++) {
        xmlNode *node = g_ptr_array_index(nodes, i);
        g_autofree char *tag = vs_xml_prop(node, "tag");
        g_autofree char *target = vs_xml_prop(node, "target");
        g_autofree char *automount = vs_xml_prop(node, "automount");
        g_autofree char *setuid = vs_xml_prop(node, "setuid");

        /* A record without a mount point means nothing (and is dropped). */
        if (tag && target) {
            vs_domxml_mount_records_set(records, tag, target, g_strcmp0(automount, "no") != 0);
            ((VsMountRecord *)g_hash_table_lookup(records, tag))->allow_setuid =
                g_strcmp0(setuid, "allow") == 0;
        }
    }
    return records;
}

char *
vs_domxml_metadata_format(GHashTable *records)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(GList) tags = NULL;
    xmlNode *root;

    if (!records || g_hash_table_size(records) == 0)
        return NULL;
    doc = xmlNewDoc(BAD_CAST "1.0");
    root = xmlNewNode(NULL, BAD_CAST "shares");
    xmlDocSetRootElement(doc, root);
    /* Sorted, so the stored XML does not depend on hash order. */
    tags = g_list_sort(g_hash_table_get_keys(records), (GCompareFunc)g_strcmp0);
    for (GList *l = tags; l; l = l->next) {
        const VsMountRecord *rec = g_hash_table_lookup(records, l->data);
        xmlNode *node = xmlNewChild(root, NULL, BAD_CAST "share", NULL);

        xmlSetProp(node, BAD_CAST "tag", BAD_CAST rec->tag);
        xmlSetProp(node, BAD_CAST "target", BAD_CAST rec->target);
        if (!rec->automount)
            xmlSetProp(node, BAD_CAST "automount", BAD_CAST "no");
        if (rec->allow_setuid)
            xmlSetProp(node, BAD_CAST "setuid", BAD_CAST "allow");
    }
    /* No white space: libvirt keeps blank nodes given to virDomainSetMetadata
     * but drops them when it parses a definition, so indented metadata would
     * not survive a define of the domain's own XML byte for byte. */
    return vs_xml_node_to_compact_string(root);
}
