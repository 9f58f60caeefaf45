/* vs-lock.c: one virt-share change at a time per domain (on this host).
 *
 * An flock(2) on a file named after the domain UUID, in /run/lock/virt-share
 * when writable (root), else in the user's runtime directory.  The lock goes
 * with the process, so a crash never leaves it held. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-lock.h"
#include "vs-time.h"

struct _VsLock {
    int fd;
};

static char *
vs_lock_dir(void)
{
    if (access("/run/lock", W_OK) == 0)
        return g_strdup("/run/lock/virt-share");
    return g_build_filename(g_get_user_runtime_dir(), "virt-share", NULL);
}

VsLock *
vs_lock_domain(virDomain *dom, guint timeout_ms, GError **error)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    g_autofree char *dir = vs_lock_dir();
    g_autofree char *path = NULL;
    VsTimeBackOff backoff;
    VsLock *lock;
    int fd;

    if (virDomainGetUUIDString(dom, uuid) < 0) {
        vs_set_libvirt_error(error, _("cannot read the domain UUID"));
        return NULL;
    }
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_LIBVIRT, _("cannot create '%s': %s"), dir,
                    g_strerror(err));
        return NULL;
    }
    path = g_strdup_printf("%s/%s.lock", dir, uuid);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_LIBVIRT, _("cannot open '%s': %s"), path,
                    g_strerror(err));
        return NULL;
    }
    vs_time_backoff_start(&backoff, 10, 200, timeout_ms);
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK || !vs_time_backoff_wait(&backoff)) {
            g_set_error(error, VS_ERROR, VS_ERROR_TIMEOUT,
                        _("another virt-share is changing domain '%s'; gave up after %u s"),
                        virDomainGetName(dom), timeout_ms / 1000);
            close(fd);
            return NULL;
        }
    }
    lock = g_new0(VsLock, 1);
    lock->fd = fd;
    return lock;
}

void
vs_lock_release(VsLock *lock)
{
    if (!lock)
        return;
    close(lock->fd);   /* releases the flock */
    g_free(lock);
}
