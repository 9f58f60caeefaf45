/* vs-domain.c: a domain of a connection: look-up, list, XML, restart. */
#include <config.h>

#include <stdlib.h>

#include "vs-conn.h"
#include "vs-domain.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-time.h"

void
vs_domain_free(virDomain *dom)
{
    if (dom)
        virDomainFree(dom);
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
        if (vs_conn_last_error_code() == VIR_ERR_NO_DOMAIN) {
            g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND,
                        _("failed to get domain '%s': no such domain"), name);
        } else {
            g_autofree char *ctx = g_strdup_printf(_("failed to get domain '%s'"), name);
            vs_conn_set_error(error, ctx);
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
        vs_conn_set_error(error, _("cannot list domains"));
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
    if (!raw && vs_conn_last_error_code() == VIR_ERR_OPERATION_DENIED)
        raw = virDomainGetXMLDesc(dom, flags & ~VIR_DOMAIN_XML_SECURE);

    if (!raw) {
        vs_conn_set_error(error, _("cannot read the domain XML"));
        return NULL;
    }
    /* Hand out GLib-allocated memory so callers can use g_autofree. */
    xml = g_strdup(raw);
    free(raw);
    return xml;
}

gboolean
vs_domain_wait_inactive(virDomain *dom, guint timeout_ms, GError **error)
{
    VsTimeBackOff backoff;

    vs_time_backoff_start(&backoff, 20, 500, timeout_ms);
    for (;;) {
        int active = virDomainIsActive(dom);

        if (active < 0) {
            vs_conn_set_error(error, _("cannot read the domain state"));
            return FALSE;
        }
        if (!active)
            return TRUE;
        if (!vs_time_backoff_wait(&backoff)) {
            g_set_error(error, VS_ERROR, VS_ERROR_TIMEOUT,
                        _("domain '%s' did not shut down within %u s"),
                        virDomainGetName(dom), timeout_ms / 1000);
            return FALSE;
        }
    }
}

gboolean
vs_domain_restart(virDomain *dom, guint timeout_ms, gboolean force, GError **error)
{
    g_autoptr(GError) wait_error = NULL;

    g_debug("libvirt: virDomainShutdownFlags(%s, agent|acpi)", virDomainGetName(dom));
    if (virDomainShutdownFlags(dom, VIR_DOMAIN_SHUTDOWN_GUEST_AGENT |
                                    VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) < 0) {
        vs_conn_set_error(error, _("cannot shut the domain down"));
        return FALSE;
    }
    if (!vs_domain_wait_inactive(dom, timeout_ms, &wait_error)) {
        if (!force || wait_error->code != VS_ERROR_TIMEOUT) {
            if (wait_error->code == VS_ERROR_TIMEOUT)
                g_set_error(error, VS_ERROR, VS_ERROR_TIMEOUT,
                            _("%s; add --force to destroy it after the timeout"),
                            wait_error->message);
            else
                g_propagate_error(error, g_steal_pointer(&wait_error));
            return FALSE;
        }
        g_debug("libvirt: virDomainDestroy(%s)", virDomainGetName(dom));
        if (virDomainDestroy(dom) < 0) {
            vs_conn_set_error(error, _("cannot destroy the domain"));
            return FALSE;
        }
    }
    g_debug("libvirt: virDomainCreate(%s)", virDomainGetName(dom));
    if (virDomainCreate(dom) < 0) {
        vs_conn_set_error(error, _("cannot start the domain"));
        return FALSE;
    }
    return TRUE;
}
