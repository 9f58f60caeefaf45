/* vs-guest.c: the guest side of a share, through the guest agent. */
#include <config.h>

#include "vs-agent.h"
#include "vs-defaults.h"
#include "vs-error.h"
#include "vs-guest.h"
#include "vs-i18n.h"
#include "vs-path.h"
#include "vs-text.h"
#include "vs-time.h"
#include "vs-xml.h"

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

    g_strv_builder_add_many(b, "mount", "-t", vs_guest_fstype(share->driver), "-o", opts, "--",
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
    /* as a C string a NUL would cut the text short: an fstab edited from
     * that would silently lose the rest */
    if (data && memchr(data, '\0', len)) {
        g_set_error(error, VS_ERROR, VS_ERROR_GUEST, _("%s in the guest holds NUL bytes"), path);
        return NULL;
    }
    return g_strndup(data ? data : "", len);   /* an empty file has no data pointer */
}

GPtrArray *
vs_guest_mounts(virDomain *dom, GError **error)
{
    g_autofree char *text = vs_guest_read_text(dom, "/proc/self/mounts", error);

    return text ? vs_guest_parse_mounts(text) : NULL;
}

/* The agent commands a share needs (mount via guest-exec, /proc via guest-file-*). */
static const char *const vs_needed_agent_commands[] = {
    "guest-exec", "guest-exec-status", "guest-file-open", "guest-file-read",
    "guest-file-close", NULL
};

const char *
vs_guest_blocked_command(GHashTable *disabled)
{
    for (guint i = 0; vs_needed_agent_commands[i]; i++) {
        if (g_hash_table_contains(disabled, vs_needed_agent_commands[i]))
            return vs_needed_agent_commands[i];
    }
    return NULL;
}

gboolean
vs_guest_has_fs(virDomain *dom, VsDriver driver, gboolean *has, GError **error)
{
    g_autofree char *text = vs_guest_read_text(dom, "/proc/filesystems", error);

    if (!text)
        return FALSE;
    *has = vs_guest_filesystems_has(text, vs_guest_fstype(driver));
    return TRUE;
}

gboolean
vs_guest_ensure_fs(virDomain *dom, VsDriver driver, guint timeout_ms, GError **error)
{
    const char *fstype = vs_guest_fstype(driver);
    const char *module = driver == VS_DRIVER_VIRTIOFS ? "virtiofs" : "9p";
    const char *modprobe[] = { "modprobe", module, NULL };
    g_autofree char *text = NULL;
    g_autoptr(GError) mp_error = NULL;
    gboolean has = FALSE;

    if (!vs_guest_has_fs(dom, driver, &has, error))
        return FALSE;
    if (has)
        return TRUE;
    if (!vs_agent_exec_check(dom, modprobe, timeout_ms, &mp_error)) {
        g_set_error(error, VS_ERROR, VS_ERROR_GUEST,
                    _("the guest kernel does not support %s and loading the module failed: "
                      "%s"), fstype, mp_error->message);
        return FALSE;
    }
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
vs_guest_mount(virDomain *dom, const VsShare *share, guint timeout_ms, gboolean *already,
               GError **error)
{
    const char *mkdir_argv[] = { "mkdir", "-p", "--", share->target, NULL };
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
    if (already)
        *already = FALSE;
    if ((m = vs_guest_find_mount(mounts, share->tag))) {
        if (g_strcmp0(m->target, share->target) == 0) {
            if (already)
                *already = TRUE;
            return TRUE;
        }
        g_autofree char *where = vs_text_for_error(m->target, -1);
        g_set_error(error, VS_ERROR, VS_ERROR_EXISTS,
                    _("share '%s' is already mounted at '%s' in the guest"), share->tag,
                    where);
        return FALSE;
    }
    if (!vs_agent_exec_check(dom, mkdir_argv, timeout_ms, error))
        return FALSE;

    vs_time_backoff_start(&backoff, 50, 1000, VS_DEVICE_SETTLE_MS);
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
        const char *argv[] = { "umount", "--", m->target, NULL };
        if (!vs_agent_exec_check(dom, argv, timeout_ms, error))
            return FALSE;
        *was_mounted = TRUE;
        g_ptr_array_remove(mounts, m);
    }
    return TRUE;
}

char *
vs_guest_fstab_line(const VsShare *share)
{
    g_autofree char *tag = vs_text_fstab_escape(share->tag);
    g_autofree char *target = vs_text_fstab_escape(share->target);
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

static gboolean
vs_fstab_line_pick(const char *line, gpointer etag)
{
    return vs_fstab_line_is(line, etag);
}

char *
vs_guest_fstab_without(const char *text, const char *tag, gboolean *removed)
{
    g_autofree char *etag = vs_text_fstab_escape(tag);

    return vs_text_drop_lines(text, vs_fstab_line_pick, etag, removed);
}

char *
vs_guest_fstab_with(const char *text, const VsShare *share)
{
    gboolean removed;
    g_autofree char *kept = vs_guest_fstab_without(text, share->tag, &removed);
    g_autofree char *line = vs_guest_fstab_line(share);

    /* A text without a final newline gets the line after a newline and
     * without one of its own: vs_guest_fstab_without() then gives back exactly the
     * original text, so add + remove leaves the guest's fstab byte for byte. */
    if (*kept && !g_str_has_suffix(kept, "\n")) {
        line[strlen(line) - 1] = '\0';
        return g_strconcat(kept, "\n", line, NULL);
    }
    return g_strconcat(kept, line, NULL);
}

#define VS_FSTAB "/etc/fstab"
#define VS_FSTAB_BACKUP "/etc/fstab.virt-share.bak"
/* The new fstab is written beside the real one, then renamed over it. */
#define VS_FSTAB_NEW_SUFFIX ".virt-share.new"

/* Does @path exist in the guest?  Asked with test(1)'s exit code. */
static gboolean
vs_guest_exists(virDomain *dom, const char *path, gboolean *exists, GError **error)
{
    const char *argv[] = { "test", "-e", path, NULL };
    g_autoptr(VsExecResult) res = vs_agent_exec(dom, argv, VS_DEFAULT_TIMEOUT_MS, error);

    if (!res)
        return FALSE;
    if (res->exit_code != 0 && res->exit_code != 1) {
        g_set_error(error, VS_ERROR, VS_ERROR_GUEST,
                    _("'test -e %s' failed in the guest with exit code %d"), path,
                    res->exit_code);
        return FALSE;
    }
    *exists = res->exit_code == 0;
    return TRUE;
}

/* The file @path names, symlinks resolved (an fstab may be a link into a
 * persistent disk: the new file must replace the link's target). */
static char *
vs_guest_realpath(virDomain *dom, const char *path, GError **error)
{
    const char *argv[] = { "readlink", "-f", "--", path, NULL };
    g_autoptr(VsExecResult) res = vs_agent_exec(dom, argv, VS_DEFAULT_TIMEOUT_MS, error);
    g_autofree char *real = NULL;
    const char *data;
    gsize len;

    if (!res)
        return NULL;
    data = g_bytes_get_data(res->out, &len);
    real = g_strndup(data ? data : "", len);
    g_strchomp(real);
    if (res->exit_code != 0 || !g_utf8_validate(real, -1, NULL) || strchr(real, '\n') ||
        !vs_path_guest_validate(real, NULL)) {
        g_autofree char *shown = vs_text_for_error(real, -1);
        g_set_error(error, VS_ERROR, VS_ERROR_GUEST,
                    _("cannot resolve %s in the guest (got '%s')"), path, shown);
        return NULL;
    }
    return g_steal_pointer(&real);
}

static gboolean
vs_guest_write_text(virDomain *dom, const char *path, const char *text, GError **error)
{
    g_autoptr(GBytes) bytes = g_bytes_new(text, strlen(text));
    return vs_agent_write_file(dom, path, bytes, error);
}

/* Write @text to @tmp (mode and owner of @real when it exists), then read
 * it back and compare byte for byte. */
static gboolean
vs_guest_write_verified(virDomain *dom, const char *real, gboolean exists, const char *tmp,
                        const char *text, GError **error)
{
    const char *cp[] = { "cp", "-p", "--", real, tmp, NULL };
    const char *chmod[] = { "chmod", "0644", "--", tmp, NULL };
    g_autofree char *back = NULL;

    if (exists && !vs_agent_exec_check(dom, cp, VS_DEFAULT_TIMEOUT_MS, error))
        return FALSE;
    if (!vs_guest_write_text(dom, tmp, text, error))
        return FALSE;
    if (!exists && !vs_agent_exec_check(dom, chmod, VS_DEFAULT_TIMEOUT_MS, error))
        return FALSE;
    if (!(back = vs_guest_read_text(dom, tmp, error)))
        return FALSE;
    if (!g_str_equal(back, text)) {
        g_set_error(error, VS_ERROR, VS_ERROR_GUEST,
                    _("%s in the guest does not read back as written"), tmp);
        return FALSE;
    }
    return TRUE;
}

/* Replace the guest's fstab with @text without a moment in which it is
 * missing or partial: a new file beside it, verified, renamed into place. */
static gboolean
vs_guest_replace_fstab(virDomain *dom, gboolean exists, const char *text, GError **error)
{
    g_autofree char *real = exists ? vs_guest_realpath(dom, VS_FSTAB, error) : g_strdup(VS_FSTAB);
    g_autofree char *tmp = NULL;

    if (!real)
        return FALSE;
    tmp = g_strconcat(real, VS_FSTAB_NEW_SUFFIX, NULL);
    {
        const char *mv[] = { "mv", "-f", "--", tmp, real, NULL };
        const char *rm[] = { "rm", "-f", "--", tmp, NULL };

        if (vs_guest_write_verified(dom, real, exists, tmp, text, error) &&
            vs_agent_exec_check(dom, mv, VS_DEFAULT_TIMEOUT_MS, error))
            return TRUE;
        vs_agent_exec_check(dom, rm, VS_DEFAULT_TIMEOUT_MS, NULL);
        return FALSE;
    }
}

/* The guest's fstab ("" and *@exists FALSE when there is none). */
static char *
vs_guest_read_fstab(virDomain *dom, gboolean *exists, GError **error)
{
    if (!vs_guest_exists(dom, VS_FSTAB, exists, error))
        return NULL;
    return *exists ? vs_guest_read_text(dom, VS_FSTAB, error) : g_strdup("");
}

/* Keep the guest's original fstab once, before the first change. */
static gboolean
vs_guest_fstab_backup(virDomain *dom, gboolean exists, const char *text, GError **error)
{
    const char *cp[] = { "cp", "-p", "--", VS_FSTAB, VS_FSTAB_BACKUP, NULL };
    gboolean have_backup;

    if (!vs_guest_exists(dom, VS_FSTAB_BACKUP, &have_backup, error))
        return FALSE;
    if (have_backup)
        return TRUE;
    if (exists)
        return vs_agent_exec_check(dom, cp, VS_DEFAULT_TIMEOUT_MS, error);
    return vs_guest_write_text(dom, VS_FSTAB_BACKUP, text, error);
}

gboolean
vs_guest_fstab_add(virDomain *dom, const VsShare *share, GError **error)
{
    gboolean exists;
    g_autofree char *text = vs_guest_read_fstab(dom, &exists, error);
    g_autofree char *out = NULL;

    if (!text || !vs_guest_fstab_backup(dom, exists, text, error))
        return FALSE;
    out = vs_guest_fstab_with(text, share);
    if (g_str_equal(out, text))
        return TRUE;
    return vs_guest_replace_fstab(dom, exists, out, error);
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
    kept = vs_guest_fstab_without(text, tag, removed);
    if (!*removed)
        return TRUE;
    return vs_guest_replace_fstab(dom, exists, kept, error);
}

/* ---- the guest's operating system ---- */

VS_ENUM_IMPL(vs_guest_os_kind, VS_GUEST_OS_LAST, "unknown", "linux", "windows", "other")

VS_ENUM_IMPL(vs_guest_family, VS_GUEST_FAMILY_LAST,
             "unknown", "debian", "fedora", "suse", "alpine", "arch")

/* os-release IDs of systems that are not Linux.  Any other ID is taken for
 * Linux: an unknown one must not stop what works today. */
static const char *const vs_not_linux_ids[] = {
    "freebsd", "netbsd", "openbsd", "dragonfly", "midnightbsd", "ghostbsd", "illumos",
    "omnios", "openindiana", "smartos", "solaris", "haiku", "macos", "darwin", NULL
};

VsGuestOsKind
vs_guest_os_kind(const VsGuestOs *os)
{
    if (!os || !os->id)
        return VS_GUEST_OS_UNKNOWN;
    /* qemu-ga's Windows build always reports this ID */
    if (g_str_equal(os->id, "mswindows"))
        return VS_GUEST_OS_WINDOWS;
    if (g_strv_contains(vs_not_linux_ids, os->id))
        return VS_GUEST_OS_OTHER;
    return VS_GUEST_OS_LINUX;
}

/* Well-known IDs and their family; an ID not listed is looked up by its
 * ID_LIKE. */
static const struct {
    const char *id;
    VsGuestFamily family;
} vs_family_ids[] = {
    { "debian", VS_GUEST_FAMILY_DEBIAN }, { "ubuntu", VS_GUEST_FAMILY_DEBIAN },
    { "linuxmint", VS_GUEST_FAMILY_DEBIAN }, { "pop", VS_GUEST_FAMILY_DEBIAN },
    { "raspbian", VS_GUEST_FAMILY_DEBIAN }, { "kali", VS_GUEST_FAMILY_DEBIAN },
    { "devuan", VS_GUEST_FAMILY_DEBIAN }, { "elementary", VS_GUEST_FAMILY_DEBIAN },
    { "fedora", VS_GUEST_FAMILY_FEDORA }, { "rhel", VS_GUEST_FAMILY_FEDORA },
    { "centos", VS_GUEST_FAMILY_FEDORA }, { "rocky", VS_GUEST_FAMILY_FEDORA },
    { "almalinux", VS_GUEST_FAMILY_FEDORA }, { "ol", VS_GUEST_FAMILY_FEDORA },
    { "amzn", VS_GUEST_FAMILY_FEDORA },
    { "suse", VS_GUEST_FAMILY_SUSE }, { "opensuse", VS_GUEST_FAMILY_SUSE },
    { "opensuse-leap", VS_GUEST_FAMILY_SUSE }, { "opensuse-tumbleweed", VS_GUEST_FAMILY_SUSE },
    { "sles", VS_GUEST_FAMILY_SUSE }, { "sled", VS_GUEST_FAMILY_SUSE },
    { "alpine", VS_GUEST_FAMILY_ALPINE }, { "postmarketos", VS_GUEST_FAMILY_ALPINE },
    { "arch", VS_GUEST_FAMILY_ARCH }, { "manjaro", VS_GUEST_FAMILY_ARCH },
    { "endeavouros", VS_GUEST_FAMILY_ARCH }, { "artix", VS_GUEST_FAMILY_ARCH },
};

static VsGuestFamily
vs_family_of_id(const char *id)
{
    for (guint i = 0; id && i < G_N_ELEMENTS(vs_family_ids); i++) {
        if (g_str_equal(id, vs_family_ids[i].id))
            return vs_family_ids[i].family;
    }
    return VS_GUEST_FAMILY_UNKNOWN;
}

VsGuestFamily
vs_guest_family(const char *id, const char *id_like)
{
    g_auto(GStrv) likes = g_strsplit_set(id_like ? id_like : "", " \t", -1);
    VsGuestFamily family = vs_family_of_id(id);

    for (guint i = 0; family == VS_GUEST_FAMILY_UNKNOWN && likes[i]; i++)
        family = vs_family_of_id(likes[i]);
    return family;
}

#define VS_LIBOSINFO_NS "http://libosinfo.org/xmlns/libvirt/domain/1.0"

/* libosinfo's short names that are not os-release's ID */
static const struct {
    const char *libosinfo, *id;
} vs_libosinfo_names[] = {
    { "alpinelinux", "alpine" }, { "archlinux", "arch" }, { "centos-stream", "centos" },
};

VsGuestFamily
vs_guest_family_of_domain(xmlDoc *doc)
{
    xmlNode *os = doc ? vs_xml_find_one(doc, NULL, "/domain/metadata/*[namespace-uri()='"
                                        VS_LIBOSINFO_NS "']/*[local-name()='os']") : NULL;
    g_autofree char *url = os ? vs_xml_prop(os, "id") : NULL;
    g_auto(GStrv) parts = NULL;
    const char *name;

    /* "http://debian.org/debian/12": the distribution is the path's first part */
    if (!url || !g_str_has_prefix(url, "http://"))
        return VS_GUEST_FAMILY_UNKNOWN;
    parts = g_strsplit(url + strlen("http://"), "/", 3);
    if (g_strv_length(parts) < 2)
        return VS_GUEST_FAMILY_UNKNOWN;
    name = parts[1];
    for (guint i = 0; i < G_N_ELEMENTS(vs_libosinfo_names); i++) {
        if (g_str_equal(name, vs_libosinfo_names[i].libosinfo))
            name = vs_libosinfo_names[i].id;
    }
    return vs_guest_family(name, NULL);
}

const char *
vs_guest_family_agent_install(VsGuestFamily family)
{
    switch (family) {
    case VS_GUEST_FAMILY_DEBIAN:
        return "apt install qemu-guest-agent";
    case VS_GUEST_FAMILY_FEDORA:
        return "dnf install qemu-guest-agent";
    case VS_GUEST_FAMILY_SUSE:
        return "zypper install qemu-guest-agent";
    case VS_GUEST_FAMILY_ALPINE:
        return "apk add qemu-guest-agent";
    case VS_GUEST_FAMILY_ARCH:
        return "pacman -S qemu-guest-agent";
    case VS_GUEST_FAMILY_UNKNOWN:
    case VS_GUEST_FAMILY_LAST:
        break;
    }
    return NULL;
}

gboolean
vs_guest_os_check(const VsGuestOs *os, GError **error)
{
    /* both sanitised by the parser */
    const char *what = os && os->name ? os->name : os ? os->id : NULL;

    switch (vs_guest_os_kind(os)) {
    case VS_GUEST_OS_WINDOWS:
        g_set_error(error, VS_ERROR, VS_ERROR_GUEST_OS,
                    _("the guest runs %s: virt-share mounts shares only in Linux guests. "
                      "Windows can use a virtiofs share through virtio-win's VirtIO-FS "
                      "service with WinFsp, set up in the guest by hand (9p has no Windows "
                      "driver)"), what);
        return FALSE;
    case VS_GUEST_OS_OTHER:
        g_set_error(error, VS_ERROR, VS_ERROR_GUEST_OS,
                    _("the guest runs %s, not Linux: virt-share mounts shares only in Linux "
                      "guests. Mount the share in the guest by hand with that system's 9p "
                      "or virtiofs client, if it has one"), what);
        return FALSE;
    case VS_GUEST_OS_UNKNOWN:
    case VS_GUEST_OS_LINUX:
    case VS_GUEST_OS_LAST:
        break;
    }
    return TRUE;
}
