/* vs-uri.h: a libvirt connection URI split into its parts, without libvirt
 * (the remote runner reads it before any connection). */
#pragma once

#include <glib.h>

/* Where a connection's hypervisor runs, seen from this process. */
typedef struct {
    gboolean remote;    /* the URI names a server: its files are not ours */
    gboolean session;   /* a per-user daemon (qemu:///session): QEMU runs as that user */
    char *driver;       /* "qemu", "test", ... */
    char *transport;    /* "ssh", "libssh", "tls", "tcp", ... or NULL */
    char *user;         /* user@ of the URI, or NULL */
    char *host;         /* server of the URI, or NULL when local */
    int port;           /* or -1 */
    char *path;         /* "/system", "/session", ... */
    GHashTable *params; /* query parameters (keyfile, socket, ...) */
} VsUriInfo;

void vs_uri_info_free(VsUriInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsUriInfo, vs_uri_info_free)

/* Split a libvirt URI ("driver[+transport]://[user@][host][:port]/path[?query]"). */
VsUriInfo *vs_uri_info_parse(const char *uri, GError **error);
