/* vs-guest.c: the guest side of a share, through the guest agent. */
#include <config.h>

#include "vs-agent.h"
#include "vs-defaults.h"
#include "vs-error.h"
#include "vs-guest.h"
#include "vs-i18n.h"
#include "vs-time.h"

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

static char *
vs_guest_mount_options(const VsShare *share)
{
    if (share->driver == VS_DRIVER_VIRTIOFS)
        return g_strdup(share->readonly ? "ro" : "rw");
    return g_strdup_printf("trans=virtio,version=9p2000.L,msize=%d,%s", VS_9P_MSIZE,
                           share->readonly ? "ro" : "rw");
}

char **
vs_guest_mount_argv(const VsShare *share)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autofree char *opts = vs_guest_mount_options(share);

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

    const char *data;
    gsize len;

    if (!bytes)
        return NULL;
    data = g_bytes_get_data(bytes, &len);
    return g_strndup(data ? data : "", len);   /* an empty file has no data pointer */
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
    VsTimeBackOff backoff;

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

    vs_time_backoff_start(&backoff, 50, 1000, settle_ms);
    for (;;) {
        g_autoptr(GError) mount_error = NULL;

        if (vs_agent_exec_check(dom, (const char *const *)mount_argv, timeout_ms, &mount_error))
            return TRUE;
        if (mount_error->code != VS_ERROR_GUEST || !vs_time_backoff_wait(&backoff)) {
            g_propagate_error(error, g_steal_pointer(&mount_error));
            return FALSE;
        }
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

/* fstab fields escape white space and backslashes as octal. */
static char *
vs_fstab_escape(const char *field)
{
    GString *out = g_string_new(NULL);

    for (const char *p = field; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\\')
            g_string_append_printf(out, "\\%03o", (unsigned char)*p);
        else
            g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

char *
vs_fstab_line(const VsShare *share)
{
    g_autofree char *tag = vs_fstab_escape(share->tag);
    g_autofree char *target = vs_fstab_escape(share->target);
    g_autofree char *opts = vs_guest_mount_options(share);

    return g_strdup_printf("%s %s %s %s,nofail 0 0\n", tag, target,
                           vs_guest_fstype(share->driver), opts);
}

/* Is @line (without its newline) a 9p/virtiofs entry of the escaped tag? */
static gboolean
vs_fstab_line_is(const char *line, const char *etag)
{
    g_auto(GStrv) f = g_strsplit_set(line, " \t", -1);
    g_autoptr(GPtrArray) fields = g_ptr_array_new();

    for (guint j = 0; f[j]; j++) {
        if (*f[j])
            g_ptr_array_add(fields, f[j]);
    }
    return fields->len >= 3 && g_str_equal(g_ptr_array_index(fields, 0), etag) &&
        (g_str_equal(g_ptr_array_index(fields, 2), "9p") ||
         g_str_equal(g_ptr_array_index(fields, 2), "virtiofs"));
}

char *
vs_fstab_without(const char *text, const char *tag, gboolean *removed)
{
    g_autofree char *etag = vs_fstab_escape(tag);
    GString *out = g_string_new(NULL);
    const char *p = text ? text : "";

    *removed = FALSE;
    /* Line by line, each with its newline; a dropped line takes its newline
     * with it, and a dropped last line without one takes the newline before
     * it: the rest of the text stays byte for byte as it was. */
    while (*p) {
        const char *nl = strchr(p, '\n');
        gsize len = nl ? (gsize)(nl - p) : strlen(p);
        g_autofree char *line = g_strndup(p, len);

        if (!vs_fstab_line_is(line, etag)) {
            g_string_append_len(out, p, nl ? len + 1 : len);
        } else {
            *removed = TRUE;
            if (!nl && out->len > 0 && out->str[out->len - 1] == '\n')
                g_string_truncate(out, out->len - 1);
        }
        p += nl ? len + 1 : len;
    }
    return g_string_free(out, FALSE);
}

char *
vs_fstab_with(const char *text, const VsShare *share)
{
    gboolean removed;
    g_autofree char *kept = vs_fstab_without(text, share->tag, &removed);
    g_autofree char *line = vs_fstab_line(share);

    /* A text without a final newline gets the line after a newline and
     * without one of its own: vs_fstab_without() then gives back exactly the
     * original text, so add + remove leaves the guest's fstab byte for byte. */
    if (*kept && !g_str_has_suffix(kept, "\n")) {
        line[strlen(line) - 1] = '\0';
        return g_strconcat(kept, "\n", line, NULL);
    }
    return g_strconcat(kept, line, NULL);
}

#define VS_FSTAB "/etc/fstab"
#define VS_FSTAB_BACKUP "/etc/fstab.virt-share.bak"

static char *
vs_guest_read_fstab(virDomain *dom, gboolean *exists, GError **error)
{
    g_autoptr(GError) read_error = NULL;
    char *text = vs_guest_read_text(dom, VS_FSTAB, &read_error);

    *exists = text != NULL;
    if (!text && g_error_matches(read_error, VS_ERROR, VS_ERROR_NOT_FOUND))
        return g_strdup("");
    if (!text)
        g_propagate_error(error, g_steal_pointer(&read_error));
    return text;
}

static gboolean
vs_guest_write_text(virDomain *dom, const char *path, const char *text, GError **error)
{
    g_autoptr(GBytes) bytes = g_bytes_new(text, strlen(text));
    return vs_agent_write_file(dom, path, bytes, error);
}

gboolean
vs_guest_fstab_add(virDomain *dom, const VsShare *share, GError **error)
{
    gboolean exists;
    g_autofree char *text = vs_guest_read_fstab(dom, &exists, error);
    g_autofree char *out = NULL;
    g_autofree char *backup = NULL;
    g_autoptr(GError) backup_error = NULL;

    if (!text)
        return FALSE;
    /* Back up the original once: the first virt-share change keeps it. */
    backup = vs_guest_read_text(dom, VS_FSTAB_BACKUP, &backup_error);
    if (!backup && g_error_matches(backup_error, VS_ERROR, VS_ERROR_NOT_FOUND) &&
        !vs_guest_write_text(dom, VS_FSTAB_BACKUP, text, error))
        return FALSE;
    out = vs_fstab_with(text, share);
    return vs_guest_write_text(dom, VS_FSTAB, out, error);
}

gboolean
vs_guest_fstab_remove(virDomain *dom, const char *tag, gboolean *removed, GError **error)
{
    gboolean exists;
    g_autofree char *text = vs_guest_read_fstab(dom, &exists, error);
    g_autofree char *kept = NULL;

    *removed = FALSE;
    if (!text)
        return FALSE;
    kept = vs_fstab_without(text, tag, removed);
    if (!*removed)
        return TRUE;
    return vs_guest_write_text(dom, VS_FSTAB, kept, error);
}
