/* fuzz-domxml.c: building the <filesystem> device and reading and editing a
 * domain's XML.  Input: a host path line, a tag line, a guest path line, then
 * a domain XML document.  Properties, besides not crashing:
 *  - a built device names the folder and the tag byte for byte as they were
 *    checked (the harness parses the returned XML itself), or the build is
 *    refused with an error: libvirt must never get another folder;
 *  - the shares, tags and mount points read from the domain are consistent,
 *    and the mount point table survives formatting and reading back;
 *  - adding shared memory either edits and then holds, or refuses and leaves
 *    the document as it was;
 *  - a device added to the domain is the one remove finds by its tag, its
 *    XML is the one that was attached, and taking it out again gives the
 *    domain XML back byte for byte. */
#include <config.h>

#include "fuzz.h"
#include "vs-domxml.h"
#include "vs-error.h"
#include "vs-path.h"
#include "vs-tag.h"
#include "vs-xml.h"

/* The device must name exactly the folder and tag it was built for. */
static char *
check_device(const VsShare *share)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = vs_share_to_device_xml(share, &error);
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(GPtrArray) sources = NULL;
    g_autoptr(GPtrArray) targets = NULL;
    xmlNode *fs;

    if (!xml) {
        FUZZ_CHECK(g_error_matches(error, VS_ERROR, VS_ERROR_INVALID));
        return NULL;
    }
    doc = vs_xml_parse(xml, "device", NULL);
    FUZZ_CHECK(doc);
    fs = xmlDocGetRootElement(doc);
    FUZZ_CHECK(xmlStrEqual(fs->name, BAD_CAST "filesystem"));
    sources = vs_xml_find(doc, NULL, "//source");
    targets = vs_xml_find(doc, NULL, "//target");
    FUZZ_CHECK(sources->len == 1 && targets->len == 1);
    {
        g_autofree char *src = vs_xml_prop(g_ptr_array_index(sources, 0), "dir");
        g_autofree char *tag = vs_xml_prop(g_ptr_array_index(targets, 0), "dir");
        FUZZ_CHECK(src && strcmp(src, share->source) == 0);
        FUZZ_CHECK(tag && strcmp(tag, share->tag) == 0);
    }
    return g_steal_pointer(&xml);
}

/* The mount records, formatted as virt-share stores them and read back
 * from a domain holding them, are the same records. */
static void
check_metadata(GHashTable *table)
{
    g_autofree char *xml = vs_domxml_metadata_format(table);
    g_autofree char *domain = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(GHashTable) back = NULL;
    GHashTableIter iter;
    gpointer key, value;

    if (!xml) {
        FUZZ_CHECK(g_hash_table_size(table) == 0);
        return;
    }
    FUZZ_CHECK(g_str_has_prefix(xml, "<shares"));
    /* libvirt puts the element under our namespace in <metadata> */
    domain = g_strconcat("<domain><metadata><shares xmlns='" VS_METADATA_NS "'",
                         xml + strlen("<shares"), "</metadata></domain>", NULL);
    doc = vs_xml_parse(domain, "metadata", NULL);
    FUZZ_CHECK(doc);
    back = vs_domxml_mount_records(doc);
    FUZZ_CHECK(g_hash_table_size(back) == g_hash_table_size(table));
    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        const VsMountRecord *want = value;
        const VsMountRecord *got = g_hash_table_lookup(back, key);

        FUZZ_CHECK(got && g_strcmp0(got->target, want->target) == 0);
        FUZZ_CHECK(got->automount == want->automount);
    }
}

static void
check_read(xmlDoc *doc)
{
    g_autoptr(GPtrArray) shares = vs_domxml_shares(doc);
    g_autoptr(GHashTable) tags = vs_domxml_tags(doc);
    g_autoptr(GHashTable) table = vs_domxml_mount_records(doc);

    for (guint i = 0; i < shares->len; i++) {
        VsShare *s = g_ptr_array_index(shares, i);
        xmlNode *fs;

        FUZZ_CHECK(s->source && s->tag);
        FUZZ_CHECK(s->driver == VS_DRIVER_9P || s->driver == VS_DRIVER_VIRTIOFS);
        FUZZ_CHECK(g_hash_table_contains(tags, s->tag));
        fs = vs_domxml_find_fs(doc, NULL, s->tag);
        FUZZ_CHECK(fs);
        /* what remove would detach, read again, is a share with that tag */
        {
            g_autofree char *xml = vs_xml_node_to_string(fs);
            g_autoptr(xmlDoc) again = vs_xml_parse(xml, "filesystem", NULL);
            g_autoptr(VsShare) back = again ? vs_share_from_node(xmlDocGetRootElement(again))
                                            : NULL;
            FUZZ_CHECK(back && g_str_equal(back->tag, s->tag));
        }
    }
    check_metadata(table);
    vs_domxml_has_acpi(doc);
}

static void
check_shared_memory(xmlDoc *orig)
{
    g_autoptr(xmlDoc) doc = xmlCopyDoc(orig, 1);
    g_autofree char *before = vs_xml_doc_to_string(doc);
    g_autoptr(GError) error = NULL;
    gboolean changed = FALSE;
    gboolean is_domain = vs_xml_find_one(doc, NULL, "/domain") != NULL;

    if (!vs_domxml_ensure_shared_memory(doc, &changed, &error)) {
        g_autofree char *after = vs_xml_doc_to_string(doc);
        FUZZ_CHECK(g_error_matches(error, VS_ERROR, VS_ERROR_UNSUPPORTED));
        FUZZ_CHECK(g_str_equal(before, after));
        return;
    }
    if (!changed) {
        g_autofree char *after = vs_xml_doc_to_string(doc);
        FUZZ_CHECK(g_str_equal(before, after));
    }
    if (is_domain) {
        FUZZ_CHECK(vs_domxml_has_shared_memory(doc));
        /* once is enough */
        FUZZ_CHECK(vs_domxml_ensure_shared_memory(doc, &changed, NULL) && !changed);
    }
}

/* Add the device as libvirt would (at the end of <devices>), find it as
 * remove does, take it out: the document is as before. */
static void
check_add_remove(xmlDoc *orig, const VsShare *share, const char *device_xml)
{
    g_autoptr(xmlDoc) doc = xmlCopyDoc(orig, 1);
    g_autoptr(xmlDoc) dev = vs_xml_parse(device_xml, "device", NULL);
    g_autofree char *before = vs_xml_doc_to_string(doc);
    g_autofree char *after = NULL;
    g_autofree char *detach = NULL;
    g_autoptr(GPtrArray) shares = NULL;
    xmlNode *devices = vs_xml_find_one(doc, NULL, "/domain/devices");
    xmlNode *fs, *found;
    guint n = 0;

    if (!devices || !vs_domxml_check_unique(doc, share, NULL))
        return;
    fs = xmlDocCopyNode(xmlDocGetRootElement(dev), doc, 1);
    xmlAddChild(devices, fs);

    found = vs_domxml_find_fs(doc, NULL, share->tag);
    FUZZ_CHECK(found == fs);
    FUZZ_CHECK(vs_domxml_find_fs(doc, share->source, NULL) == fs);
    FUZZ_CHECK(!vs_domxml_check_unique(doc, share, NULL));
    detach = vs_xml_node_to_string(found);
    FUZZ_CHECK(g_str_equal(detach, device_xml));
    shares = vs_domxml_shares(doc);
    for (guint i = 0; i < shares->len; i++) {
        VsShare *s = g_ptr_array_index(shares, i);
        if (g_str_equal(s->tag, share->tag)) {
            n++;
            FUZZ_CHECK(g_str_equal(s->source, share->source));
            FUZZ_CHECK(s->driver == share->driver && s->mode == share->mode &&
                       s->readonly == share->readonly);
        }
    }
    FUZZ_CHECK(n == 1);

    xmlUnlinkNode(found);
    xmlFreeNode(found);
    after = vs_xml_doc_to_string(doc);
    FUZZ_CHECK(g_str_equal(before, after));
}

/* libxml2 says on stderr what it cannot serialise (a source that is not
 * UTF-8); the checks above judge the result, and the log stays readable. */
static void
quiet(void *ctx, const char *msg, ...)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *input = fuzz_text(data, size);
    const char *text = input;
    g_autofree char *source = fuzz_next_line(&text);
    g_autofree char *tag = source ? fuzz_next_line(&text) : NULL;
    g_autofree char *target = tag ? fuzz_next_line(&text) : NULL;
    g_autoptr(VsShare) share = vs_share_new();
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree char *device = NULL;

    xmlSetGenericErrorFunc(NULL, quiet);
    if (!target)
        text = input;   /* no header: the whole input is the domain */
    share->driver = size % 2 ? VS_DRIVER_9P : VS_DRIVER_VIRTIOFS;
    share->mode = share->driver == VS_DRIVER_VIRTIOFS ? VS_MODE_PASSTHROUGH :
                  (VsMode)(VS_MODE_PASSTHROUGH + size / 2 % 3);
    share->readonly = size % 5 == 0;
    /* the source as given, checked or not: the device check is the last
     * line of defence and must hold for any bytes */
    share->source = g_strdup(source && *source ? source : "/srv/fuzz");
    share->tag = tag && vs_tag_validate(tag, share->driver, NULL) ?
        g_strdup(tag) : vs_tag_generate(share->source, NULL);
    share->target = target && vs_path_guest_validate(target, NULL) ?
        g_strdup(target) : g_strdup("/mnt/fuzz");
    device = check_device(share);

    if (!(doc = vs_xml_parse(text, "domain", NULL)))
        return 0;
    check_read(doc);
    {
        /* what add and remove record as the share's mount point */
        g_autoptr(GHashTable) table = vs_domxml_mount_records(doc);
        vs_domxml_mount_records_set(table, share->tag, share->target, TRUE);
        check_metadata(table);
        /* and what umount records */
        vs_domxml_mount_records_set(table, share->tag, share->target, FALSE);
        check_metadata(table);
        g_hash_table_remove(table, share->tag);
        check_metadata(table);
    }
    check_shared_memory(doc);
    if (device)
        check_add_remove(doc, share, device);
    return 0;
}
