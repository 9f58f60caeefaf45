/* vs-harden.c: the nosuid,nodev bind mount of a shared folder (see vs-harden.h).
 *
 * Why a bind mount of the folder onto itself: nosuid and nodev are flags of
 * a mount, not of files, so the folder needs a mount of its own to carry
 * them; bound onto itself, every path through the folder (and through its
 * parent directory) goes through that mount.  It protects nothing seen
 * through another path to the same files (another bind mount, the raw
 * device), and setuid bits the guest set stay on disk: without the mount
 * they work again, so the hook checks it at every start. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "vs-error.h"
#include "vs-harden.h"
#include "vs-i18n.h"
#include "vs-path.h"
#include "vs-text.h"

VS_ENUM_IMPL(vs_harden_need, VS_HARDEN_LAST, "virtiofs-root", "9p-root", "9p-squash", "readonly",
             "mapped", "session", "9p-unprivileged", "not-here")

#define VS_HARDEN_FSTAB "/etc/fstab"
/* nofail: a shared folder deleted later must not stop the host's boot
 * (systemd would wait in emergency mode); the hook checks the mount at every
 * start of a domain that shares the folder anyway. */
#define VS_HARDEN_FSTAB_OPTIONS "rbind,nosuid,nodev,nofail"

VsHardenUri
vs_harden_uri_kind(gboolean remote, const char *driver, const char *path)
{
    /* A remote daemon's folders are on its host, where its own virt-share
     * (vs-remote.h) decides; the test driver runs nothing. */
    if (remote || g_strcmp0(driver, "qemu") != 0)
        return VS_HARDEN_URI_OTHER;
    if (g_strcmp0(path, "/system") == 0)
        return VS_HARDEN_URI_SYSTEM;
    if (g_strcmp0(path, "/session") == 0)
        return VS_HARDEN_URI_SESSION;
    return VS_HARDEN_URI_OTHER;
}

VsHardenNeed
vs_harden_need(VsDriver driver, VsMode mode, gboolean readonly, VsHardenUri uri, uid_t qemu_uid)
{
    if (readonly)
        return VS_HARDEN_READONLY;
    if (driver == VS_DRIVER_9P && mode == VS_MODE_MAPPED)
        return VS_HARDEN_MAPPED;
    if (uri == VS_HARDEN_URI_SESSION)
        return VS_HARDEN_SESSION;
    if (uri != VS_HARDEN_URI_SYSTEM)
        return VS_HARDEN_NOT_HERE;
    if (driver == VS_DRIVER_VIRTIOFS)
        return VS_HARDEN_VIRTIOFS_ROOT;
    if (mode == VS_MODE_PASSTHROUGH)
        return qemu_uid == 0 ? VS_HARDEN_9P_ROOT : VS_HARDEN_9P_UNPRIVILEGED;
    /* squash, also the default mode of 9p */
    return VS_HARDEN_9P_SQUASH;
}

gboolean
vs_harden_needed(VsHardenNeed need)
{
    return need == VS_HARDEN_VIRTIOFS_ROOT || need == VS_HARDEN_9P_ROOT ||
           need == VS_HARDEN_9P_SQUASH;
}

const char *
vs_harden_need_describe(VsHardenNeed need)
{
    switch (need) {
    case VS_HARDEN_VIRTIOFS_ROOT:
        return _("virtiofsd runs as root: what the guest's root creates in the folder is "
                 "root's on the host");
    case VS_HARDEN_9P_ROOT:
        return _("QEMU runs as root and 9p passthrough keeps the guest's owners: what the "
                 "guest's root creates in the folder is root's on the host");
    case VS_HARDEN_9P_SQUASH:
        return _("9p squash writes as QEMU's user: the guest's root can leave programs "
                 "there that are setuid to QEMU's user");
    case VS_HARDEN_READONLY:
        return _("read-only: the guest cannot create files in the folder");
    case VS_HARDEN_MAPPED:
        return _("9p mapped keeps the guest's owners and modes in xattrs: on the host the "
                 "files are 0600 and owned by QEMU's user, never setuid or devices, so the "
                 "folder needs no nosuid,nodev mount");
    case VS_HARDEN_SESSION:
        return _("a session daemon: the guest's writes land as you, with no more rights "
                 "than you have");
    case VS_HARDEN_9P_UNPRIVILEGED:
        return _("9p passthrough with an unprivileged QEMU cannot create files at all");
    case VS_HARDEN_NOT_HERE:
    case VS_HARDEN_LAST:
        break;
    }
    return _("not a local system daemon: not judged here");
}

gboolean
vs_harden_is_protected(const char *folder, gboolean *protected_out, GError **error)
{
    struct statvfs sv;

    if (statvfs(folder, &sv) < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot read the mount flags of %s: %s"),
                    folder, g_strerror(err));
        return FALSE;
    }
    *protected_out = (sv.f_flag & ST_NOSUID) && (sv.f_flag & ST_NODEV);
    return TRUE;
}

const char *
vs_harden_fstab_path(void)
{
    const char *env = g_getenv("VIRT_SHARE_FSTAB");

    return env && *env ? env : VS_HARDEN_FSTAB;
}

/* The comment line and the entry line, each without its newline. */
static void
vs_harden_lines(const char *folder, char **comment, char **entry)
{
    g_autofree char *esc = vs_text_fstab_escape(folder);

    *comment = g_strdup_printf("# virt-share: keeps %s nosuid,nodev (see virt-share(1))", esc);
    *entry = g_strdup_printf("%s %s none " VS_HARDEN_FSTAB_OPTIONS " 0 0", esc, esc);
}

char *
vs_harden_fstab_lines(const char *folder)
{
    g_autofree char *comment = NULL;
    g_autofree char *entry = NULL;

    vs_harden_lines(folder, &comment, &entry);
    return g_strdup_printf("%s\n%s\n", comment, entry);
}

/* Is @line (without its newline) the entry @entry, fields compared (an
 * admin may have re-aligned the columns)? */
static gboolean
vs_harden_entry_is(const char *line, const char *entry)
{
    g_auto(GStrv) a = g_strsplit_set(line, " \t", -1);
    g_auto(GStrv) b = g_strsplit(entry, " ", -1);
    guint j = 0;

    for (guint i = 0; a[i]; i++) {
        if (!*a[i])
            continue;
        if (!b[j] || strcmp(a[i], b[j]) != 0)
            return FALSE;
        j++;
    }
    return b[j] == NULL;
}

gboolean
vs_harden_fstab_has(const char *text, const char *folder)
{
    g_autofree char *comment = NULL;
    g_autofree char *entry = NULL;
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

    vs_harden_lines(folder, &comment, &entry);
    for (guint i = 0; lines[i]; i++) {
        if (vs_harden_entry_is(lines[i], entry))
            return TRUE;
    }
    return FALSE;
}

typedef struct {
    const char *comment;
    const char *entry;
} VsHardenLines;

static gboolean
vs_harden_line_pick(const char *line, gpointer data)
{
    const VsHardenLines *lines = data;

    return strcmp(line, lines->comment) == 0 || vs_harden_entry_is(line, lines->entry);
}

char *
vs_harden_fstab_without(const char *text, const char *folder, gboolean *removed)
{
    g_autofree char *comment = NULL;
    g_autofree char *entry = NULL;
    VsHardenLines lines;

    vs_harden_lines(folder, &comment, &entry);
    lines = (VsHardenLines) { comment, entry };
    return vs_text_drop_lines(text, vs_harden_line_pick, &lines, removed);
}

char *
vs_harden_fstab_with(const char *text, const char *folder)
{
    gboolean removed;
    g_autofree char *kept = vs_harden_fstab_without(text, folder, &removed);
    g_autofree char *lines = vs_harden_fstab_lines(folder);

    /* No final newline: the lines go after one and end without their own,
     * so that taking them out again gives the text back byte for byte. */
    if (*kept && !g_str_has_suffix(kept, "\n")) {
        lines[strlen(lines) - 1] = '\0';
        return g_strconcat(kept, "\n", lines, NULL);
    }
    return g_strconcat(kept, lines, NULL);
}

/* Write @text to @path atomically: a temporary file in the same directory
 * with @path's mode and owner (@st; NULL: 0644 root), renamed over it. */
static gboolean
vs_harden_replace(const char *path, const struct stat *st, const char *text, GError **error)
{
    g_autofree char *tmp = g_strdup_printf("%s.virt-share.XXXXXX", path);
    gsize len = strlen(text), done = 0;
    int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
    int err = 0;

    if (fd < 0) {
        err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot write %s: %s"), path,
                    g_strerror(err));
        return FALSE;
    }
    if (fchmod(fd, st ? st->st_mode & 07777 : 0644) < 0 ||
        (st && fchown(fd, st->st_uid, st->st_gid) < 0 && geteuid() == 0))
        err = errno;
    while (!err && done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            err = errno;
        else
            done += (gsize)n;
    }
    if (!err && fsync(fd) < 0)
        err = errno;
    if (close(fd) < 0 && !err)
        err = errno;
    if (!err && rename(tmp, path) < 0)
        err = errno;
    if (err) {
        unlink(tmp);
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot write %s: %s"), path,
                    g_strerror(err));
        return FALSE;
    }
    return TRUE;
}

/* Change the fstab under a lock on its directory (two adds at once must
 * not lose each other's lines): @add, or remove. */
static gboolean
vs_harden_fstab_edit(const char *fstab, const char *folder, gboolean add, gboolean *changed,
                     GError **error)
{
    const char *given = fstab ? fstab : vs_harden_fstab_path();
    /* An fstab that is a symbolic link stays one: the file it leads to changes. */
    g_autofree char *real = realpath(given, NULL);
    const char *path = real ? real : given;
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *text = NULL;
    g_autofree char *out = NULL;
    g_autoptr(GError) read_error = NULL;
    struct stat st;
    gboolean exists, ok, removed = FALSE;
    int dfd;

    if (changed)
        *changed = FALSE;
    if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || flock(dfd, LOCK_EX) < 0) {
        int err = errno;
        if (dfd >= 0)
            close(dfd);
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot lock %s: %s"), dir,
                    g_strerror(err));
        return FALSE;
    }
    exists = stat(path, &st) == 0;
    if (exists && !g_file_get_contents(path, &text, NULL, &read_error)) {
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot read %s: %s"), path,
                    read_error->message);
        close(dfd);
        return FALSE;
    }
    if (add)
        out = vs_harden_fstab_with(text ? text : "", folder);
    else
        out = vs_harden_fstab_without(text ? text : "", folder, &removed);
    if (g_strcmp0(out, text ? text : "") == 0 || (!add && !removed)) {
        close(dfd);
        return TRUE;
    }
    ok = vs_harden_replace(path, exists ? &st : NULL, out, error);
    close(dfd);   /* releases the lock */
    if (ok && changed)
        *changed = TRUE;
    return ok;
}

gboolean
vs_harden_fstab_add(const char *fstab, const char *folder, gboolean *changed, GError **error)
{
    return vs_harden_fstab_edit(fstab, folder, TRUE, changed, error);
}

gboolean
vs_harden_fstab_remove(const char *fstab, const char *folder, gboolean *changed,
                       GError **error)
{
    return vs_harden_fstab_edit(fstab, folder, FALSE, changed, error);
}

gboolean
vs_harden_fstab_file_has(const char *fstab, const char *folder, gboolean *has, GError **error)
{
    const char *path = fstab ? fstab : vs_harden_fstab_path();
    g_autofree char *text = NULL;
    g_autoptr(GError) read_error = NULL;

    *has = FALSE;
    if (!g_file_get_contents(path, &text, NULL, &read_error)) {
        if (g_error_matches(read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return TRUE;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot read %s: %s"), path,
                    read_error->message);
        return FALSE;
    }
    *has = vs_harden_fstab_has(text, folder);
    return TRUE;
}

/* The mount flags to keep when @path's mount is remounted: a bind remount
 * sets every per-mount flag anew, so what is not passed is dropped. */
static unsigned long
vs_harden_kept_flags(const char *path)
{
    struct statvfs sv;
    unsigned long flags = 0;

    if (statvfs(path, &sv) < 0)
        return 0;
    if (sv.f_flag & ST_RDONLY)
        flags |= MS_RDONLY;
    if (sv.f_flag & ST_NOEXEC)
        flags |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME)
        flags |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME)
        flags |= MS_NODIRATIME;
#ifdef ST_RELATIME
    if (sv.f_flag & ST_RELATIME)
        flags |= MS_RELATIME;
    /* Neither: strictatime, which the kernel would turn into relatime. */
    if (!(sv.f_flag & (ST_RELATIME | ST_NOATIME)))
        flags |= MS_STRICTATIME;
#endif
#if defined(ST_NOSYMFOLLOW) && defined(MS_NOSYMFOLLOW)
    if (sv.f_flag & ST_NOSYMFOLLOW)
        flags |= MS_NOSYMFOLLOW;
#endif
    return flags;
}

/* The mount points strictly below @folder, from /proc/self/mountinfo. */
static GPtrArray *
vs_harden_submounts(const char *folder)
{
    GPtrArray *points = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) mounts = vs_path_mounts();
    gsize n = strlen(folder);

    for (guint i = 0; i < mounts->len; i++) {
        const char *point = ((VsPathMount *)g_ptr_array_index(mounts, i))->point;

        if ((strcmp(folder, "/") == 0 ? point[0] == '/' && point[1]
                                      : strncmp(point, folder, n) == 0 && point[n] == '/') &&
            !g_ptr_array_find_with_equal_func(points, point, g_str_equal, NULL))
            g_ptr_array_add(points, g_strdup(point));
    }
    return points;
}

static gboolean
vs_harden_remount(const char *path, GError **error)
{
    unsigned long flags = MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV |
                          vs_harden_kept_flags(path);
    gboolean protected_now = FALSE;

    if (mount(NULL, path, NULL, flags, NULL) < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("cannot mount %s again with nosuid,nodev: %s"), path, g_strerror(err));
        return FALSE;
    }
    if (!vs_harden_is_protected(path, &protected_now, error))
        return FALSE;
    if (!protected_now) {
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("%s was mounted again with nosuid,nodev, but its mount does not say so"),
                    path);
        return FALSE;
    }
    return TRUE;
}

gboolean
vs_harden_mount(const char *folder, GError **error)
{
    g_autoptr(GPtrArray) subs = NULL;

    if (mount(folder, folder, NULL, MS_BIND | MS_REC, NULL) < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot bind-mount %s onto itself: %s"),
                    folder, g_strerror(err));
        return FALSE;
    }
    if (!vs_harden_remount(folder, error))
        goto undo;
    /* rbind copied the submounts with their own flags: each gets them too. */
    subs = vs_harden_submounts(folder);
    for (guint i = 0; i < subs->len; i++) {
        if (!vs_harden_remount(g_ptr_array_index(subs, i), error))
            goto undo;
    }
    return TRUE;

undo:
    umount2(folder, MNT_DETACH);
    return FALSE;
}

/* Is the top mount at @folder a bind mount of its own file system onto
 * itself (what vs_harden_mount made): the same device as the mount it
 * covers?  A file system of its own mounted there is never taken away. */
static gboolean
vs_harden_is_self_bind(const char *folder)
{
    g_autoptr(GPtrArray) mounts = vs_path_mounts();
    const VsPathMount *top = NULL;

    /* The later entry at the same point is the one on top. */
    for (guint i = 0; i < mounts->len; i++) {
        const VsPathMount *m = g_ptr_array_index(mounts, i);

        if (strcmp(m->point, folder) == 0)
            top = m;
    }
    if (!top)
        return FALSE;
    for (guint i = 0; i < mounts->len; i++) {
        const VsPathMount *m = g_ptr_array_index(mounts, i);

        if (strcmp(m->id, top->parent) == 0)
            return strcmp(m->dev, top->dev) == 0;
    }
    return FALSE;
}

gboolean
vs_harden_umount(const char *folder, GError **error)
{
    if (!vs_harden_is_self_bind(folder))
        return TRUE;    /* gone already (umount by hand): nothing of ours left */
    /* Lazily: a host process working in the folder keeps going; the files
     * under the mount are the same, so nothing is lost. */
    if (umount2(folder, MNT_DETACH) < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot unmount %s: %s"), folder,
                    g_strerror(err));
        return FALSE;
    }
    return TRUE;
}

char *
vs_harden_quote(const char *word)
{
    for (const char *p = word; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("_./:@%+=,-", *p))
            return g_shell_quote(word);
    }
    return *word ? g_strdup(word) : g_shell_quote(word);
}

char *
vs_harden_fix_commands(const char *folder)
{
    g_autofree char *q = vs_harden_quote(folder);
    g_autofree char *lines = vs_harden_fstab_lines(folder);
    g_auto(GStrv) two = g_strsplit(lines, "\n", 3);
    g_autofree char *q1 = g_shell_quote(two[0]);
    g_autofree char *q2 = g_shell_quote(two[1]);
    g_autofree char *qf = vs_harden_quote(vs_harden_fstab_path());

    return g_strdup_printf("mount --rbind %s %s && mount -o remount,bind,nosuid,nodev %s && "
                           "printf '%%s\\n' %s %s >> %s", q, q, q, q1, q2, qf);
}

gboolean
vs_harden_protect(const char *folder, const char *fstab, VsHardenDone *done, GError **error)
{
    g_autoptr(GError) undo_error = NULL;
    g_autofree char *fix = NULL;
    gboolean added = FALSE;

    memset(done, 0, sizeof(*done));
    if (!vs_harden_mount(folder, error))
        goto fail;
    done->mounted = TRUE;
    if (!vs_harden_fstab_add(fstab, folder, &added, error)) {
        vs_harden_undo(folder, fstab, done, &undo_error);
        goto fail;
    }
    done->fstab_added = added;
    return TRUE;

fail:
    fix = vs_harden_fix_commands(folder);
    g_prefix_error(error, _("cannot make %s nosuid,nodev (nothing was changed): "), folder);
    if (error && *error) {
        g_autofree char *msg = (*error)->message;
        (*error)->message = g_strdup_printf(_("%s\nTo do it by hand: %s"), msg, fix);
    }
    if (undo_error)
        g_prefix_error(error, "%s\n", undo_error->message);
    return FALSE;
}

gboolean
vs_harden_undo(const char *folder, const char *fstab, VsHardenDone *done, GError **error)
{
    g_autoptr(GError) fstab_error = NULL;
    g_autoptr(GError) umount_error = NULL;

    if (done->fstab_added && vs_harden_fstab_remove(fstab, folder, NULL, &fstab_error))
        done->fstab_added = FALSE;
    if (done->mounted && vs_harden_umount(folder, &umount_error))
        done->mounted = FALSE;
    if (fstab_error || umount_error) {
        g_set_error(error, VS_ERROR, VS_ERROR_INCOMPLETE, "%s%s%s",
                    fstab_error ? fstab_error->message : "",
                    fstab_error && umount_error ? "; " : "",
                    umount_error ? umount_error->message : "");
        return FALSE;
    }
    return TRUE;
}

gboolean
vs_harden_unprotect(const char *folder, const char *fstab, gboolean *undone, GError **error)
{
    gboolean removed = FALSE;

    *undone = FALSE;
    if (!vs_harden_fstab_remove(fstab, folder, &removed, error))
        return FALSE;
    if (!removed)
        return TRUE;    /* not ours: an admin's own mount stays */
    *undone = TRUE;
    return vs_harden_umount(folder, error);
}
