/* vs-identity.h: the host identity QEMU (and so the 9p server) runs as. */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include <libxml/tree.h>

#include "vs-enum.h"

/* Where the identity was found, in the order they are tried. */
typedef enum {
    VS_IDENTITY_LIVE_LABEL,     /* the running domain's DAC label */
    VS_IDENTITY_STATIC_LABEL,   /* a static DAC label in the definition */
    VS_IDENTITY_SESSION,        /* a session URI: the calling user */
    VS_IDENTITY_QEMU_CONF,      /* user/group in qemu.conf */
    VS_IDENTITY_DEFAULT,        /* libvirt's built-in default user */
    VS_IDENTITY_LAST
} VsIdentitySource;

/* "live-label", "static-label", "session", "qemu-conf", "default" (JSON). */
VS_ENUM_DECL(vs_identity_source);

typedef struct {
    uid_t uid;
    gid_t gid;
    char *user;             /* name, or the number as text */
    char *group;
    VsIdentitySource source;
    char *origin;           /* translated: where it was found, for people */
} VsIdentity;

void vs_identity_clear(VsIdentity *id);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(VsIdentity, vs_identity_clear)

/* Parse a DAC label: "+64055:+64055", "libvirt-qemu:kvm", "qemu". */
gboolean vs_identity_parse_label(const char *label, VsIdentity *id, GError **error);

/* The one reader of qemu.conf: the value of @key in a qemu.conf text
 * (libvirt's syntax: key = "string" or key = number, then an optional
 * "# comment"; the last assignment wins), or NULL when not set. */
char *vs_identity_qemu_conf_get(const char *text, const char *key);

/* user and group from a qemu.conf text, g_strdup'ed, NULL when not set. */
void vs_identity_qemu_conf_parse(const char *text, char **user, char **group);

/* The qemu.conf to read: @override, else $VIRT_SHARE_QEMU_CONF, else
 * /etc/libvirt/qemu.conf. */
const char *vs_identity_qemu_conf_path(const char *override);

/* Who QEMU runs as, from domain documents alone (no libvirt call: for the
 * hook; vs_domain_state_identity reads them from a domain).
 * @live_doc may be NULL; @session: the domain belongs to a session daemon. */
gboolean vs_identity_from_docs(xmlDoc *live_doc, xmlDoc *config_doc, gboolean session,
                               const char *qemu_conf, VsIdentity *id, GError **error);
