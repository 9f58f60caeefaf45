/* vs-config.c: the configuration file: host path policy settings and defaults. */
#include <config.h>

#include <stdlib.h>

#include "vs-config.h"
#include "vs-defaults.h"
#include "vs-error.h"
#include "vs-i18n.h"

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

gboolean
vs_config_builtin_denied(const char *root)
{
    return g_strv_contains(vs_builtin_denied, root);
}

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
        !vs_share_driver_parse(g_strstrip(val), &cfg->driver, error)) {
        g_prefix_error(error, "%s: ", path);
        return NULL;
    }
    g_clear_pointer(&val, g_free);
    if ((val = g_key_file_get_string(kf, "defaults", "mode", NULL)) &&
        !vs_share_mode_parse(g_strstrip(val), &cfg->mode, error)) {
        g_prefix_error(error, "%s: ", path);
        return NULL;
    }
    return g_steal_pointer(&cfg);
}
