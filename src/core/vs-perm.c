/* vs-perm.c: host-side permission checks for a share, and ACL fixes. */
#include <config.h>

#include <acl/libacl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <sys/acl.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-perm.h"

void
vs_finding_free(VsFinding *f)
{
    if (!f)
        return;
    g_free(f->code);
    g_free(f->path);
    g_free(f->message);
    g_free(f->fix_command);
    g_free(f);
}

VS_ENUM_IMPL(vs_severity, VS_SEVERITY_LAST,
             "info", "warning", "error")

int
vs_access_as(const VsIdentity *id, const char *path, int mode)
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
vs_add_finding(GPtrArray *findings, VsSeverity severity, const char *code, const char *path,
               VsFixKind fix, const char *fmt, ...)
{
    VsFinding *f = g_new0(VsFinding, 1);
    va_list args;

    va_start(args, fmt);
    f->message = g_strdup_vprintf(fmt, args);
    va_end(args);
    f->severity = severity;
    f->code = g_strdup(code);
    f->path = g_strdup(path);
    f->fix = fix;
    g_ptr_array_add(findings, f);
}

static char *
vs_setfacl_command(const VsIdentity *id, const char *perms, const char *path, gboolean dflt)
{
    g_autofree char *q = g_shell_quote(path);

    if (dflt)
        return g_strdup_printf("setfacl -m u:%s:%s -m d:u:%s:%s %s", id->user, perms, id->user,
                               perms, q);
    return g_strdup_printf("setfacl -m u:%s:%s %s", id->user, perms, q);
}

/* Can the file system under @dir keep user.* xattrs (mapped mode)?  Probed
 * with a temporary file; unknown (TRUE) if we cannot create one. */
static gboolean
vs_xattr_supported(const char *dir)
{
    g_autofree char *tmpl = g_build_filename(dir, ".virt-share-probe-XXXXXX", NULL);
    int fd = g_mkstemp_full(tmpl, O_RDWR | O_CLOEXEC, 0600);
    gboolean ok = TRUE;

    if (fd < 0)
        return TRUE;
    if (fsetxattr(fd, "user.virt-share.probe", "1", 1, 0) < 0 &&
        (errno == ENOTSUP || errno == EOPNOTSUPP))
        ok = FALSE;
    close(fd);
    g_unlink(tmpl);
    return ok;
}

gboolean
vs_perm_check(const VsShare *share, const VsIdentity *id, GPtrArray *findings)
{
    guint before = findings->len;
    g_autofree char *parent = g_path_get_dirname(share->source);
    g_autoptr(GPtrArray) ancestors = g_ptr_array_new_with_free_func(g_free);
    gboolean parent_blocked = FALSE;
    int err;

    if (share->driver == VS_DRIVER_VIRTIOFS) {
        vs_add_finding(findings, VS_SEVERITY_INFO, "virtiofs-root", share->source, VS_FIX_NONE,
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
        err = vs_access_as(id, dir, X_OK);
        if (err < 0) {
            vs_add_finding(findings, VS_SEVERITY_WARNING, "cannot-check", NULL, VS_FIX_NONE,
                           _("cannot check access as %s without root privileges"), id->user);
            return TRUE;
        }
        if (err) {
            parent_blocked = TRUE;
            vs_add_finding(findings, VS_SEVERITY_ERROR, "parent-search", dir, VS_FIX_ACL_SEARCH,
                           _("QEMU runs as %s and cannot enter %s (no search permission): "
                             "the guest gets 'Permission denied'"), id->user, dir);
            ((VsFinding *)g_ptr_array_index(findings, findings->len - 1))->fix_command =
                vs_setfacl_command(id, "x", dir, FALSE);
        }
    }

    /* Behind a closed parent every check of the folder fails too: report the
     * cause only, so that --fix changes no more than needed (it checks again). */
    if (parent_blocked) {
        /* nothing */
    } else if (vs_access_as(id, share->source, R_OK | X_OK) != 0) {
        vs_add_finding(findings, VS_SEVERITY_ERROR, "folder-read", share->source,
                       VS_FIX_ACL_READ,
                       _("QEMU runs as %s and cannot read %s: the guest gets 'Permission "
                         "denied'"), id->user, share->source);
        ((VsFinding *)g_ptr_array_index(findings, findings->len - 1))->fix_command =
            vs_setfacl_command(id, share->readonly ? "rx" : "rwx", share->source, TRUE);
    } else if (!share->readonly && vs_access_as(id, share->source, W_OK) != 0) {
        vs_add_finding(findings, VS_SEVERITY_ERROR, "folder-write", share->source,
                       VS_FIX_ACL_WRITE,
                       _("QEMU runs as %s and cannot write %s: creating files in the guest "
                         "fails with 'Permission denied' (or share it --readonly)"),
                       id->user, share->source);
        ((VsFinding *)g_ptr_array_index(findings, findings->len - 1))->fix_command =
            vs_setfacl_command(id, "rwx", share->source, TRUE);
    }

    switch (share->mode) {
    case VS_MODE_PASSTHROUGH:
        if (id->uid != 0 && !share->readonly)
            vs_add_finding(findings, VS_SEVERITY_ERROR, "passthrough-unprivileged",
                           share->source, VS_FIX_NONE,
                           _("passthrough makes QEMU give each new file the guest's owner, "
                             "which only root may do: QEMU runs as %s, so every create in the "
                             "guest fails with EPERM. Use --mode squash or mapped, or run QEMU "
                             "as root (user = \"root\" in qemu.conf)"), id->user);
        break;
    case VS_MODE_MAPPED:
        if (!vs_xattr_supported(share->source))
            vs_add_finding(findings, VS_SEVERITY_ERROR, "mapped-xattr", share->source,
                           VS_FIX_NONE,
                           _("mapped mode keeps guest owners in user.* extended attributes, "
                             "which the file system of %s does not support: use --mode "
                             "squash"), share->source);
        else
            vs_add_finding(findings, VS_SEVERITY_INFO, "mapped-modes", share->source,
                           VS_FIX_NONE,
                           _("mapped: files appear on the host as 0600 (directories 0700), "
                             "owned by %s; the guest sees the owners and modes it set"),
                           id->user);
        break;
    case VS_MODE_SQUASH:
    case VS_MODE_DEFAULT:
        vs_add_finding(findings, VS_SEVERITY_INFO, "squash-owner", share->source, VS_FIX_NONE,
                       _("squash: files the guest creates belong to %s on the host; chown "
                         "in the guest fails"), id->user);
        break;
    case VS_MODE_LAST:
        break;
    }

    for (guint i = before; i < findings->len; i++) {
        if (((VsFinding *)g_ptr_array_index(findings, i))->severity == VS_SEVERITY_ERROR)
            return FALSE;
    }
    return TRUE;
}

/* Give @uid the permissions @perms (bits of ACL_READ|ACL_WRITE|ACL_EXECUTE) in
 * @path's ACL of @type, keeping what is there; recompute the mask. */
static gboolean
vs_acl_grant(const char *path, acl_type_t type, uid_t uid, acl_perm_t perms, GError **error)
{
    acl_t acl = acl_get_file(path, type);
    acl_entry_t entry = NULL, cur;
    acl_permset_t permset;
    int id = ACL_FIRST_ENTRY;
    gboolean ok = FALSE;

    if (acl && type == ACL_TYPE_DEFAULT && acl_entries(acl) == 0) {
        /* No default ACL yet: start from the access ACL's base entries. */
        acl_free(acl);
        acl = acl_get_file(path, ACL_TYPE_ACCESS);
    }
    if (!acl)
        goto out;
    while (acl_get_entry(acl, id, &cur) == 1) {
        acl_tag_t tag;
        id = ACL_NEXT_ENTRY;
        if (acl_get_tag_type(cur, &tag) == 0 && tag == ACL_USER) {
            uid_t *q = acl_get_qualifier(cur);
            gboolean match = q && *q == uid;
            acl_free(q);
            if (match) {
                entry = cur;
                break;
            }
        }
    }
    if (!entry) {
        if (acl_create_entry(&acl, &entry) < 0 || acl_set_tag_type(entry, ACL_USER) < 0 ||
            acl_set_qualifier(entry, &uid) < 0)
            goto out;
    }
    if (acl_get_permset(entry, &permset) < 0)
        goto out;
    for (acl_perm_t bit = ACL_EXECUTE; bit <= ACL_READ; bit <<= 1) {
        if ((perms & bit) && acl_add_perm(permset, bit) < 0)
            goto out;
    }
    if (acl_calc_mask(&acl) < 0 || acl_valid(acl) < 0 || acl_set_file(path, type, acl) < 0)
        goto out;
    ok = TRUE;
out:
    if (!ok) {
        int err = errno;
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY, _("cannot set the ACL of %s: %s"), path,
                    g_strerror(err));
    }
    if (acl)
        acl_free(acl);
    return ok;
}

gboolean
vs_perm_fix(const VsFinding *finding, const VsIdentity *id, GError **error)
{
    acl_perm_t perms;

    switch (finding->fix) {
    case VS_FIX_NONE:
        return TRUE;
    case VS_FIX_ACL_SEARCH:
        return vs_acl_grant(finding->path, ACL_TYPE_ACCESS, id->uid, ACL_EXECUTE, error);
    case VS_FIX_ACL_READ:
        perms = ACL_READ | ACL_EXECUTE;
        break;
    case VS_FIX_ACL_WRITE:
    default:
        perms = ACL_READ | ACL_WRITE | ACL_EXECUTE;
        break;
    }
    /* The folder itself, and a default ACL so that what is created inside
     * (by the host user too) stays usable for QEMU. */
    return vs_acl_grant(finding->path, ACL_TYPE_ACCESS, id->uid, perms, error) &&
           vs_acl_grant(finding->path, ACL_TYPE_DEFAULT, id->uid, perms, error);
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
