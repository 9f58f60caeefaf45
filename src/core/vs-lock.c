/* vs-lock.c: one virt-share change at a time per domain (on this host).
 *
 * An flock(2) on a file named after the domain UUID.  Root and the users of
 * the libvirt group change the same domains through a local system URI, so
 * they lock in one directory, /run/virt-share, root's and that group's
 * (02770 root:libvirt; tmpfiles.d makes it at boot, root's first lock
 * otherwise).  Anyone else locks in a private $XDG_RUNTIME_DIR/virt-share
 * (qemu:///session, remote URIs).  The directory must be a real directory
 * closed to everyone else, and the lock file is opened in it without
 * following a symbolic link: in a directory others can write (/run/lock is
 * 1777 on Debian) a planted link would make root create or lock a file
 * anywhere.  The lock goes with the process, so a crash never leaves it
 * held. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-lock.h"
#include "vs-time.h"

#define VS_LOCK_DIR_ROOT "/run/virt-share"
#define VS_LOCK_GROUP "libvirt"

struct _VsLock {
    int fd;
};

/* The libvirt group (libvirtd's unix_sock_group on Debian), or -1. */
static gid_t
vs_lock_libvirt_group(void)
{
    struct group *gr = getgrnam(VS_LOCK_GROUP);

    return gr ? gr->gr_gid : (gid_t)-1;
}

char *
vs_lock_dir(const char *uri, gid_t *group)
{
    g_autoptr(VsUriInfo) info = uri ? vs_uri_info_parse(uri, NULL) : NULL;
    gboolean system = info && !info->remote && !info->session &&
                      g_strcmp0(info->path, "/system") == 0;
    gid_t shared = vs_lock_libvirt_group();

    *group = (gid_t)-1;
    if (geteuid() == 0 || (system && shared != (gid_t)-1)) {
        *group = shared;
        return g_strdup(VS_LOCK_DIR_ROOT);
    }
    return g_build_filename(g_get_user_runtime_dir(), "virt-share", NULL);
}

/* Open (creating it if needed) @dir: a directory, not a link.  Private
 * (@group -1): ours, mode 0700.  Shared: root's and @group's, 02770; root
 * makes it so, anyone else only checks. */
static int
vs_lock_dir_open(const char *dir, gid_t group, GError **error)
{
    gboolean shared = group != (gid_t)-1;
    uid_t owner = shared ? 0 : geteuid();
    struct stat st;
    int fd;

    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        int err = errno;
        if (shared && geteuid() != 0)
            g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                        _("cannot create '%s': %s; root makes it at boot (systemd-tmpfiles "
                          "--create virt-share.conf) or at its first change of a domain"),
                        dir, g_strerror(err));
        else
            g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot create '%s': %s"), dir,
                        g_strerror(err));
        return -1;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("refusing to keep lock files in '%s': %s (it must be a directory, "
                      "not a symbolic link)"), dir, g_strerror(err));
        return -1;
    }
    /* Root's own directory, private before (an older version, no group):
     * root may share it with the group now. */
    if (shared && geteuid() == 0 && fstat(fd, &st) == 0 && st.st_uid == 0 &&
        (st.st_gid != group || (st.st_mode & 07777) != 02770))
        (void)(fchown(fd, 0, group) == 0 && fchmod(fd, 02770) == 0);
    if (fstat(fd, &st) < 0 || st.st_uid != owner ||
        (shared ? st.st_gid != group || (st.st_mode & 07777) != 02770
                : (st.st_mode & 077) != 0)) {
        if (shared)
            g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                        _("refusing to keep lock files in '%s': it is owned by uid %u, gid %u "
                          "with mode %04o, but must belong to root and the group %s with mode "
                          "2770; remove it and try again as root"), dir, (guint)st.st_uid,
                        (guint)st.st_gid, (guint)(st.st_mode & 07777), VS_LOCK_GROUP);
        else
            g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                        _("refusing to keep lock files in '%s': it is owned by uid %u with "
                          "mode %04o, but must belong to uid %u with mode 0700; remove it and "
                          "try again"), dir, (guint)st.st_uid, (guint)(st.st_mode & 07777),
                        (guint)geteuid());
        close(fd);
        return -1;
    }
    return fd;
}

/* Open @name in @dirfd: never through a link, only a regular file with one
 * name, ours or (shared, @group not -1) of the group, closed to others. */
static int
vs_lock_file_open(int dirfd, const char *dir, gid_t group, const char *name, GError **error)
{
    struct stat st;
    int fd = openat(dirfd, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
                    group != (gid_t)-1 ? 0640 : 0600);

    if (fd < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot open '%s/%s': %s"), dir, name,
                    g_strerror(err));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
        (st.st_mode & 0007) != 0 ||
        !(st.st_uid == geteuid() || (group != (gid_t)-1 && st.st_gid == group))) {
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("refusing to use '%s/%s' as a lock file: not a regular file of uid %u"),
                    dir, name, (guint)geteuid());
        close(fd);
        return -1;
    }
    /* The group reads it to lock it too, whatever the umask took away. */
    if (group != (gid_t)-1 && st.st_uid == geteuid())
        (void)fchmod(fd, 0640);
    return fd;
}

VsLock *
vs_lock_acquire(const char *dir, gid_t group, const char *name, const char *what,
                guint timeout_ms, GError **error)
{
    VsTimeBackOff backoff;
    VsLock *lock;
    int dirfd, fd;

    if ((dirfd = vs_lock_dir_open(dir, group, error)) < 0)
        return NULL;
    fd = vs_lock_file_open(dirfd, dir, group, name, error);
    close(dirfd);
    if (fd < 0)
        return NULL;
    vs_time_backoff_start(&backoff, 10, 200, timeout_ms);
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK || !vs_time_backoff_wait(&backoff)) {
            g_set_error(error, VS_ERROR, VS_ERROR_TIMEOUT,
                        _("another virt-share is changing domain '%s'; gave up after %u s"),
                        what, timeout_ms / 1000);
            close(fd);
            return NULL;
        }
    }
    lock = g_new0(VsLock, 1);
    lock->fd = fd;
    return lock;
}

VsLock *
vs_lock_domain(virDomain *dom, guint timeout_ms, GError **error)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    g_autofree char *uri = virConnectGetURI(virDomainGetConnect(dom));
    gid_t group;
    g_autofree char *dir = vs_lock_dir(uri, &group);
    g_autofree char *parent = g_path_get_dirname(dir);
    g_autofree char *name = NULL;

    if (virDomainGetUUIDString(dom, uuid) < 0) {
        vs_conn_set_error(error, _("cannot read the domain UUID"));
        return NULL;
    }
    /* Without $XDG_RUNTIME_DIR, GLib falls back to the cache directory,
     * which may not exist yet. */
    if (group == (gid_t)-1 && geteuid() != 0 && g_mkdir_with_parents(parent, 0700) < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot create '%s': %s"), parent,
                    g_strerror(err));
        return NULL;
    }
    name = g_strdup_printf("%s.lock", uuid);
    return vs_lock_acquire(dir, group, name, virDomainGetName(dom), timeout_ms, error);
}

void
vs_lock_release(VsLock *lock)
{
    if (!lock)
        return;
    close(lock->fd);   /* releases the flock */
    g_free(lock);
}
