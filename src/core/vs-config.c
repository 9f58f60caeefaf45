/* vs-config.c: host path policy and defaults.
 *
 * Limits: virt-share checks the path when it adds the share; libvirt and QEMU
 * open it by name later (at attach or at the next start).  A directory that
 * is replaced by a symlink after the check is not caught then; keep shared
 * trees out of reach of users who should not choose what is shared. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "vs-config.h"
#include "vs-error.h"
#include "vs-i18n.h"

static const char *const vs_default_denied[] = {
    "/", "/etc", "/boot", "/proc", "/sys", "/dev", "/run", "/var/lib/libvirt", NULL
};

void
vs_config_free(VsConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->path);
    g_strfreev(cfg->allowed_roots);
    g_strfreev(cfg->denied_roots);
    g_free(cfg);
}

VsConfig *
vs_config_new_default(void)
{
    VsConfig *cfg = g_new0(VsConfig, 1);

    cfg->allowed_roots = g_new0(char *, 1);
    cfg->denied_roots = g_strdupv((char **)vs_default_denied);
    return cfg;
}

/* Canonical absolute paths only: "/srv/", "/srv/." become "/srv". */
static gboolean
vs_config_roots(GKeyFile *kf, const char *key, GStrv *out, GError **error)
{
    g_auto(GStrv) list = g_key_file_get_string_list(kf, "policy", key, NULL, NULL);
    g_autoptr(GPtrArray) roots = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; list && list[i]; i++) {
        g_strstrip(list[i]);
        if (!*list[i])
            continue;
        if (!g_path_is_absolute(list[i])) {
            g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                        _("%s: '%s' is not an absolute path"), key, list[i]);
            return FALSE;
        }
        g_ptr_array_add(roots, g_canonicalize_filename(list[i], "/"));
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
    if (g_key_file_has_key(kf, "policy", "allowed-roots", NULL) &&
        !vs_config_roots(kf, "allowed-roots", &cfg->allowed_roots, error))
        return NULL;
    if (g_key_file_has_key(kf, "policy", "denied-roots", NULL) &&
        !vs_config_roots(kf, "denied-roots", &cfg->denied_roots, error))
        return NULL;
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
    const char *file = cfg->path ? cfg->path : _("the built-in policy");

    if (cfg->allowed_roots[0] && !allowed) {
        g_autofree char *list = g_strjoinv(", ", cfg->allowed_roots);
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("'%s' is outside the folders that may be shared (%s, from %s)"),
                    resolved, list, file);
        return FALSE;
    }
    /* An allowed root at least as specific as the denied one wins. */
    if (denied && !(allowed && strlen(allowed) >= strlen(denied))) {
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("refusing to share '%s': '%s' is a system directory (denied by %s; "
                      "list it under allowed-roots in %s to allow it)"),
                    resolved, denied, file, cfg->path ? cfg->path : VS_CONFIG_DEFAULT_PATH);
        return FALSE;
    }
    return TRUE;
}

/* Where @path really is when it lies in a bind mount of part of the root
 * file system ("mount --bind /etc /srv/x" makes /srv/x/ssh really /etc/ssh),
 * from /proc/self/mountinfo; NULL when it is not (or cannot be told). */
static char *
vs_bind_mount_origin(const char *path)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autofree char *root_dev = NULL;
    g_autofree char *best_point = NULL;
    g_autofree char *best_root = NULL;
    g_autofree char *best_dev = NULL;

    if (!g_file_get_contents("/proc/self/mountinfo", &text, NULL, NULL))
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        /* ID PARENT MAJ:MIN ROOT MOUNT-POINT ... */
        g_auto(GStrv) f = g_strsplit(lines[i], " ", 6);
        g_autofree char *root = NULL;
        g_autofree char *point = NULL;

        if (g_strv_length(f) < 5)
            continue;
        root = g_strcompress(f[3]);
        point = g_strcompress(f[4]);
        if (strcmp(point, "/") == 0 && strcmp(root, "/") == 0) {
            g_free(root_dev);
            root_dev = g_strdup(f[2]);
        }
        if (vs_path_under(path, point) && (!best_point || strlen(point) >= strlen(best_point))) {
            g_free(best_point);
            g_free(best_root);
            g_free(best_dev);
            best_point = g_steal_pointer(&point);
            best_root = g_steal_pointer(&root);
            best_dev = g_strdup(f[2]);
        }
    }
    if (!best_point || !root_dev || g_strcmp0(best_dev, root_dev) != 0)
        return NULL;    /* not on the root file system: cannot tell where it lives */
    if (strcmp(best_root, best_point) == 0)
        return NULL;    /* mounted where it lives (e.g. "/" itself): nothing hidden */
    return g_build_filename(best_root, path + strlen(best_point), NULL);
}

gboolean
vs_policy_check_handle(const VsConfig *cfg, const char *resolved, GError **error)
{
    g_autofree char *link = NULL;
    g_autofree char *fdpath = NULL;
    int fd = open(resolved, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("'%s' changed while being checked: %s"), resolved, g_strerror(err));
        return FALSE;
    }
    fdpath = g_strdup_printf("/proc/self/fd/%d", fd);
    link = g_file_read_link(fdpath, NULL);
    close(fd);
    if (!link) {
        /* No /proc: the path check above is all there is. */
        return TRUE;
    }
    if (strcmp(link, resolved) != 0) {
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("'%s' changed while being checked (it now leads to '%s')"), resolved,
                    link);
        return FALSE;
    }
    if (!vs_policy_check(cfg, link, error))
        return FALSE;
    {
        g_autofree char *origin = vs_bind_mount_origin(link);
        if (origin && !vs_policy_check(cfg, origin, error)) {
            g_prefix_error(error, _("'%s' is a bind mount of '%s': "), link, origin);
            return FALSE;
        }
    }
    return TRUE;
}
