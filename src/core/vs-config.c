/* vs-config.c: host path policy and defaults.
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
#include <unistd.h>

#include "vs-config.h"
#include "vs-defaults.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-path.h"

/* System trees: what the host runs from and is configured by.  With
 * virtiofs (virtiofsd runs as root) a guest could rewrite anything shared
 * from them.  "/" refuses only the root directory itself. */
static const char *const vs_builtin_denied[] = {
    "/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/opt",
    "/proc", "/root", "/run", "/sbin", "/sys", "/usr", "/var", NULL
};

/* Data places inside those trees, shared unless configured otherwise:
 * /var/tmp, removable media under /run/media, and where image-based systems
 * (Fedora Silverblue) really keep /home, /mnt and /srv. */
static const char *const vs_builtin_data[] = {
    "/var/tmp", "/var/home", "/var/mnt", "/var/srv", "/run/media", NULL
};

VS_ENUM_IMPL(vs_setuid_shares, VS_SETUID_SHARES_LAST, "protect", "refuse", "allow")

void
vs_config_free(VsConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->path);
    g_strfreev(cfg->allowed_roots);
    g_strfreev(cfg->denied_roots);
    g_strfreev(cfg->data_roots);
    g_free(cfg);
}

VsConfig *
vs_config_new_default(void)
{
    VsConfig *cfg = g_new0(VsConfig, 1);

    cfg->allowed_roots = g_new0(char *, 1);
    cfg->denied_roots = g_strdupv((char **)vs_builtin_denied);
    cfg->data_roots = g_strdupv((char **)vs_builtin_data);
    cfg->hook_timeout_s = VS_HOOK_CHECK_TIMEOUT_S;
    return cfg;
}

char *
vs_config_normalize_root(const char *root)
{
    g_auto(GStrv) parts = g_strsplit(root, "/", -1);
    g_autoptr(GPtrArray) kept = g_ptr_array_new();
    g_autofree char *joined = NULL;

    /* Lexically: "//etc", "/etc/", "/./etc" and "/x/../etc" are all "/etc"
     * (g_canonicalize_filename keeps a leading "//", which never matches). */
    for (guint i = 0; parts[i]; i++) {
        if (!*parts[i] || strcmp(parts[i], ".") == 0)
            continue;
        if (strcmp(parts[i], "..") == 0) {
            if (kept->len)
                g_ptr_array_remove_index(kept, kept->len - 1);
            continue;
        }
        g_ptr_array_add(kept, parts[i]);
    }
    g_ptr_array_add(kept, NULL);
    joined = g_strjoinv("/", (char **)kept->pdata);
    return g_strconcat("/", joined, NULL);
}

/* @list plus @root, normalised, and also where it really is when a symbolic
 * link leads elsewhere (shares are checked after resolving theirs). */
static void
vs_config_add_root(GPtrArray *list, const char *root)
{
    g_autofree char *norm = vs_config_normalize_root(root);
    char *real = realpath(norm, NULL);

    if (real && strcmp(real, norm) != 0 &&
        !g_ptr_array_find_with_equal_func(list, real, g_str_equal, NULL))
        g_ptr_array_add(list, g_strdup(real));
    free(real);
    if (!g_ptr_array_find_with_equal_func(list, norm, g_str_equal, NULL))
        g_ptr_array_add(list, g_steal_pointer(&norm));
}

/* The roots under @key, appended to @out (NULL-terminated array). */
static gboolean
vs_config_roots(GKeyFile *kf, const char *key, GStrv *out, GError **error)
{
    g_auto(GStrv) list = g_key_file_get_string_list(kf, "policy", key, NULL, NULL);
    g_autoptr(GPtrArray) roots = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; *out && (*out)[i]; i++)
        g_ptr_array_add(roots, g_strdup((*out)[i]));
    for (guint i = 0; list && list[i]; i++) {
        g_strstrip(list[i]);
        if (!*list[i])
            continue;
        if (!g_path_is_absolute(list[i])) {
            g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                        _("%s: '%s' is not an absolute path"), key, list[i]);
            return FALSE;
        }
        vs_config_add_root(roots, list[i]);
    }
    g_ptr_array_add(roots, NULL);
    g_strfreev(*out);
    *out = (GStrv)g_ptr_array_free(g_steal_pointer(&roots), FALSE);
    return TRUE;
}

const char *
vs_config_path(void)
{
    const char *env = g_getenv("VIRT_SHARE_CONFIG");

    return env ? env : VS_CONFIG_DEFAULT_PATH;
}

/* [policy] setuid-shares: protect, refuse or allow. */
static gboolean
vs_config_load_setuid(VsConfig *cfg, GKeyFile *kf, GError **error)
{
    g_autofree char *val = g_key_file_get_string(kf, "policy", "setuid-shares", NULL);
    int v;

    if (!val)
        return TRUE;
    if ((v = vs_setuid_shares_from_string(g_strstrip(val))) < 0) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("setuid-shares: '%s' is not protect, refuse or allow"), val);
        return FALSE;
    }
    cfg->setuid_shares = (VsSetuidShares)v;
    return TRUE;
}

/* [policy]: allowed-roots, denied-roots (added to the built-in list unless
 * builtin-denied-roots=false). */
static gboolean
vs_config_load_policy(VsConfig *cfg, GKeyFile *kf, GError **error)
{
    g_autoptr(GError) bool_error = NULL;

    if (g_key_file_has_key(kf, "policy", "builtin-denied-roots", NULL)) {
        gboolean builtin = g_key_file_get_boolean(kf, "policy", "builtin-denied-roots",
                                                  &bool_error);
        if (bool_error) {
            g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                        _("builtin-denied-roots: %s (use true or false)"), bool_error->message);
            return FALSE;
        }
        if (!builtin) {
            g_clear_pointer(&cfg->denied_roots, g_strfreev);
            g_clear_pointer(&cfg->data_roots, g_strfreev);
            cfg->denied_roots = g_new0(char *, 1);
            cfg->data_roots = g_new0(char *, 1);
        }
    }
    if (!vs_config_roots(kf, "allowed-roots", &cfg->allowed_roots, error) ||
        !vs_config_roots(kf, "denied-roots", &cfg->denied_roots, error))
        return FALSE;
    return vs_config_load_setuid(cfg, kf, error);
}

/* [hook]: check-timeout, in seconds. */
static gboolean
vs_config_load_hook(VsConfig *cfg, GKeyFile *kf, GError **error)
{
    g_autofree char *val = g_key_file_get_string(kf, "hook", "check-timeout", NULL);
    guint64 seconds;

    if (!val)
        return TRUE;
    if (!g_ascii_string_to_unsigned(g_strstrip(val), 10, 1, VS_HOOK_CHECK_TIMEOUT_MAX_S,
                                    &seconds, NULL)) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("check-timeout: '%s' is not a number of seconds from 1 to %d"), val,
                    VS_HOOK_CHECK_TIMEOUT_MAX_S);
        return FALSE;
    }
    cfg->hook_timeout_s = (guint)seconds;
    return TRUE;
}

VsConfig *
vs_config_load(const char *path, GError **error)
{
    g_autoptr(VsConfig) cfg = vs_config_new_default();
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) load_error = NULL;
    gboolean named = path != NULL || g_getenv("VIRT_SHARE_CONFIG") != NULL;
    g_autofree char *val = NULL;

    if (!path)
        path = vs_config_path();
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &load_error)) {
        if (!named && g_error_matches(load_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return g_steal_pointer(&cfg);
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID, _("cannot read %s: %s"), path,
                    load_error->message);
        return NULL;
    }
    cfg->path = g_strdup(path);
    if (!vs_config_load_policy(cfg, kf, error)) {
        g_prefix_error(error, "%s: ", path);
        return NULL;
    }
    if (!vs_config_load_hook(cfg, kf, error)) {
        g_prefix_error(error, "%s: ", path);
        return NULL;
    }
    if ((val = g_key_file_get_string(kf, "defaults", "driver", NULL)) &&
        !vs_driver_parse(g_strstrip(val), &cfg->driver, error)) {
        g_prefix_error(error, "%s: ", path);
        return NULL;
    }
    g_clear_pointer(&val, g_free);
    if ((val = g_key_file_get_string(kf, "defaults", "mode", NULL)) &&
        !vs_mode_parse(g_strstrip(val), &cfg->mode, error)) {
        g_prefix_error(error, "%s: ", path);
        return NULL;
    }
    return g_steal_pointer(&cfg);
}

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
        if (g_strv_contains(vs_builtin_denied, denied))
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
