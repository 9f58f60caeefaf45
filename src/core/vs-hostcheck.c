/* vs-hostcheck.c: the checks the libvirt hook makes on each share before a
 * domain starts: read only, and bounded in time.
 *
 * The hook runs as root at every start, and libvirt waits for it.  A stat()
 * of a folder on a hung NFS or FUSE mount never returns, and a process stuck
 * in it cannot even be killed until the file system answers; a thread would
 * keep the hook (and libvirt's pipe) alive just the same.  So each share is
 * checked in a child process in its own process group, with its standard
 * streams on /dev/null, that reports through a pipe: the hook waits for the
 * answer until its deadline, then kills the group and goes on without it. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vs-config.h"
#include "vs-error.h"
#include "vs-harden.h"
#include "vs-hostcheck.h"
#include "vs-i18n.h"
#include "vs-path.h"
#include "vs-perm.h"
#include "vs-policy.h"
#include "vs-text.h"

/* The most a child reports: a few messages, never unbounded. */
#define VS_HOST_CHECK_MAX_REPORT 65536

/* The checks themselves (in the child): only stat, realpath, open(O_PATH),
 * getxattr, statvfs and access(2) as QEMU's user; nothing is created or
 * changed. */
static VsHostCheck
vs_host_check_now(const VsShare *share, const VsConfig *cfg, const VsIdentity *id,
                  gboolean want_protected, char **message)
{
    gboolean protected_now = TRUE;
    g_autoptr(GError) error = NULL;
    g_autofree char *resolved = NULL;
    g_autoptr(GPtrArray) findings = NULL;
    struct stat st;

    if (stat(share->source, &st) < 0 || !S_ISDIR(st.st_mode)) {
        *message = g_strdup_printf(_("the shared folder %s (tag %s) is missing on the host"),
                                   share->source, share->tag);
        return VS_HOST_CHECK_REFUSE;
    }
    if (!(resolved = vs_path_host_dir_resolve(share->source, &error)) ||
        !vs_policy_check(cfg, resolved, &error) ||
        !vs_policy_check_handle(cfg, resolved, &error)) {
        *message = g_strdup_printf(_("share %s is refused by the host path policy: %s"),
                                   share->tag, error->message);
        return VS_HOST_CHECK_REFUSE;
    }
    if (want_protected && !vs_harden_is_protected(resolved, &protected_now, &error)) {
        *message = g_strdup_printf(_("share %s: %s"), share->tag, error->message);
        return VS_HOST_CHECK_REFUSE;
    }
    if (id) {
        findings = g_ptr_array_new_with_free_func((GDestroyNotify)vs_finding_free);
        if (!vs_perm_check(share, id, findings))
            *message = vs_perm_errors_text(findings);
    }
    return protected_now ? VS_HOST_CHECK_OK : VS_HOST_CHECK_UNPROTECTED;
}

/* Child side: run the checks, report "STATUS MESSAGE" on @fd, exit. */
static void G_GNUC_NORETURN
vs_host_check_child(int fd, const VsShare *share, const VsConfig *cfg, const VsIdentity *id,
                    gboolean want_protected)
{
    g_autofree char *message = NULL;
    g_autofree char *report = NULL;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    VsHostCheck result;
    gsize len, done = 0;

    /* Nothing of libvirt's may be held open by a child that might hang. */
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
        _exit(1);
    result = vs_host_check_now(share, cfg, id, want_protected, &message);
    report = g_strdup_printf("%d %s", (int)result, message ? message : "");
    len = MIN(strlen(report), VS_HOST_CHECK_MAX_REPORT);
    while (done < len) {
        ssize_t n = write(fd, report + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(1);
        done += (gsize)n;
    }
    _exit(0);
}

/* Read the child's report from @fd until EOF or @deadline (monotonic µs). */
static gboolean
vs_host_check_read(int fd, gint64 deadline, GString *report)
{
    char buf[4096];

    for (;;) {
        gint64 left_ms = (deadline - g_get_monotonic_time()) / 1000;
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;
        int rc;

        if (left_ms <= 0)
            return FALSE;
        rc = poll(&pfd, 1, (int)MIN(left_ms, G_MAXINT));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return FALSE;
        n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n == 0;
        if (report->len < VS_HOST_CHECK_MAX_REPORT)
            g_string_append_len(report, buf, MIN((gsize)n, VS_HOST_CHECK_MAX_REPORT - report->len));
    }
}

/* "STATUS MESSAGE" from the child; a report that makes no sense refuses. */
static VsHostCheck
vs_host_check_parse(const GString *report, const VsShare *share, char **message)
{
    const char *space = strchr(report->str, ' ');
    g_autofree char *number = space ? g_strndup(report->str, space - report->str) : NULL;
    guint64 status;

    if (!number ||
        !g_ascii_string_to_unsigned(number, 10, 0, VS_HOST_CHECK_LAST - 1, &status, NULL)) {
        *message = g_strdup_printf(_("the check of share %s failed without a result"),
                                   share->tag);
        return VS_HOST_CHECK_REFUSE;
    }
    *message = space[1] ? g_strdup(space + 1) : NULL;
    return (VsHostCheck)status;
}

VsHostCheck
vs_hostcheck_share(const VsShare *share, const VsConfig *cfg, const VsIdentity *id,
                   gboolean want_protected, guint timeout_ms, char **message)
{
    g_autoptr(GString) report = g_string_new(NULL);
    g_autofree char *lexical = NULL;
    g_autoptr(GError) error = NULL;
    gint64 deadline;
    int fds[2];
    gboolean done;
    pid_t pid;

    *message = NULL;
    /* What can be judged without touching the file system comes first, so a
     * share in a refused place is refused even when its folder hangs. */
    if (!g_path_is_absolute(share->source) || !vs_text_validate(share->source, &error) ||
        !vs_policy_check(cfg, (lexical = vs_config_normalize_root(share->source)), &error)) {
        *message = g_strdup_printf(_("share %s is refused by the host path policy: %s"),
                                   share->tag,
                                   error ? error->message : _("not an absolute path"));
        return VS_HOST_CHECK_REFUSE;
    }
    if (!g_unix_open_pipe(fds, FD_CLOEXEC, NULL)) {
        *message = g_strdup_printf(_("share %s: not checked: %s"), share->tag,
                                   g_strerror(errno));
        return VS_HOST_CHECK_TIMEOUT;
    }
    deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        close(fds[0]);
        vs_host_check_child(fds[1], share, cfg, id, want_protected);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        *message = g_strdup_printf(_("share %s: not checked: %s"), share->tag,
                                   g_strerror(errno));
        return VS_HOST_CHECK_TIMEOUT;
    }
    setpgid(pid, pid);   /* also here: no race with the child's own call */
    done = vs_host_check_read(fds[0], deadline, report);
    close(fds[0]);
    if (!done) {
        /* It may stay stuck in the kernel: kill it, never wait for it. */
        kill(-pid, SIGKILL);
        waitpid(pid, NULL, WNOHANG);
        *message = g_strdup_printf(_("share %s (%s): not checked: timed out after %u s"),
                                   share->tag, share->source, timeout_ms / 1000);
        return VS_HOST_CHECK_TIMEOUT;
    }
    waitpid(pid, NULL, 0);
    return vs_host_check_parse(report, share, message);
}
