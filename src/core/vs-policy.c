/* vs-policy.c: may a folder be shared?  The host path policy's checks.
 *
 * Limits: virt-share checks the path when it adds the share; libvirt and QEMU
 * open it by name later (at attach or at the next start).  A directory that
 * is replaced by a symlink after the check is not caught then; keep shared
 * trees out of reach of users who should not choose what is shared. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-path.h"
#include "vs-policy.h"

/* Is @path @root or below it?  ("/srv" covers "/srv/a", not "/srvx".) */
static gboolean
vs_path_under(const char *path, const char *root)
{
    gsize n = strlen(root);

    if (strcmp(root, "/") == 0)
        return TRUE;
    return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The longest root in @roots that covers @path (for "/" in the denied list:
 * only "/" itself), or NULL. */
static const char *
vs_longest_match(GStrv roots, const char *path, gboolean slash_exact)
{
    const char *best = NULL;

    for (guint i = 0; roots && roots[i]; i++) {
        gboolean hit = slash_exact && strcmp(roots[i], "/") == 0 ?
            strcmp(path, "/") == 0 : vs_path_under(path, roots[i]);
        if (hit && (!best || strlen(roots[i]) > strlen(best)))
            best = roots[i];
    }
    return best;
}

gboolean
vs_policy_check(const VsConfig *cfg, const char *resolved, GError **error)
{
    const char *allowed = vs_longest_match(cfg->allowed_roots, resolved, FALSE);
    const char *denied = vs_longest_match(cfg->denied_roots, resolved, TRUE);
    const char *data = vs_longest_match(cfg->data_roots, resolved, FALSE);
    const char *file = cfg->path ? cfg->path : vs_config_path();

    if (cfg->allowed_roots[0] && !allowed) {
        g_autofree char *list = g_strjoinv(", ", cfg->allowed_roots);
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("'%s' is outside the folders that may be shared (%s, from %s)"),
                    resolved, list, file);
        return FALSE;
    }
    /* An allowed root at least as specific as the denied one wins; a
     * built-in data place only when it is more specific. */
    if (denied && !(allowed && strlen(allowed) >= strlen(denied)) &&
        !(data && strlen(data) > strlen(denied))) {
        if (vs_config_builtin_denied(denied))
            g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                        _("refusing to share '%s': '%s' is a system directory (denied by "
                          "the built-in policy; list it under allowed-roots in %s to allow "
                          "it)"),
                        resolved, denied, file);
        else
            g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                        _("refusing to share '%s': '%s' is listed in denied-roots in %s"),
                        resolved, denied, file);
        return FALSE;
    }
    return TRUE;
}

/* @path, which lies under @from, moved to lie under @to. */
static char *
vs_path_rebase(const char *path, const char *from, const char *to)
{
    const char *rest = path + (strcmp(from, "/") != 0 ? strlen(from) : 0);

    while (*rest == '/')
        rest++;     /* relative, or g_canonicalize_filename ignores @to */
    return g_canonicalize_filename(rest, to);
}

/* Every other place where the folder @path can be seen, from
 * /proc/self/mountinfo: a bind mount shows the same file system as another
 * mount ("mount --bind /etc /srv/x" makes /srv/x/ssh really /etc/ssh, "mount
 * --bind /dev /srv/d" makes /srv/d the host's /dev), so @path is judged
 * as each of them too.  Empty when there is none (or it cannot be told). */
static GPtrArray *
vs_bind_mount_origins(const char *path)
{
    g_autoptr(GPtrArray) mounts = vs_path_mounts();
    GPtrArray *origins = g_ptr_array_new_with_free_func(g_free);
    const VsPathMount *best = NULL;
    g_autofree char *where = NULL;

    /* the mount @path lies in: the deepest, the last one listed (on top) */
    for (guint i = 0; i < mounts->len; i++) {
        const VsPathMount *m = g_ptr_array_index(mounts, i);
        if (vs_path_under(path, m->point) &&
            (!best || strlen(m->point) >= strlen(best->point)))
            best = m;
    }
    if (!best)
        return origins;
    /* where @path is inside its file system */
    where = vs_path_rebase(path, best->point, best->root);
    for (guint i = 0; i < mounts->len; i++) {
        const VsPathMount *m = g_ptr_array_index(mounts, i);
        char *origin;

        if (strcmp(m->dev, best->dev) != 0 || !vs_path_under(where, m->root))
            continue;
        origin = vs_path_rebase(where, m->root, m->point);
        if (strcmp(origin, path) == 0 || g_ptr_array_find_with_equal_func(origins, origin,
                                                                           g_str_equal, NULL))
            g_free(origin);
        else
            g_ptr_array_add(origins, origin);
    }
    return origins;
}

gboolean
vs_policy_check_fd(const VsConfig *cfg, int fd, const char *resolved, GError **error)
{
    g_autofree char *fdpath = g_strdup_printf("/proc/self/fd/%d", fd);
    g_autofree char *link = g_file_read_link(fdpath, NULL);
    g_autoptr(GPtrArray) origins = NULL;

    if (!link) {
        /* No /proc: the path check is all there is. */
        return vs_policy_check(cfg, resolved, error);
    }
    if (strcmp(link, resolved) != 0) {
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("'%s' changed while being checked (it now leads to '%s')"), resolved,
                    link);
        return FALSE;
    }
    if (!vs_policy_check(cfg, link, error))
        return FALSE;
    origins = vs_bind_mount_origins(link);
    for (guint i = 0; i < origins->len; i++) {
        const char *origin = g_ptr_array_index(origins, i);

        if (!vs_policy_check(cfg, origin, error)) {
            g_prefix_error(error, _("'%s' is a bind mount of '%s': "), link, origin);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
vs_policy_check_handle(const VsConfig *cfg, const char *resolved, GError **error)
{
    int fd = open(resolved, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    gboolean ok;

    if (fd < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("'%s' changed while being checked: %s"), resolved, g_strerror(err));
        return FALSE;
    }
    ok = vs_policy_check_fd(cfg, fd, resolved, error);
    close(fd);
    return ok;
}
