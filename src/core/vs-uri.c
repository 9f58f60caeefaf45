/* vs-uri.c: a libvirt connection URI split into its parts (no libvirt call). */
#include <config.h>

#include <string.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-uri.h"

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
