/* vs-lock.h: one virt-share change at a time per domain (on this host). */
#pragma once

#include <glib.h>
#include <sys/types.h>
#include <libvirt/libvirt.h>

typedef struct _VsLock VsLock;

/* Take the domain's lock, waiting up to @timeout_ms for another virt-share
 * process to finish.  Changes read, edit and write the domain's definition
 * and metadata, so two of them at once would lose one another's edits. */
VsLock *vs_lock_domain(virDomain *dom, guint timeout_ms, GError **error);

/* Where the lock files for a connection to @uri are: /run/virt-share for
 * root and, under a local system URI, for everyone (*@group: the libvirt
 * group's id, shared with root; -1 when there is no such group), else
 * $XDG_RUNTIME_DIR/virt-share (*@group -1: private to the user). */
char *vs_lock_dir(const char *uri, gid_t *group);

/* Lock @dir/@name (@what names it in messages).  Private (@group -1): @dir
 * is created 0700 if missing and must be the caller's with no group or other
 * permissions.  Shared: @dir must be root's and @group's with mode 2770 (root
 * creates it so).  @name is opened without following a symlink and must be
 * a regular file with one link, closed to others: VS_ERROR_POLICY otherwise. */
VsLock *vs_lock_acquire(const char *dir, gid_t group, const char *name, const char *what,
                        guint timeout_ms, GError **error);
void vs_lock_release(VsLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsLock, vs_lock_release)
