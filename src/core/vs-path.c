/* vs-path.c: host directory and guest path checks. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-path.h"
#include "vs-text.h"

char *
vs_path_host_dir_resolve(const char *path, GError **error)
{
    g_autofree char *resolved = NULL;
    g_autofree char *absolute = NULL;
    char *real;
    struct stat st;

    if (!path || !*path) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID, _("no host directory given"));
        return NULL;
    }
    if (!vs_text_validate(path, error)) {
        g_prefix_error(error, _("host directory: "));
        return NULL;
    }
    /* Relative to the current directory, here for every front end (and as
     * find_share takes a folder); ".." is taken before links are resolved,
     * as a shell's cd takes it. */
    absolute = g_canonicalize_filename(path, NULL);
    real = realpath(absolute, NULL);
    if (!real) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID, _("host directory '%s': %s"),
                    path, g_strerror(err));
        return NULL;
    }
    resolved = g_strdup(real);
    free(real);
    /* A symbolic link may lead to a name that is not valid UTF-8. */
    if (!vs_text_validate(resolved, error)) {
        g_prefix_error(error, _("host directory '%s' leads to: "), path);
        return NULL;
    }
    if (stat(resolved, &st) < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID, _("host directory '%s': %s"),
                    path, g_strerror(err));
        return NULL;
    }
    if (!S_ISDIR(st.st_mode)) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("host path '%s' is not a directory"), path);
        return NULL;
    }
    return g_steal_pointer(&resolved);
}

gboolean
vs_path_guest_validate(const char *path, GError **error)
{
    g_auto(GStrv) parts = NULL;

    if (!path || !g_path_is_absolute(path)) {
        g_autofree char *shown = vs_text_sanitize(path, -1);
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("guest path '%s' is not an absolute path"), shown);
        return FALSE;
    }
    if (!vs_text_validate(path, error)) {
        g_prefix_error(error, _("guest path: "));
        return FALSE;
    }
    parts = g_strsplit(path, "/", -1);
    for (guint i = 0; parts[i]; i++) {
        if (strcmp(parts[i], ".") == 0 || strcmp(parts[i], "..") == 0) {
            g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                        _("guest path '%s' must not contain '.' or '..'"), path);
            return FALSE;
        }
    }
    if (strspn(path, "/") == strlen(path)) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("refusing to mount over the guest's root directory"));
        return FALSE;
    }
    return TRUE;
}

/* The guest's own directories: mounting over one hides what the guest keeps
 * there (a share of the host's /tmp over the guest's /tmp breaks its
 * sockets and lock files). */
static const char *const vs_guest_system_dirs[] = {
    "/home", "/media", "/mnt", "/root", "/srv", "/tmp", "/var/tmp", "/var/home",
    "/var/mnt", "/var/srv", "/run/media", NULL
};
static const char *const vs_guest_system_trees[] = {
    "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc",
    "/run", "/sbin", "/sys", "/usr", "/var", NULL
};

static gboolean
vs_guest_is_system(const char *path)
{
    for (guint i = 0; vs_guest_system_dirs[i]; i++) {
        gsize n = strlen(vs_guest_system_dirs[i]);
        if (g_str_equal(path, vs_guest_system_dirs[i]))
            return TRUE;
        /* below a data place inside a tree (/var/tmp/x): the user's */
        if (strncmp(path, vs_guest_system_dirs[i], n) == 0 && path[n] == '/')
            return FALSE;
    }
    for (guint i = 0; vs_guest_system_trees[i]; i++) {
        gsize n = strlen(vs_guest_system_trees[i]);
        if (strncmp(path, vs_guest_system_trees[i], n) == 0 && (!path[n] || path[n] == '/'))
            return TRUE;
    }
    return FALSE;
}

gboolean
vs_path_guest_default_target_check(const char *path, GError **error)
{
    g_autofree char *norm = NULL;
    g_autofree char *base = NULL;

    if (!vs_path_guest_validate(path, error))
        return FALSE;
    norm = g_canonicalize_filename(path, "/");
    if (!vs_guest_is_system(norm))
        return TRUE;
    base = g_path_get_basename(norm);
    g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                _("refusing to mount over %s in the guest: it is a directory of the guest's "
                  "own system, and the mount point defaults to the host path. Choose one "
                  "with --target, e.g. --target /mnt/%s"), norm, base);
    return FALSE;
}

void
vs_path_mount_free(VsPathMount *mount)
{
    g_free(mount->id);
    g_free(mount->parent);
    g_free(mount->dev);
    g_free(mount->root);
    g_free(mount->point);
    g_free(mount);
}

GPtrArray *
vs_path_mounts(void)
{
    GPtrArray *mounts = g_ptr_array_new_with_free_func((GDestroyNotify)vs_path_mount_free);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents("/proc/self/mountinfo", &text, NULL, NULL))
        return mounts;
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(lines[i], " ", 6);
        VsPathMount *m;

        if (g_strv_length(f) < 5)
            continue;
        m = g_new(VsPathMount, 1);
        m->id = g_strdup(f[0]);
        m->parent = g_strdup(f[1]);
        m->dev = g_strdup(f[2]);
        m->root = g_strcompress(f[3]);
        m->point = g_strcompress(f[4]);
        g_ptr_array_add(mounts, m);
    }
    return mounts;
}
