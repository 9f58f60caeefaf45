/* vs-userns.c: may this user create a user namespace? */
#include <config.h>

#include <errno.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vs-i18n.h"
#include "vs-userns.h"

int
vs_userns_probe(void)
{
    pid_t pid;
    int status;

    /* In a child: a user namespace cannot be entered by a threaded process
     * (EINVAL), and this one must not enter one anyway.  Between fork and
     * _exit only system calls. */
    pid = fork();
    if (pid < 0)
        return 0;   /* cannot tell: libvirt will say */
    if (pid == 0)
        _exit(unshare(CLONE_NEWUSER) == 0 ? 0 : (errno > 0 && errno < 256 ? errno : 255));
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return 0;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 0;
}

const char *
vs_userns_refusal(int err)
{
    /* The causes the kernel has for each errno (user_namespaces(7),
     * kernel/user_namespace.c create_user_ns()). */
    switch (err) {
    case ENOSPC:
        return _("virtiofs under qemu:///session needs a user namespace (libvirt runs "
                 "virtiofsd as you, in a user namespace of its own) and this system allows "
                 "no more of them (sysctl user.max_user_namespaces is 0 or reached); use "
                 "--driver 9p, or raise that limit");
    case EPERM:
        return _("virtiofs under qemu:///session needs a user namespace (libvirt runs "
                 "virtiofsd as you, in a user namespace of its own) and this system does not "
                 "let you create one (sysctl kernel.unprivileged_userns_clone is 0, a "
                 "security module forbids it, or this runs in a chroot); use --driver 9p, or "
                 "allow unprivileged user namespaces");
    default:
        return _("virtiofs under qemu:///session needs a user namespace (libvirt runs "
                 "virtiofsd as you, in a user namespace of its own) and this system could "
                 "not create one; use --driver 9p");
    }
}
