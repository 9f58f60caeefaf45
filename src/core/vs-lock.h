/* vs-lock.h: one virt-share change at a time per domain (on this host). */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

typedef struct _VsLock VsLock;

/* Take the domain's lock, waiting up to @timeout_ms for another virt-share
 * process to finish.  Changes read, edit and write the domain's definition
 * and metadata, so two of them at once would lose one another's edits. */
VsLock *vs_lock_domain(virDomain *dom, guint timeout_ms, GError **error);

/* Where the lock files are: /run/virt-share for root, else
 * $XDG_RUNTIME_DIR/virt-share (so locks are per user). */
char *vs_lock_dir(void);

/* Lock @dir/@name (@what names it in messages).  @dir is created 0700 if
 * missing; it must be a directory (not a symlink) owned by the caller with no
 * group or other permissions, and @name is opened without following a
 * symlink and must be the caller's regular file: VS_ERROR_POLICY otherwise. */
VsLock *vs_lock_acquire(const char *dir, const char *name, const char *what, guint timeout_ms,
                        GError **error);
void vs_lock_release(VsLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsLock, vs_lock_release)
