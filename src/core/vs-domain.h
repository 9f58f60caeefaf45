/* vs-domain.h: a domain of a connection: looked up the way virsh does,
 * listed, its XML read, and restarted so that a cold-plugged share appears. */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "vs-conn.h"

void vs_domain_free(virDomain *dom);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomain, vs_domain_free)

/* Look a domain up the way virsh does: by id, then UUID, then name. */
virDomain *vs_domain_lookup(virConnect *conn, const char *name, GError **error);

/* All domains (virConnectListAllDomains @flags), as a GPtrArray that frees them. */
GPtrArray *vs_domain_list(virConnect *conn, unsigned int flags, GError **error);

/* The domain's XML: the persistent definition (@inactive) or the live one. */
char *vs_domain_get_xml(virDomain *dom, gboolean inactive, GError **error);

/* Ask the guest to shut down (guest agent, then ACPI power button), wait up to
 * @timeout_ms for it to stop (polling with back-off), destroy it only when
 * @force, then start it again. */
gboolean vs_domain_restart(virDomain *dom, guint timeout_ms, gboolean force, GError **error);

/* Poll until the domain is inactive, with back-off, for at most @timeout_ms. */
gboolean vs_domain_wait_inactive(virDomain *dom, guint timeout_ms, GError **error);
