/* vsd-conns.c: the connection list, from virt-manager's settings and the defaults. */
#include <config.h>

#include <gio/gio.h>

#include "vs-conn.h"
#include "vs-i18n.h"
#include "vsd-conns.h"

#define VIRT_MANAGER_SCHEMA "org.virt-manager.virt-manager.connections"

static void
vsd_add_unique(GPtrArray *uris, const char *uri)
{
    for (guint i = 0; i < uris->len; i++)
        if (g_strcmp0(g_ptr_array_index(uris, i), uri) == 0)
            return;
    g_ptr_array_add(uris, g_strdup(uri));
}

/* virt-manager keeps the connections a user added in GSettings; read them
 * only when its schema is installed (g_settings_new aborts otherwise). */
static void
vsd_add_virt_manager(GPtrArray *uris)
{
    GSettingsSchemaSource *source = g_settings_schema_source_get_default();
    g_autoptr(GSettingsSchema) schema = NULL;
    g_autoptr(GSettings) settings = NULL;
    g_auto(GStrv) list = NULL;

    if (!source || !(schema = g_settings_schema_source_lookup(source, VIRT_MANAGER_SCHEMA, TRUE)))
        return;
    if (!g_settings_schema_has_key(schema, "uris"))
        return;
    settings = g_settings_new_full(schema, NULL, NULL);
    list = g_settings_get_strv(settings, "uris");
    for (guint i = 0; list[i]; i++)
        if (*list[i])
            vsd_add_unique(uris, list[i]);
}

GStrv
vsd_connection_uris(const char *const *override)
{
    GPtrArray *uris = g_ptr_array_new();

    if (override && override[0]) {
        for (guint i = 0; override[i]; i++)
            vsd_add_unique(uris, override[i]);
    } else {
        vsd_add_virt_manager(uris);
        vsd_add_unique(uris, "");
        vsd_add_unique(uris, "qemu:///session");
        vsd_add_unique(uris, "qemu:///system");
    }
    g_ptr_array_add(uris, NULL);
    return (GStrv)g_ptr_array_free(uris, FALSE);
}

/* Titled as virt-manager titles its connections: the hypervisor, "User
 * session" for a per-user daemon, the host of a remote one. */
char *
vsd_connection_title(const char *uri)
{
    g_autoptr(VsUriInfo) info = NULL;
    g_autofree char *driver = NULL;
    GString *title;
    const char *socket;

    if (!uri || !*uri)
        return g_strdup(_("Default connection"));
    if (!(info = vs_uri_info_parse(uri, NULL)))
        return g_strdup(uri);
    if (g_strcmp0(info->driver, "qemu") == 0)
        driver = g_strdup(_("QEMU/KVM"));
    else if (g_strcmp0(info->driver, "test") == 0)
        /* TRANSLATORS: libvirt's test driver, a simulated hypervisor */
        driver = g_strdup(_("Test"));
    else
        driver = g_strdup(info->driver);
    title = g_string_new(driver);
    if (info->session)
        g_string_append_printf(title, " %s", _("User session"));
    if (info->remote && info->host)
        g_string_append_printf(title, ": %s", info->host);
    /* Another daemon than the usual one (a socket of its own) is another connection. */
    if (info->params && (socket = g_hash_table_lookup(info->params, "socket")))
        g_string_append_printf(title, " (%s)", socket);
    return g_string_free(title, FALSE);
}
