/* vs-perm.c: host-side permission checks for a share, and ACL fixes. */
#include <config.h>

#include <acl/libacl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-perm.h"
#include "vs-policy.h"

int
vs_perm_access_as(const VsIdentity *id, const char *path, int mode)
{
    gid_t groups[256];
    int ngroups = G_N_ELEMENTS(groups);
    int status;
    pid_t pid;

    if (geteuid() != 0) {
        if (id->uid != geteuid())
            return -1;
        return access(path, mode) == 0 ? 0 : errno;
    }
    /* Work out the groups before fork: only async-signal-safe calls after. */
    if (!id->user || getgrouplist(id->user, id->gid, groups, &ngroups) < 0) {
        groups[0] = id->gid;
        ngroups = 1;
    }
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (setgroups(ngroups, groups) < 0 || setresgid(id->gid, id->gid, id->gid) < 0 ||
            setresuid(id->uid, id->uid, id->uid) < 0)
            _exit(255);
        _exit(access(path, mode) == 0 ? 0 : (errno & 0x7f));
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 255)
        return -1;
    return WEXITSTATUS(status);
}

static void G_GNUC_PRINTF(6, 7)
vs_add_finding(GPtrArray *findings, VsSeverity severity, VsFindingCode code, const char *path,
               VsFixKind fix, const char *fmt, ...)
{
    VsFinding *f = g_new0(VsFinding, 1);
    va_list args;

    va_start(args, fmt);
    f->message = g_strdup_vprintf(fmt, args);
    va_end(args);
    f->severity = severity;
    f->code = code;
    f->path = g_strdup(path);
    f->fix = fix;
    g_ptr_array_add(findings, f);
}

/* What each fix sets: the ACL entry for QEMU's user, and whether the folder
 * also gets it as a default ACL.  The one table for the printed command and
 * for what --fix applies, so that they cannot differ. */
static const struct {
    acl_perm_t perms;
    const char *text;
    gboolean dflt;
} vs_fix_acl[] = {
    [VS_FIX_NONE] = { 0, NULL, FALSE },
    [VS_FIX_ACL_SEARCH] = { ACL_EXECUTE, "--x", FALSE },
    [VS_FIX_ACL_READ] = { ACL_READ | ACL_EXECUTE, "r-x", TRUE },
    [VS_FIX_ACL_WRITE] = { ACL_READ | ACL_WRITE | ACL_EXECUTE, "rwx", TRUE },
};

void
vs_perm_acl_change_free(VsAclChange *change)
{
    if (!change)
        return;
    g_free(change->path);
    g_free(change->user);
    g_free(change->access);
    g_free(change->default_access);
    g_free(change);
}

GStrv
vs_perm_acl_change_entries(const VsAclChange *c)
{
    GPtrArray *entries = g_ptr_array_new();

    g_ptr_array_add(entries, g_strdup_printf("u:%s:%s", c->user, c->access));
    if (c->default_access)
        g_ptr_array_add(entries, g_strdup_printf("d:u:%s:%s", c->user, c->default_access));
    g_ptr_array_add(entries, NULL);
    return (GStrv)g_ptr_array_free(entries, FALSE);
}

char *
vs_perm_acl_change_command(const VsAclChange *c)
{
    g_auto(GStrv) entries = vs_perm_acl_change_entries(c);
    g_autofree char *list = g_strjoinv(",", entries);
    g_autofree char *q = g_shell_quote(c->path);

    return g_strdup_printf("setfacl -m %s %s", list, q);
}

/* Give the last finding in @findings the fix @fix for @path. */
static void
vs_set_fix(GPtrArray *findings, const VsIdentity *id, VsFixKind fix, const char *path)
{
    VsFinding *f = g_ptr_array_index(findings, findings->len - 1);
    /* What the fix would set: the same text as what it reports once done. */
    VsAclChange planned = { (char *)path, id->user, (char *)vs_fix_acl[fix].text,
                            vs_fix_acl[fix].dflt ? (char *)vs_fix_acl[fix].text : NULL };

    f->fix = fix;
    f->fix_command = vs_perm_acl_change_command(&planned);
}

/* Can the file system under @dir keep user.* xattrs (mapped mode)?  Asked
 * by reading one that does not exist: ENODATA means yes, ENOTSUP no.  Only
 * reads: the hook runs this as root at every start, inside the user's
 * folder.  Unknown (TRUE) for any other answer. */
static gboolean
vs_xattr_supported(const char *dir)
{
    if (getxattr(dir, "user.virt-share.probe", NULL, 0) >= 0)
        return TRUE;
    return errno != ENOTSUP && errno != EOPNOTSUPP;
}

gboolean
vs_perm_check(const VsShare *share, const VsIdentity *id, GPtrArray *findings)
{
    guint before = findings->len;
    g_autofree char *parent = g_path_get_dirname(share->source);
    g_autoptr(GPtrArray) ancestors = g_ptr_array_new_with_free_func(g_free);
    gboolean parent_blocked = FALSE;
    int err;
    struct stat st;

    /* Every check below would fail on a folder that is not there, and its
     * fix (setfacl) would name a path that does not exist. */
    if (stat(share->source, &st) < 0) {
        int stat_err = errno;
        vs_add_finding(findings, VS_SEVERITY_ERROR, VS_FINDING_SOURCE_MISSING, share->source,
                       VS_FIX_NONE,
                       _("the shared folder %s is not there (%s): QEMU cannot open it, so the "
                         "domain does not start with this share; create the folder again, or "
                         "remove the share"), share->source, g_strerror(stat_err));
        return FALSE;
    }
    if (!S_ISDIR(st.st_mode)) {
        vs_add_finding(findings, VS_SEVERITY_ERROR, VS_FINDING_SOURCE_MISSING, share->source,
                       VS_FIX_NONE,
                       _("the shared folder %s is not a directory: QEMU cannot share it, so "
                         "the domain does not start with this share; remove the share"),
                       share->source);
        return FALSE;
    }

    if (share->driver == VS_DRIVER_VIRTIOFS) {
        vs_add_finding(findings, VS_SEVERITY_INFO, VS_FINDING_VIRTIOFS_ROOT, share->source, VS_FIX_NONE,
                       _("virtiofsd runs as root: the folder needs no permissions for QEMU, "
                         "and files keep the owners the guest gives them"));
        return TRUE;
    }

    /* Every directory above the folder, from / down. */
    for (char *p = g_strdup(parent);; ) {
        g_ptr_array_insert(ancestors, 0, p);
        if (strcmp(p, "/") == 0)
            break;
        p = g_path_get_dirname(p);
    }
    for (guint i = 0; i < ancestors->len; i++) {
        const char *dir = g_ptr_array_index(ancestors, i);
        err = vs_perm_access_as(id, dir, X_OK);
        if (err < 0) {
            vs_add_finding(findings, VS_SEVERITY_WARNING, VS_FINDING_CANNOT_CHECK, NULL, VS_FIX_NONE,
                           _("cannot check access as %s without root privileges"), id->user);
            return TRUE;
        }
        if (err) {
            parent_blocked = TRUE;
            vs_add_finding(findings, VS_SEVERITY_ERROR, VS_FINDING_PARENT_SEARCH, dir, VS_FIX_NONE,
                           _("QEMU runs as %s and cannot enter %s (no search permission): "
                             "the guest gets 'Permission denied'"), id->user, dir);
            vs_set_fix(findings, id, VS_FIX_ACL_SEARCH, dir);
        }
    }

    /* Behind a closed parent every check of the folder fails too: report the
     * cause only, so that --fix changes no more than needed (it checks again). */
    if (parent_blocked) {
        /* nothing */
    } else if (vs_perm_access_as(id, share->source, R_OK | X_OK) != 0) {
        vs_add_finding(findings, VS_SEVERITY_ERROR, VS_FINDING_FOLDER_READ, share->source,
                       VS_FIX_NONE,
                       _("QEMU runs as %s and cannot read %s: the guest gets 'Permission "
                         "denied'"), id->user, share->source);
        /* A writable share needs write as well: one fix for both. */
        vs_set_fix(findings, id, share->readonly ? VS_FIX_ACL_READ : VS_FIX_ACL_WRITE,
                   share->source);
    } else if (!share->readonly && vs_perm_access_as(id, share->source, W_OK) != 0) {
        vs_add_finding(findings, VS_SEVERITY_ERROR, VS_FINDING_FOLDER_WRITE, share->source,
                       VS_FIX_NONE,
                       _("QEMU runs as %s and cannot write %s: creating files in the guest "
                         "fails with 'Permission denied' (or share it --readonly)"),
                       id->user, share->source);
        vs_set_fix(findings, id, VS_FIX_ACL_WRITE, share->source);
    }

    switch (share->mode) {
    case VS_MODE_PASSTHROUGH:
        if (id->uid != 0 && !share->readonly)
            vs_add_finding(findings, VS_SEVERITY_ERROR, VS_FINDING_PASSTHROUGH_UNPRIVILEGED,
                           share->source, VS_FIX_NONE,
                           _("passthrough makes QEMU give each new file the guest's owner, "
                             "which only root may do: QEMU runs as %s, so every create in the "
                             "guest fails with EPERM. Use --mode squash or mapped, or run QEMU "
                             "as root (user = \"root\" in qemu.conf)"), id->user);
        break;
    case VS_MODE_MAPPED:
        if (!vs_xattr_supported(share->source))
            vs_add_finding(findings, VS_SEVERITY_ERROR, VS_FINDING_MAPPED_XATTR, share->source,
                           VS_FIX_NONE,
                           _("mapped mode keeps guest owners in user.* extended attributes, "
                             "which the file system of %s does not support: use --mode "
                             "squash"), share->source);
        else
            vs_add_finding(findings, VS_SEVERITY_INFO, VS_FINDING_MAPPED_MODES, share->source,
                           VS_FIX_NONE,
                           _("mapped: files appear on the host as 0600 (directories 0700), "
                             "owned by %s; the guest sees the owners and modes it set"),
                           id->user);
        break;
    case VS_MODE_SQUASH:
    case VS_MODE_DEFAULT:
        vs_add_finding(findings, VS_SEVERITY_INFO, VS_FINDING_SQUASH_OWNER, share->source, VS_FIX_NONE,
                       _("squash: files the guest creates belong to %s on the host; chown "
                         "in the guest fails"), id->user);
        break;
    case VS_MODE_LAST:
        break;
    }

    for (guint i = before; i < findings->len; i++)
        ((VsFinding *)g_ptr_array_index(findings, i))->owner = st.st_uid;
    for (guint i = before; i < findings->len; i++) {
        if (((VsFinding *)g_ptr_array_index(findings, i))->severity == VS_SEVERITY_ERROR)
            return FALSE;
    }
    return TRUE;
}

/* @uid's ACL_USER entry in @acl, or NULL. */
static acl_entry_t
vs_acl_find_user(acl_t acl, uid_t uid)
{
    acl_entry_t cur;
    int which = ACL_FIRST_ENTRY;

    while (acl_get_entry(acl, which, &cur) == 1) {
        acl_tag_t tag;
        which = ACL_NEXT_ENTRY;
        if (acl_get_tag_type(cur, &tag) == 0 && tag == ACL_USER) {
            uid_t *q = acl_get_qualifier(cur);
            gboolean match = q && *q == uid;
            acl_free(q);
            if (match)
                return cur;
        }
    }
    return NULL;
}

/* Give @uid the permissions @perms in the ACL of @type of the file that
 * @fdpath (/proc/self/fd/N) stands for, keeping what is there; recompute
 * the mask.  @shown names it in messages. */
static gboolean
vs_acl_grant(const char *fdpath, const char *shown, acl_type_t type, uid_t uid,
             acl_perm_t perms, GError **error)
{
    acl_t acl = acl_get_file(fdpath, type);
    acl_entry_t entry;
    acl_permset_t permset;
    gboolean ok = FALSE;

    if (acl && type == ACL_TYPE_DEFAULT && acl_entries(acl) == 0) {
        /* No default ACL yet: start from the access ACL's base entries. */
        acl_free(acl);
        acl = acl_get_file(fdpath, ACL_TYPE_ACCESS);
    }
    if (!acl)
        goto out;
    if (!(entry = vs_acl_find_user(acl, uid)) &&
        (acl_create_entry(&acl, &entry) < 0 || acl_set_tag_type(entry, ACL_USER) < 0 ||
         acl_set_qualifier(entry, &uid) < 0))
        goto out;
    if (acl_get_permset(entry, &permset) < 0)
        goto out;
    for (acl_perm_t bit = ACL_EXECUTE; bit <= ACL_READ; bit <<= 1) {
        if ((perms & bit) && acl_add_perm(permset, bit) < 0)
            goto out;
    }
    if (acl_calc_mask(&acl) < 0 || acl_valid(acl) < 0 || acl_set_file(fdpath, type, acl) < 0)
        goto out;
    ok = TRUE;
out:
    if (!ok) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot set the ACL of %s: %s"), shown,
                    g_strerror(err));
    }
    if (acl)
        acl_free(acl);
    return ok;
}

/* The permissions of @uid's entry in the ACL of @type, as getfacl shows
 * them ("r-x"), read back from the file; NULL if there is none. */
static char *
vs_acl_read_back(const char *fdpath, acl_type_t type, uid_t uid)
{
    acl_t acl = acl_get_file(fdpath, type);
    acl_entry_t entry = acl ? vs_acl_find_user(acl, uid) : NULL;
    acl_permset_t permset;
    char *text = NULL;

    if (entry && acl_get_permset(entry, &permset) == 0)
        text = g_strdup_printf("%c%c%c", acl_get_perm(permset, ACL_READ) == 1 ? 'r' : '-',
                               acl_get_perm(permset, ACL_WRITE) == 1 ? 'w' : '-',
                               acl_get_perm(permset, ACL_EXECUTE) == 1 ? 'x' : '-');
    if (acl)
        acl_free(acl);
    return text;
}

int
vs_perm_open_checked(const char *path, const VsConfig *cfg, char **resolved_out,
                     GError **error)
{
    g_autofree char *resolved = NULL;
    char *real = realpath(path, NULL);
    int fd;

    if (!real) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot resolve %s: %s"), path,
                    g_strerror(err));
        return -1;
    }
    resolved = g_strdup(real);
    free(real);
    if (!vs_policy_check(cfg, resolved, error)) {
        g_prefix_error(error, _("not changing the ACL of %s: "), path);
        return -1;
    }
    fd = open(resolved, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("'%s' changed while being checked: %s"), resolved, g_strerror(err));
        return -1;
    }
    if (!vs_policy_check_fd(cfg, fd, resolved, error)) {
        g_prefix_error(error, _("not changing the ACL of %s: "), path);
        close(fd);
        return -1;
    }
    if (resolved_out)
        *resolved_out = g_steal_pointer(&resolved);
    return fd;
}

gboolean
vs_perm_fix_handle(int fd, const char *shown, VsFixKind fix, const VsIdentity *id,
                   VsAclChange **applied, GError **error)
{
    g_autofree char *fdpath = g_strdup_printf("/proc/self/fd/%d", fd);
    g_autofree char *access_text = NULL;
    g_autofree char *default_text = NULL;

    if (fix == VS_FIX_NONE)
        return TRUE;
    /* The folder itself, and a default ACL so that what is created inside
     * (by the host user too) stays usable for QEMU. */
    if (!vs_acl_grant(fdpath, shown, ACL_TYPE_ACCESS, id->uid, vs_fix_acl[fix].perms, error) ||
        (vs_fix_acl[fix].dflt &&
         !vs_acl_grant(fdpath, shown, ACL_TYPE_DEFAULT, id->uid, vs_fix_acl[fix].perms, error)))
        return FALSE;
    access_text = vs_acl_read_back(fdpath, ACL_TYPE_ACCESS, id->uid);
    if (vs_fix_acl[fix].dflt)
        default_text = vs_acl_read_back(fdpath, ACL_TYPE_DEFAULT, id->uid);
    if (!access_text || (vs_fix_acl[fix].dflt && !default_text)) {
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("the ACL of %s does not show the entry for %s after setting it"), shown,
                    id->user);
        return FALSE;
    }
    if (applied) {
        *applied = g_new0(VsAclChange, 1);
        (*applied)->path = g_strdup(shown);
        (*applied)->user = g_strdup(id->user);
        (*applied)->access = g_steal_pointer(&access_text);
        (*applied)->default_access = g_steal_pointer(&default_text);
    }
    return TRUE;
}

gboolean
vs_perm_fix(const VsFinding *finding, const VsIdentity *id, const VsConfig *cfg,
            VsAclChange **applied, GError **error)
{
    g_autofree char *resolved = NULL;
    g_autofree char *canonical = NULL;
    struct stat st;
    gboolean ok;
    int fd;

    if (finding->fix == VS_FIX_NONE)
        return TRUE;
    if ((fd = vs_perm_open_checked(finding->path, cfg, &resolved, error)) < 0)
        return FALSE;
    /* The doctor fixes what it checked: a path that now leads elsewhere, or
     * a directory someone else owns, would open another user's files to QEMU. */
    canonical = g_canonicalize_filename(finding->path, "/");
    if (strcmp(canonical, resolved) != 0) {
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("not changing the ACL of %s: it leads to %s, not to the folder that was "
                      "checked (a symbolic link on the way); set the share's path to the real "
                      "folder"), finding->path, resolved);
        close(fd);
        return FALSE;
    }
    if (fstat(fd, &st) < 0)
        st.st_uid = (uid_t)-1;      /* an owner that is never allowed */
    if (st.st_uid != 0 && st.st_uid != finding->owner) {
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("not changing the ACL of %s: it belongs to uid %u, neither root nor the "
                      "owner of the shared folder (uid %u)"), resolved, (unsigned)st.st_uid,
                    (unsigned)finding->owner);
        close(fd);
        return FALSE;
    }
    ok = vs_perm_fix_handle(fd, resolved, finding->fix, id, applied, error);
    close(fd);
    return ok;
}

char *
vs_perm_errors_text(GPtrArray *findings)
{
    g_autoptr(GString) text = g_string_new(NULL);

    for (guint i = 0; i < findings->len; i++) {
        VsFinding *f = g_ptr_array_index(findings, i);
        if (f->severity != VS_SEVERITY_ERROR)
            continue;
        g_string_append_printf(text, "\n  - %s", f->message);
        if (f->fix_command)
            g_string_append_printf(text, _("\n    fix: %s"), f->fix_command);
    }
    return text->len ? g_string_free(g_steal_pointer(&text), FALSE) : NULL;
}
