/* vs-identity.c: the host identity QEMU runs as. */
#include <config.h>

#include <grp.h>
#include <stdlib.h>
#include <pwd.h>
#include <unistd.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-identity.h"
#include "vs-xml.h"

VS_ENUM_IMPL(vs_identity_source, VS_IDENTITY_LAST,
             "live-label", "static-label", "session", "qemu-conf", "default")

void
vs_identity_clear(VsIdentity *id)
{
    g_clear_pointer(&id->user, g_free);
    g_clear_pointer(&id->group, g_free);
    g_clear_pointer(&id->origin, g_free);
}

static gboolean
vs_lookup_user(const char *name, uid_t *uid, gid_t *gid, char **user_out)
{
    guint64 n;
    struct passwd *pw;

    if (name[0] == '+' && g_ascii_string_to_unsigned(name + 1, 10, 0, G_MAXUINT32, &n, NULL)) {
        *uid = (uid_t)n;
        pw = getpwuid(*uid);
        *user_out = g_strdup(pw ? pw->pw_name : name + 1);
        if (pw)
            *gid = pw->pw_gid;
        return TRUE;
    }
    if (!(pw = getpwnam(name)))
        return FALSE;
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    *user_out = g_strdup(pw->pw_name);
    return TRUE;
}

static gboolean
vs_lookup_group(const char *name, gid_t *gid, char **group_out)
{
    guint64 n;
    struct group *gr;

    if (name[0] == '+' && g_ascii_string_to_unsigned(name + 1, 10, 0, G_MAXUINT32, &n, NULL)) {
        *gid = (gid_t)n;
        gr = getgrgid(*gid);
        *group_out = g_strdup(gr ? gr->gr_name : name + 1);
        return TRUE;
    }
    if (!(gr = getgrnam(name)))
        return FALSE;
    *gid = gr->gr_gid;
    *group_out = g_strdup(gr->gr_name);
    return TRUE;
}

gboolean
vs_identity_parse_label(const char *label, VsIdentity *id, GError **error)
{
    g_auto(GStrv) parts = g_strsplit(label ? label : "", ":", 2);
    gid_t gid = 0;

    vs_identity_clear(id);
    if (!parts[0] || !*parts[0] || !vs_lookup_user(parts[0], &id->uid, &gid, &id->user)) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID, _("unknown user in DAC label '%s'"),
                    label ? label : "");
        return FALSE;
    }
    id->gid = gid;
    if (parts[1] && *parts[1]) {
        if (!vs_lookup_group(parts[1], &id->gid, &id->group)) {
            g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                        _("unknown group in DAC label '%s'"), label);
            return FALSE;
        }
    } else {
        struct group *gr;

        /* No group: the user's primary group; for a uid without a passwd
         * entry, the group of the same number (never gid 0 by default). */
        if (!getpwuid(id->uid)) {
            if (!getgrgid((gid_t)id->uid)) {
                g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                            _("DAC label '%s' names no group, and uid %u has no user nor "
                              "group of its own on this host"), label, (unsigned)id->uid);
                return FALSE;
            }
            id->gid = (gid_t)id->uid;
        }
        gr = getgrgid(id->gid);
        id->group = gr ? g_strdup(gr->gr_name) : g_strdup_printf("%u", (unsigned)id->gid);
    }
    return TRUE;
}

/* One "key = value  # comment" line of qemu.conf (libvirt's virconf syntax):
 * *@value_out gets a string's contents (without quotes) or a number's text.
 * Lists and lines that are not assignments give FALSE. */
static gboolean
vs_qemu_conf_line(const char *line, char **key_out, char **value_out)
{
    const char *p = line, *key, *val;
    size_t key_len, val_len;

    while (g_ascii_isspace(*p))
        p++;
    key = p;
    while (g_ascii_isalnum(*p) || *p == '_')
        p++;
    key_len = (size_t)(p - key);
    while (g_ascii_isspace(*p))
        p++;
    if (key_len == 0 || *p++ != '=')
        return FALSE;
    while (g_ascii_isspace(*p))
        p++;
    if (*p == '"' || *p == '\'') {
        const char *end = strchr(p + 1, *p);
        if (!end)
            return FALSE;
        val = p + 1;
        val_len = (size_t)(end - val);
        p = end + 1;
    } else {
        val = p;
        while (g_ascii_isdigit(*p) || (p == val && *p == '-'))
            p++;
        val_len = (size_t)(p - val);
        if (val_len == 0)
            return FALSE;
    }
    while (g_ascii_isspace(*p))
        p++;
    /* Only a comment may follow the value. */
    if (*p && *p != '#')
        return FALSE;
    *key_out = g_strndup(key, key_len);
    *value_out = g_strndup(val, val_len);
    return TRUE;
}

char *
vs_identity_qemu_conf_get(const char *text, const char *key)
{
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
    char *value = NULL;

    /* As in libvirt, the last assignment wins. */
    for (guint i = 0; lines[i]; i++) {
        g_autofree char *k = NULL;
        g_autofree char *v = NULL;

        if (vs_qemu_conf_line(lines[i], &k, &v) && strcmp(k, key) == 0) {
            g_free(value);
            value = g_steal_pointer(&v);
        }
    }
    return value;
}

void
vs_identity_qemu_conf_parse(const char *text, char **user, char **group)
{
    *user = vs_identity_qemu_conf_get(text, "user");
    *group = vs_identity_qemu_conf_get(text, "group");
}

const char *
vs_identity_qemu_conf_path(const char *override)
{
    if (override)
        return override;
    if (g_getenv("VIRT_SHARE_QEMU_CONF"))
        return g_getenv("VIRT_SHARE_QEMU_CONF");
    return "/etc/libvirt/qemu.conf";
}

static char *
vs_dac_label(xmlDoc *doc, gboolean static_only)
{
    xmlNode *label = vs_xml_find_one(doc, NULL,
                                     static_only ?
                                     "/domain/seclabel[@model='dac' and @type='static']/label" :
                                     "/domain/seclabel[@model='dac']/label");
    g_autoptr(VsXmlChar) text = label ? xmlNodeGetContent(label) : NULL;

    return text ? g_strdup((const char *)text) : NULL;
}

gboolean
vs_identity_from_docs(xmlDoc *live_doc, xmlDoc *config_doc, gboolean session,
                      const char *qemu_conf, VsIdentity *id, GError **error)
{
    g_autofree char *conf_text = NULL;
    g_autofree char *user = NULL;
    g_autofree char *group = NULL;
    g_autofree char *live_label = live_doc ? vs_dac_label(live_doc, FALSE) : NULL;
    g_autofree char *static_label = config_doc ? vs_dac_label(config_doc, TRUE) : NULL;

    memset(id, 0, sizeof(*id));
    if (live_label) {
        if (!vs_identity_parse_label(live_label, id, error))
            return FALSE;
        id->source = VS_IDENTITY_LIVE_LABEL;
        id->origin = g_strdup(_("the running domain's DAC label"));
        return TRUE;
    }
    if (static_label) {
        if (!vs_identity_parse_label(static_label, id, error))
            return FALSE;
        id->source = VS_IDENTITY_STATIC_LABEL;
        id->origin = g_strdup(_("the domain's static DAC label"));
        return TRUE;
    }
    if (session) {
        g_autofree char *self = g_strdup_printf("+%u:+%u", (unsigned)getuid(), (unsigned)getgid());
        if (!vs_identity_parse_label(self, id, error))
            return FALSE;
        id->source = VS_IDENTITY_SESSION;
        id->origin = g_strdup(_("a session URI: QEMU runs as you"));
        return TRUE;
    }

    qemu_conf = vs_identity_qemu_conf_path(qemu_conf);
    if (g_file_get_contents(qemu_conf, &conf_text, NULL, NULL))
        vs_identity_qemu_conf_parse(conf_text, &user, &group);
    if (user) {
        g_autofree char *spec = group ? g_strdup_printf("%s:%s", user, group) : g_strdup(user);
        if (!vs_identity_parse_label(spec, id, error))
            return FALSE;
        id->source = VS_IDENTITY_QEMU_CONF;
        id->origin = g_strdup_printf(_("user/group in %s"), qemu_conf);
        return TRUE;
    }
    /* libvirt's built-in default differs by distribution. */
    for (const char *const *name = (const char *const[]){ "libvirt-qemu", "qemu", NULL };
         *name; name++) {
        if (getpwnam(*name) && vs_identity_parse_label(*name, id, NULL)) {
            if (group) {
                g_free(id->group);
                id->group = NULL;
                if (!vs_lookup_group(group, &id->gid, &id->group))
                    continue;
            }
            id->source = VS_IDENTITY_DEFAULT;
            id->origin = g_strdup(_("libvirt's default QEMU user"));
            return TRUE;
        }
    }
    g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND,
                _("cannot tell which user QEMU runs as (no DAC label, no user in %s, no "
                  "libvirt-qemu or qemu user)"), qemu_conf);
    return FALSE;
}
