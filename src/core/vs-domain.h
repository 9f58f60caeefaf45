/* vs-domain.h: restarting a domain so that a cold-plugged share appears. */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

/* Ask the guest to shut down (guest agent, then ACPI power button), wait up to
 * @timeout_ms for it to stop (polling with back-off), destroy it only when
 * @force, then start it again. */
gboolean vs_domain_restart(virDomain *dom, guint timeout_ms, gboolean force, GError **error);

/* Poll until the domain is inactive, with back-off, for at most @timeout_ms. */
gboolean vs_domain_wait_inactive(virDomain *dom, guint timeout_ms, GError **error);
