/* vs-lock.h: one virt-share change at a time per domain (on this host). */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

typedef struct _VsLock VsLock;

/* Take the domain's lock, waiting up to @timeout_ms for another virt-share
 * process to finish.  Changes read, edit and write the domain's definition
 * and metadata, so two of them at once would lose one another's edits. */
VsLock *vs_lock_domain(virDomain *dom, guint timeout_ms, GError **error);
void vs_lock_release(VsLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsLock, vs_lock_release)
