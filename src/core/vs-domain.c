/* vs-domain.c: restarting a domain. */
#include <config.h>

#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-domain.h"
#include "vs-time.h"

gboolean
vs_domain_wait_inactive(virDomain *dom, guint timeout_ms, GError **error)
{
    VsTimeBackOff backoff;

    vs_time_backoff_start(&backoff, 20, 500, timeout_ms);
    for (;;) {
        int active = virDomainIsActive(dom);

        if (active < 0) {
            vs_set_libvirt_error(error, _("cannot read the domain state"));
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
        vs_set_libvirt_error(error, _("cannot shut the domain down"));
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
            vs_set_libvirt_error(error, _("cannot destroy the domain"));
            return FALSE;
        }
    }
    g_debug("libvirt: virDomainCreate(%s)", virDomainGetName(dom));
    if (virDomainCreate(dom) < 0) {
        vs_set_libvirt_error(error, _("cannot start the domain"));
        return FALSE;
    }
    return TRUE;
}
