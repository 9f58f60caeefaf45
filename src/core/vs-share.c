/* vs-share.c: one shared folder and its <filesystem> element. */
#include <config.h>

#include <stdlib.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-share.h"
#include "vs-text.h"
#include "vs-xml.h"

VsShare *
vs_share_new(void)
{
    return g_new0(VsShare, 1);
}

VsShare *
vs_share_copy(const VsShare *share)
{
    VsShare *copy = g_memdup2(share, sizeof(*share));

    copy->domain = g_strdup(share->domain);
    copy->source = g_strdup(share->source);
    copy->tag = g_strdup(share->tag);
    copy->target = g_strdup(share->target);
    copy->uid_map = g_strdupv(share->uid_map);
    copy->gid_map = g_strdupv(share->gid_map);
    return copy;
}

void
vs_share_free(VsShare *share)
{
    if (!share)
        return;
    g_free(share->domain);
    g_free(share->source);
    g_free(share->tag);
    g_free(share->target);
    g_strfreev(share->uid_map);
    g_strfreev(share->gid_map);
    g_free(share);
}

gboolean
vs_share_has_folder(const VsShare *share, const char *path, const char *real)
{
    g_autofree char *real_source = NULL;

    if (g_strcmp0(share->source, path) == 0 || g_strcmp0(share->source, real) == 0)
        return TRUE;
    /* The definition may name the folder through a link (virt-manager does not resolve). */
    real_source = share->source ? realpath(share->source, NULL) : NULL;
    return real && g_strcmp0(real_source, real) == 0;
}

VS_ENUM_IMPL(vs_driver, VS_DRIVER_LAST,
             "auto", "9p", "virtiofs")

VS_ENUM_IMPL(vs_mode, VS_MODE_LAST,
             "default", "passthrough", "mapped", "squash")

gboolean
vs_share_driver_parse(const char *str, VsDriver *driver, GError **error)
{
    int value = vs_driver_from_string(str);

    if (value < 0) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("unknown driver '%s': use auto, 9p or virtiofs"), str);
        return FALSE;
    }
    *driver = (VsDriver)value;
    return TRUE;
}

gboolean
vs_share_mode_parse(const char *str, VsMode *mode, GError **error)
{
    int value = vs_mode_from_string(str);

    /* "default" is internal: users name a mode or leave the option out. */
    if (value <= VS_MODE_DEFAULT) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("unknown mode '%s': use passthrough, mapped or squash"), str);
        return FALSE;
    }
    *mode = (VsMode)value;
    return TRUE;
}

VsMode
vs_share_mode_default_for(VsDriver driver)
{
    /* virtio-fs knows only passthrough.  For 9p, squash is the mode that works
     * with an unprivileged QEMU (libvirt-qemu) in a folder it can write:
     * passthrough fails every create with EPERM, mapped hides the host
     * permissions (0600 files); the README, "Drivers, modes and what to expect". */
    return driver == VS_DRIVER_VIRTIOFS ? VS_MODE_PASSTHROUGH : VS_MODE_SQUASH;
}

gboolean
vs_share_idmap_entry_parse(const char *entry, guint32 *host, guint32 *guest, GError **error)
{
    g_auto(GStrv) parts = g_strsplit(entry, ":", -1);
    guint64 h, g;

    if (g_strv_length(parts) != 2 ||
        !g_ascii_string_to_unsigned(parts[0], 10, 0, G_MAXUINT32 - 1, &h, NULL) ||
        !g_ascii_string_to_unsigned(parts[1], 10, 0, G_MAXUINT32 - 1, &g, NULL)) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("bad id map '%s': use HOST:GUEST, two numeric ids (e.g. 1000:0)"), entry);
        return FALSE;
    }
    *host = (guint32)h;
    *guest = (guint32)g;
    return TRUE;
}

/* <idmap><uid start=GUEST target=HOST count=1/>…</idmap>, libvirt's form. */
static void
vs_share_add_idmap(xmlNode *fs, const VsShare *share)
{
    xmlNode *idmap;

    if (!share->uid_map && !share->gid_map)
        return;
    idmap = xmlNewChild(fs, NULL, BAD_CAST "idmap", NULL);
    for (guint k = 0; k < 2; k++) {
        GStrv map = k == 0 ? share->uid_map : share->gid_map;
        for (guint i = 0; map && map[i]; i++) {
            guint32 host, guest;
            g_autofree char *hs = NULL;
            g_autofree char *gs = NULL;
            xmlNode *e;

            if (!vs_share_idmap_entry_parse(map[i], &host, &guest, NULL))
                continue;   /* validated before */
            hs = g_strdup_printf("%u", host);
            gs = g_strdup_printf("%u", guest);
            e = xmlNewChild(idmap, NULL, BAD_CAST (k == 0 ? "uid" : "gid"), NULL);
            xmlSetProp(e, BAD_CAST "start", BAD_CAST gs);
            xmlSetProp(e, BAD_CAST "target", BAD_CAST hs);
            xmlSetProp(e, BAD_CAST "count", BAD_CAST "1");
        }
    }
}

VsShare *
vs_share_from_node(xmlNode *fs)
{
    g_autofree char *type = vs_xml_prop(fs, "type");
    g_autofree char *accessmode = vs_xml_prop(fs, "accessmode");
    g_autofree char *driver = vs_xml_prop(vs_xml_child(fs, "driver"), "type");
    g_autoptr(VsShare) share = NULL;

    if (type && strcmp(type, "mount") != 0)
        return NULL;

    share = vs_share_new();
    share->source = vs_xml_prop(vs_xml_child(fs, "source"), "dir");
    share->tag = vs_xml_prop(vs_xml_child(fs, "target"), "dir");
    if (!share->source || !share->tag)
        return NULL;
    share->driver = g_strcmp0(driver, "virtiofs") == 0 ? VS_DRIVER_VIRTIOFS : VS_DRIVER_9P;
    /* libvirt's default accessmode is passthrough. */
    if (!accessmode || !vs_share_mode_parse(accessmode, &share->mode, NULL))
        share->mode = VS_MODE_PASSTHROUGH;
    share->readonly = vs_xml_child(fs, "readonly") != NULL;
    return g_steal_pointer(&share);
}

/* The element read back must name exactly what was checked: libxml2 takes
 * what it cannot encode as it likes (an overlong "\xc0\xae" comes out as
 * "&#x2E;", i.e. '.'), and libvirt gets what the XML says. */
static gboolean
vs_share_node_verify(const VsShare *share, xmlNode *fs, GError **error)
{
    g_autofree char *text = vs_xml_node_to_string(fs);
    g_autoptr(xmlDoc) doc = vs_xml_parse(text, "filesystem", NULL);
    g_autoptr(VsShare) back = doc ? vs_share_from_node(xmlDocGetRootElement(doc)) : NULL;

    if (!back || strcmp(back->source, share->source) != 0 ||
        strcmp(back->tag, share->tag) != 0) {
        g_autofree char *source = vs_text_sanitize(share->source, -1);
        g_autofree char *tag = vs_text_sanitize(share->tag, -1);
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("the device XML does not name the checked folder '%s' and tag '%s' "
                      "byte for byte; refusing it"), source, tag);
        return FALSE;
    }
    return TRUE;
}

static xmlNode *
vs_share_to_node(const VsShare *share, xmlDoc *doc, GError **error)
{
    const char *tmpl = share->driver == VS_DRIVER_VIRTIOFS ?
        "filesystem-virtiofs.xml" : "filesystem-9p.xml";
    xmlNode *fs;

    g_return_val_if_fail(share->driver != VS_DRIVER_AUTO, NULL);
    g_return_val_if_fail(share->mode != VS_MODE_DEFAULT, NULL);

    fs = vs_xml_template(tmpl, doc, error);
    if (!fs)
        return NULL;
    /* xmlSetProp stores raw text; the serialiser escapes &, <, quotes. */
    xmlSetProp(fs, BAD_CAST "accessmode", BAD_CAST vs_mode_to_string(share->mode));
    xmlSetProp(vs_xml_child(fs, "source"), BAD_CAST "dir", BAD_CAST share->source);
    xmlSetProp(vs_xml_child(fs, "target"), BAD_CAST "dir", BAD_CAST share->tag);
    if (share->readonly)
        xmlNewChild(fs, NULL, BAD_CAST "readonly", NULL);
    vs_share_add_idmap(fs, share);
    if (!vs_share_node_verify(share, fs, error)) {
        xmlFreeNode(fs);
        return NULL;
    }
    return fs;
}

char *
vs_share_to_device_xml(const VsShare *share, GError **error)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNode *fs = vs_share_to_node(share, doc, error);

    if (!fs)
        return NULL;
    xmlDocSetRootElement(doc, fs);
    return vs_xml_node_to_string(fs);
}
