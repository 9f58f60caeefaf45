/* vs-conn.c: libvirt connections, domain look-up and libvirt errors as GError. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-text.h"

void
vs_conn_close(virConnect *conn)
{
    if (conn)
        virConnectClose(conn);
}

void
vs_domain_free(virDomain *dom)
{
    if (dom)
        virDomainFree(dom);
}

static void
vs_libvirt_silent(void *opaque, virErrorPtr err)
{
    /* Errors are collected with virGetLastError() and reported once. */
}

void
vs_libvirt_init(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        virInitialize();
        virSetErrorFunc(NULL, vs_libvirt_silent);
        g_once_init_leave(&done, 1);
    }
}

int
vs_libvirt_last_error_code(void)
{
    virErrorPtr err = virGetLastError();

    return err ? err->code : VIR_ERR_OK;
}

void
vs_set_libvirt_error(GError **error, const char *context)
{
    virErrorPtr err = virGetLastError();
    const char *msg = err && err->message ? err->message : _("unknown libvirt error");
    VsErrorCode code = err && err->code == VIR_ERR_NO_DOMAIN ? VS_ERROR_DOMAIN_GONE
                                                               : VS_ERROR_LIBVIRT;
    /* libvirt's message may quote the guest (an agent's error reply): sanitised
     * and bounded as any guest text in an error. */
    g_autofree char *shown = vs_text_for_error(msg, -1);

    g_debug("libvirt: error %d: %s", err ? err->code : 0, shown);

    g_set_error(error, VS_ERROR, code, "%s: %s", context, shown);
}

virConnect *
vs_connect(const char *uri, GError **error)
{
    return vs_connect_full(uri, VS_CONNECT_DEFAULT, error);
}

virConnect *
vs_connect_full(const char *uri, VsConnectFlags flags, GError **error)
{
    virConnect *conn;

    vs_libvirt_init();
    g_debug("libvirt: virConnectOpenAuth(%s%s)", uri ? uri : "(default)",
            (flags & VS_CONNECT_READONLY) ? ", read-only" : "");
    conn = virConnectOpenAuth(uri, virConnectAuthPtrDefault,
                              (flags & VS_CONNECT_READONLY) ? VIR_CONNECT_RO : 0);
    if (!conn) {
        g_autofree char *ctx = g_strdup_printf(_("cannot connect to the hypervisor '%s'"),
                                               uri ? uri : _("(default)"));
        vs_set_libvirt_error(error, ctx);
    }
    return conn;
}

virDomain *
vs_domain_lookup(virConnect *conn, const char *name, GError **error)
{
    virDomain *dom = NULL;
    guint64 id;

    if (!name || !*name) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID, _("no domain given"));
        return NULL;
    }

    g_debug("libvirt: look up domain '%s'", name);
    if (g_ascii_string_to_unsigned(name, 10, 0, G_MAXINT, &id, NULL))
        dom = virDomainLookupByID(conn, (int)id);
    if (!dom && g_uuid_string_is_valid(name))
        dom = virDomainLookupByUUIDString(conn, name);
    if (!dom)
        dom = virDomainLookupByName(conn, name);
    if (!dom) {
        if (vs_libvirt_last_error_code() == VIR_ERR_NO_DOMAIN) {
            g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND,
                        _("failed to get domain '%s': no such domain"), name);
        } else {
            g_autofree char *ctx = g_strdup_printf(_("failed to get domain '%s'"), name);
            vs_set_libvirt_error(error, ctx);
        }
    }
    return dom;
}

GPtrArray *
vs_domain_list(virConnect *conn, unsigned int flags, GError **error)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, flags);
    GPtrArray *list;

    if (n < 0) {
        vs_set_libvirt_error(error, _("cannot list domains"));
        return NULL;
    }
    list = g_ptr_array_new_full(n, (GDestroyNotify)vs_domain_free);
    for (int i = 0; i < n; i++)
        g_ptr_array_add(list, doms[i]);
    free(doms);
    return list;
}

char *
vs_domain_get_xml(virDomain *dom, gboolean inactive, GError **error)
{
    unsigned int flags = VIR_DOMAIN_XML_SECURE | (inactive ? VIR_DOMAIN_XML_INACTIVE : 0);
    char *raw;
    char *xml;

    g_debug("libvirt: virDomainGetXMLDesc(%s, %s)", virDomainGetName(dom),
            inactive ? "inactive" : "current");
    raw = virDomainGetXMLDesc(dom, flags);

    /* A read-only connection (-r) may not ask for secrets; shares need none. */
    if (!raw && vs_libvirt_last_error_code() == VIR_ERR_OPERATION_DENIED)
        raw = virDomainGetXMLDesc(dom, flags & ~VIR_DOMAIN_XML_SECURE);

    if (!raw) {
        vs_set_libvirt_error(error, _("cannot read the domain XML"));
        return NULL;
    }
    /* Hand out GLib-allocated memory so callers can use g_autofree. */
    xml = g_strdup(raw);
    free(raw);
    return xml;
}

void
vs_uri_info_free(VsUriInfo *info)
{
    if (!info)
        return;
    g_free(info->transport);
    g_free(info->driver);
    g_free(info->user);
    g_free(info->host);
    g_free(info->path);
    g_clear_pointer(&info->params, g_hash_table_unref);
    g_free(info);
}

VsUriInfo *
vs_uri_info_parse(const char *uri, GError **error)
{
    g_autoptr(GUri) parsed = NULL;
    g_autoptr(GError) uri_error = NULL;
    g_autoptr(VsUriInfo) info = g_new0(VsUriInfo, 1);
    const char *scheme, *plus, *host, *query;

    parsed = g_uri_parse(uri, G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_NON_DNS, &uri_error);
    if (!parsed) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID, _("invalid connection URI '%s': %s"),
                    uri, uri_error->message);
        return NULL;
    }
    scheme = g_uri_get_scheme(parsed);
    if ((plus = strchr(scheme, '+')))
        info->transport = g_strdup(plus + 1);
    info->driver = plus ? g_strndup(scheme, plus - scheme) : g_strdup(scheme);
    host = g_uri_get_host(parsed);
    /* "qemu:///system" has an empty authority: the daemon on this host. */
    info->host = host && *host ? g_strdup(host) : NULL;
    info->user = g_strdup(g_uri_get_user(parsed));
    info->port = g_uri_get_port(parsed);
    info->path = g_strdup(g_uri_get_path(parsed));
    info->remote = info->host != NULL;
    info->session = g_strcmp0(info->path, "/session") == 0;
    query = g_uri_get_query(parsed);
    info->params = query ? g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
    if (!info->params)
        info->params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return g_steal_pointer(&info);
}
