/* vs-domain-state.h: a snapshot of a libvirt domain (its definitions, parsed,
 * and what its connection says), read once before an operation decides
 * anything, and the shares it has. */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>
#include <libxml/tree.h>

#include "vs-conn.h"
#include "vs-identity.h"
#include "vs-share.h"

/* A snapshot of a domain, taken before any change. */
typedef struct {
    virDomain *dom;
    char *name;
    gboolean running;
    gboolean persistent;
    char *config_xml;       /* persistent definition, NULL if transient */
    char *live_xml;         /* running definition, NULL if not running */
    xmlDoc *config_doc;
    xmlDoc *live_doc;
    /* What the plan asks of the connection, read at most once per state and
     * handed on (cache key, session checks, identity): use the accessors. */
    char *uri;              /* virConnectGetURI (formatted by the client, no RPC) */
    VsUriInfo *uri_info;
    gboolean uri_read;
    unsigned long libvirt;  /* virConnectGetLibVersion (one RPC); 0: unknown */
    gboolean libvirt_read;
} VsDomainState;

VsDomainState *vs_domain_state_load(virDomain *dom, GError **error);
void vs_domain_state_free(VsDomainState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsDomainState, vs_domain_state_free)

/* The connection's URI (text and parsed), NULL if libvirt cannot say.  Read
 * when the state is loaded. */
const char *vs_domain_state_uri(VsDomainState *state);
const VsUriInfo *vs_domain_state_uri_info(VsDomainState *state);
/* libvirt's version, 0 if unknown.  Asked on first use only (an RPC that
 * list, which loads a state per domain, never needs), then kept. */
unsigned long vs_domain_state_libvirt(VsDomainState *state);

/* The shares of a domain, config and live merged, with their mount points. */
GPtrArray *vs_domain_state_shares(VsDomainState *state);

/* The one answer to "tag or folder?" for every command that names a share:
 * @what is a host folder when it has a '/', starts with '.' or names a
 * directory here (relative to the current directory, symbolic links resolved,
 * as add takes it) and a share has that folder; else a mount tag.  A copy of
 * the share, or NULL with VS_ERROR_NOT_FOUND. */
VsShare *vs_domain_state_find_share(VsDomainState *state, const char *what, GError **error);

/* Who QEMU runs as for this domain: the running domain's DAC seclabel, else
 * a static DAC seclabel in its definition, else user/group from qemu.conf
 * (@qemu_conf; NULL: $VIRT_SHARE_QEMU_CONF or /etc/libvirt/qemu.conf), else
 * the distribution default (libvirt-qemu, qemu).  For session URIs: the
 * calling user. */
gboolean vs_domain_state_identity(VsDomainState *state, const char *qemu_conf,
                                  VsIdentity *id, GError **error);

/* Define @xml as the domain's persistent definition (virDomainDefineXML). */
gboolean vs_domain_state_define(VsDomainState *state, const char *xml, GError **error);
