/* vs-guest.c: the guest side of a share, through the guest agent. */
#include <config.h>

#include "vs-agent.h"
#include "vs-defaults.h"
#include "vs-error.h"
#include "vs-guest.h"
#include "vs-i18n.h"

void
vs_guest_mount_free(VsGuestMount *m)
{
    if (!m)
        return;
    g_free(m->source);
    g_free(m->target);
    g_free(m->fstype);
    g_free(m->options);
    g_free(m);
}

/* /proc/mounts escapes space, tab, newline and backslash as \ooo; g_strcompress
 * undoes exactly C-style octal escapes. */
GPtrArray *
vs_guest_parse_mounts(const char *text)
{
    GPtrArray *mounts = g_ptr_array_new_with_free_func((GDestroyNotify)vs_guest_mount_free);
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

    for (guint i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit_set(lines[i], " \t", -1);
        VsGuestMount *m;

        if (g_strv_length(f) < 4)
            continue;
        m = g_new0(VsGuestMount, 1);
        m->source = g_strcompress(f[0]);
        m->target = g_strcompress(f[1]);
        m->fstype = g_strdup(f[2]);
        m->options = g_strdup(f[3]);
        g_ptr_array_add(mounts, m);
    }
    return mounts;
}

VsGuestMount *
vs_guest_find_mount(GPtrArray *mounts, const char *tag)
{
    for (guint i = 0; i < mounts->len; i++) {
        VsGuestMount *m = g_ptr_array_index(mounts, i);
        if ((g_strcmp0(m->fstype, "9p") == 0 || g_strcmp0(m->fstype, "virtiofs") == 0) &&
            g_strcmp0(m->source, tag) == 0)
            return m;
    }
    return NULL;
}

const char *
vs_guest_fstype(VsDriver driver)
{
    return driver == VS_DRIVER_VIRTIOFS ? "virtiofs" : "9p";
}

char **
vs_guest_mount_argv(const VsShare *share)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autofree char *opts = NULL;

    if (share->driver == VS_DRIVER_VIRTIOFS)
        opts = g_strdup(share->readonly ? "ro" : "rw");
    else
        opts = g_strdup_printf("trans=virtio,version=9p2000.L,msize=%d,%s", VS_9P_MSIZE,
                               share->readonly ? "ro" : "rw");
    g_strv_builder_add_many(b, "mount", "-t", vs_guest_fstype(share->driver), "-o", opts,
                            share->tag, share->target, NULL);
    return g_strv_builder_end(b);
}

gboolean
vs_guest_filesystems_has(const char *text, const char *fstype)
{
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

    for (guint i = 0; lines[i]; i++) {
        /* "nodev\t9p" or "\text4" */
        const char *name = strrchr(lines[i], '\t');
        name = name ? name + 1 : g_strstrip(lines[i]);
        if (strcmp(name, fstype) == 0)
            return TRUE;
    }
    return FALSE;
}

static char *
vs_guest_read_text(virDomain *dom, const char *path, GError **error)
{
    g_autoptr(GBytes) bytes = vs_agent_read_file(dom, path, error);

    if (!bytes)
        return NULL;
    return g_strndup(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
}

GPtrArray *
vs_guest_mounts(virDomain *dom, GError **error)
{
    g_autofree char *text = vs_guest_read_text(dom, "/proc/self/mounts", error);

    return text ? vs_guest_parse_mounts(text) : NULL;
}

gboolean
vs_guest_ensure_fs(virDomain *dom, VsDriver driver, guint timeout_ms, GError **error)
{
    const char *fstype = vs_guest_fstype(driver);
    const char *module = driver == VS_DRIVER_VIRTIOFS ? "virtiofs" : "9p";
    const char *modprobe[] = { "modprobe", module, NULL };
    g_autofree char *text = vs_guest_read_text(dom, "/proc/filesystems", error);
    g_autoptr(GError) mp_error = NULL;

    if (!text)
        return FALSE;
    if (vs_guest_filesystems_has(text, fstype))
        return TRUE;
    if (!vs_agent_exec_check(dom, modprobe, timeout_ms, &mp_error)) {
        g_set_error(error, VS_ERROR, VS_ERROR_GUEST,
                    _("the guest kernel does not support %s and loading the module failed: "
                      "%s"), fstype, mp_error->message);
        return FALSE;
    }
    g_free(text);
    if (!(text = vs_guest_read_text(dom, "/proc/filesystems", error)))
        return FALSE;
    if (!vs_guest_filesystems_has(text, fstype)) {
        g_set_error(error, VS_ERROR, VS_ERROR_GUEST,
                    _("the guest kernel does not support %s, even after 'modprobe %s'"),
                    fstype, module);
        return FALSE;
    }
    return TRUE;
}

gboolean
vs_guest_mount(virDomain *dom, const VsShare *share, guint settle_ms, guint timeout_ms,
               GError **error)
{
    const char *mkdir_argv[] = { "mkdir", "-p", share->target, NULL };
    g_auto(GStrv) mount_argv = vs_guest_mount_argv(share);
    g_autoptr(GPtrArray) mounts = NULL;
    VsGuestMount *m;
    gint64 deadline = g_get_monotonic_time() + (gint64)settle_ms * 1000;
    gulong delay_us = 50000;

    if (!share->target) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("no mount point known for share '%s': give one with --target"),
                    share->tag);
        return FALSE;
    }
    if (!(mounts = vs_guest_mounts(dom, error)))
        return FALSE;
    if ((m = vs_guest_find_mount(mounts, share->tag))) {
        if (g_strcmp0(m->target, share->target) == 0)
            return TRUE;
        g_set_error(error, VS_ERROR, VS_ERROR_EXISTS,
                    _("share '%s' is already mounted at '%s' in the guest"), share->tag,
                    m->target);
        return FALSE;
    }
    if (!vs_agent_exec_check(dom, mkdir_argv, timeout_ms, error))
        return FALSE;

    for (;;) {
        g_autoptr(GError) mount_error = NULL;

        if (vs_agent_exec_check(dom, (const char *const *)mount_argv, timeout_ms, &mount_error))
            return TRUE;
        if (mount_error->code != VS_ERROR_GUEST || g_get_monotonic_time() >= deadline) {
            g_propagate_error(error, g_steal_pointer(&mount_error));
            return FALSE;
        }
        g_usleep(delay_us);
        delay_us = MIN(delay_us * 2, 1000000);
    }
}

gboolean
vs_guest_umount(virDomain *dom, const char *tag, gboolean *was_mounted, guint timeout_ms,
                GError **error)
{
    g_autoptr(GPtrArray) mounts = vs_guest_mounts(dom, error);
    VsGuestMount *m;

    *was_mounted = FALSE;
    if (!mounts)
        return FALSE;
    /* A tag may be mounted more than once; unmount them all. */
    while ((m = vs_guest_find_mount(mounts, tag))) {
        const char *argv[] = { "umount", m->target, NULL };
        if (!vs_agent_exec_check(dom, argv, timeout_ms, error))
            return FALSE;
        *was_mounted = TRUE;
        g_ptr_array_remove(mounts, m);
    }
    return TRUE;
}
