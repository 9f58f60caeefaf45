/* vs-conn.h: libvirt connections and libvirt errors as GError. */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vs-uri.h"

void vs_conn_close(virConnect *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virConnect, vs_conn_close)

/* Initialise libvirt once and keep it from printing errors itself: they are
 * turned into GErrors and reported once, by the front end. */
void vs_conn_init(void);

/* Set @error from libvirt's last error, prefixed with a translated context:
 * DOMAIN_GONE when the domain no longer exists, LIBVIRT otherwise.  Callers
 * tell error kinds apart by these codes, never by libvirt's last error after
 * the fact (another call may have replaced it). */
void vs_conn_set_error(GError **error, const char *context);

/* The libvirt error number of the last failed call (VIR_ERR_*), or VIR_ERR_OK. */
int vs_conn_last_error_code(void);

/* How to open a connection. */
typedef enum {
    VS_CONNECT_DEFAULT = 0,
    VS_CONNECT_READONLY = 1 << 0,   /* virConnectOpenReadOnly semantics: look, change nothing */
} VsConnectFlags;

/* Open @uri (NULL: LIBVIRT_DEFAULT_URI, then libvirt's default) the way virsh
 * does: virConnectOpenAuth with libvirt's default callback, so polkit and SASL
 * prompts work where virsh's do. */
virConnect *vs_conn_open(const char *uri, GError **error);
virConnect *vs_conn_open_full(const char *uri, VsConnectFlags flags, GError **error);
