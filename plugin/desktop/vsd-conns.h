/* vsd-conns.h: which libvirt connections the desktop program shows. */
#pragma once

#include <glib.h>

/* The URIs to show, without duplicates: @override when given (--connect),
 * else virt-manager's own connection list (when its GSettings schema is
 * installed), then the default connection (""), qemu:///session and
 * qemu:///system. */
GStrv vsd_connection_uris(const char *const *override);

/* A title for @uri ("" is the default connection), translated, in
 * virt-manager's words ("QEMU/KVM", "QEMU/KVM User session", "QEMU/KVM: host"). */
char *vsd_connection_title(const char *uri);
