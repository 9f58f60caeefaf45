/* test-policy.c: the host path policy (config file, roots, symlink escapes),
 * the device XML round trip, the per-domain lock's directory, id maps,
 * identity parsing, and the permission engine on real directories
 * with a real unprivileged user and real POSIX ACLs.
 *
 * The permission tests need root (they create the user "vs-test-perm" with
 * useradd if it is missing, and drop to it in a child process); run as
 * another user they are skipped, and say so. */
#include <config.h>

#include "vs-test-util.h"

#include <acl/libacl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sched.h>
#include <sys/acl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vs-config.h"
#include "vs-identity.h"
#include "vs-lock.h"
#include "vs-path.h"
#include "vs-perm.h"
#include "vs-policy.h"
#include "vs-share.h"

#define TEST_USER "vs-test-perm"

static char *
write_config(const char *dir, const char *text)
{
    char *path = g_build_filename(dir, "virt-share.conf", NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static void
rm_rf(const char *path)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf %s", path);
    g_autofree char *q = g_shell_quote(path);
    g_free(cmd);
    cmd = g_strdup_printf("rm -rf %s", q);
    assert_int_equal(system(cmd), 0);
}

/* ---- policy ---- */

static void
assert_policy(const VsConfig *cfg, const char *path, gboolean want_ok)
{
    g_autoptr(GError) err = NULL;
    gboolean ok = vs_policy_check(cfg, path, &err);

    if (ok != want_ok)
        print_error("%s was %s%s%s\n", path, ok ? "allowed" : "refused", err ? ": " : "",
                    err ? err->message : "");
    assert_int_equal(ok, want_ok);
    if (want_ok)
        assert_no_gerror(err);
    else
        assert_vs_error(err, VS_ERROR_POLICY);
}

/* Every system tree is refused by default, the usual data places are not. */
static void
test_policy_builtin(void **state)
{
    g_autoptr(VsConfig) cfg = vs_config_new_default();
    const char *denied[] = { "/", "/etc", "/etc/ssh", "/boot", "/proc/1", "/sys", "/dev/shm",
                             "/run", "/run/user/1000", "/var/lib/libvirt",
                             "/var/lib/libvirt/images", "/usr", "/usr/local/src", "/var",
                             "/var/lib/other", "/var/log", "/lib", "/lib64", "/lib32",
                             "/libx32", "/bin", "/sbin", "/root", "/root/src", "/opt/app",
                             "/var/tmpx", "/run/mediax" };
    const char *allowed[] = { "/srv", "/srv/data", "/home/u/src", "/home", "/tmp/x", "/mnt/usb",
                              "/media/cd", "/var/tmp", "/var/tmp/vs-e2e.1", "/var/home/u",
                              "/var/mnt/x", "/var/srv/x", "/run/media/u/stick", "/etcetera",
                              "/runner", "/data", "/usrx" };

    for (guint i = 0; i < G_N_ELEMENTS(denied); i++)
        assert_policy(cfg, denied[i], FALSE);
    for (guint i = 0; i < G_N_ELEMENTS(allowed); i++)
        assert_policy(cfg, allowed[i], TRUE);
}

/* The guest directories an implied mount point must not cover. */
static void
test_guest_default_target(void **state)
{
    static const char *const refused[] = {
        "/tmp", "/tmp/", "/home", "/mnt", "/media", "/srv", "/root", "/opt", "/opt/app",
        "/etc", "/etc/ssh", "/usr", "/usr/share/doc", "/var", "/var/lib/x", "/var/tmp",
        "/lib64", "/boot", "/dev/shm", "/proc", "/sys", "/run", "/run/user/1000", "/bin",
        "/sbin", "/run/media", NULL
    };
    static const char *const allowed[] = {
        "/tmp/project", "/home/ann/src", "/mnt/data", "/srv/www", "/data", "/root/x",
        "/var/tmp/build", "/var/home/ann", "/run/media/ann/usb", "/media/usb", "/usrx",
        "/optical", NULL
    };

    for (guint i = 0; refused[i]; i++) {
        g_autoptr(GError) err = NULL;
        if (vs_path_guest_default_target_check(refused[i], &err)) {
            print_error("'%s' should be refused\n", refused[i]);
            fail();
        }
        assert_vs_error(err, VS_ERROR_POLICY);
        assert_non_null(strstr(err->message, "--target"));
    }
    for (guint i = 0; allowed[i]; i++) {
        g_autoptr(GError) err = NULL;
        if (!vs_path_guest_default_target_check(allowed[i], &err)) {
            print_error("'%s' refused: %s\n", allowed[i], err->message);
            fail();
        }
    }
}

static void
test_policy_normalize(void **state)
{
    const char *cases[][2] = {
        { "/etc", "/etc" }, { "//etc", "/etc" }, { "///etc//", "/etc" }, { "/etc/.", "/etc" },
        { "/./etc/ssh/", "/etc/ssh" }, { "/x/../etc", "/etc" }, { "/..", "/" }, { "/", "/" },
        { "//", "/" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *norm = vs_config_normalize_root(cases[i][0]);
        assert_string_equal(norm, cases[i][1]);
    }
}

/* A configured deny list extends the built-in one and is normalised;
 * builtin-denied-roots=false replaces it. */
static void
test_policy_denied_extends(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vs-policy-XXXXXX", NULL);
    g_autofree char *real = realpath(dir, NULL);
    g_autofree char *secret = g_build_filename(real, "secret", NULL);
    g_autofree char *link = g_build_filename(real, "link-to-secret", NULL);
    g_autofree char *text = g_strdup_printf("[policy]\ndenied-roots = //srv/private/ ; %s\n",
                                            link);
    g_autofree char *path = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(VsConfig) cfg = NULL;
    g_autoptr(VsConfig) replaced = NULL;

    assert_int_equal(g_mkdir(secret, 0700), 0);
    assert_int_equal(symlink(secret, link), 0);
    path = write_config(dir, text);
    cfg = vs_config_load(path, &err);
    assert_no_gerror(err);
    assert_policy(cfg, "/srv/private", FALSE);      /* "//srv/private/" matches */
    assert_policy(cfg, "/srv/private/x", FALSE);
    assert_policy(cfg, "/srv/public", TRUE);
    assert_policy(cfg, secret, FALSE);              /* where the denied link leads */
    assert_policy(cfg, "/etc", FALSE);              /* the built-in list still holds */
    assert_policy(cfg, "/usr/share", FALSE);
    assert_policy(cfg, "/var/tmp/x", TRUE);

    g_free(text);
    text = g_strdup("[policy]\nbuiltin-denied-roots=false\ndenied-roots=/srv/private\n");
    g_free(path);
    path = write_config(dir, text);
    replaced = vs_config_load(path, &err);
    assert_no_gerror(err);
    assert_policy(replaced, "/srv/private", FALSE);
    assert_policy(replaced, "/usr/share", TRUE);

    g_free(path);
    path = write_config(dir, "[policy]\nbuiltin-denied-roots=maybe\n");
    assert_null(vs_config_load(path, &err));
    assert_vs_error(err, VS_ERROR_INVALID);
    g_clear_error(&err);

    /* a configured deny as specific as a built-in data place wins */
    g_free(path);
    path = write_config(dir, "[policy]\ndenied-roots=/var/tmp\n");
    g_clear_pointer(&replaced, vs_config_free);
    replaced = vs_config_load(path, &err);
    assert_no_gerror(err);
    assert_policy(replaced, "/var/tmp/x", FALSE);
    rm_rf(dir);
}

/* /root through a symbolic link from an innocent place is refused. */
static void
test_policy_root_via_symlink(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vs-policy-XXXXXX", NULL);
    g_autofree char *link = g_build_filename(dir, "innocent", NULL);
    g_autoptr(VsConfig) cfg = vs_config_new_default();
    g_autoptr(GError) err = NULL;
    g_autofree char *resolved = NULL;

    assert_int_equal(symlink("/root", link), 0);
    resolved = vs_path_host_dir_resolve(link, &err);
    assert_no_gerror(err);
    assert_string_equal(resolved, "/root");
    assert_false(vs_policy_check(cfg, resolved, &err));
    assert_vs_error(err, VS_ERROR_POLICY);
    rm_rf(dir);
}

static void
test_policy_config(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vs-policy-XXXXXX", NULL);
    g_autofree char *path = write_config(dir,
        "[policy]\n"
        "# trailing slashes and dots are canonicalised\n"
        "allowed-roots=/srv/;/var/lib/libvirt/images/.\n"
        "[defaults]\n"
        "mode=mapped\n"
        "driver=9p\n"
        "[hook]\n"
        "check-timeout=7\n");
    g_autoptr(GError) err = NULL;
    g_autoptr(VsConfig) cfg = vs_config_load(path, &err);

    assert_no_gerror(err);
    assert_string_equal(cfg->allowed_roots[0], "/srv");
    assert_string_equal(cfg->allowed_roots[1], "/var/lib/libvirt/images");
    assert_int_equal(cfg->mode, VS_MODE_MAPPED);
    assert_int_equal(cfg->driver, VS_DRIVER_9P);
    assert_int_equal(cfg->hook_timeout_s, 7);
    /* inside an allowed root */
    assert_true(vs_policy_check(cfg, "/srv", NULL));
    assert_true(vs_policy_check(cfg, "/srv/a/b", NULL));
    /* an allowed root more specific than a denied one wins */
    assert_true(vs_policy_check(cfg, "/var/lib/libvirt/images/x", NULL));
    /* ... but not for its parent */
    assert_false(vs_policy_check(cfg, "/var/lib/libvirt", &err));
    assert_vs_error(err, VS_ERROR_POLICY);
    g_clear_error(&err);
    /* prefix look-alikes are outside */
    assert_false(vs_policy_check(cfg, "/srvx", &err));
    assert_vs_error(err, VS_ERROR_POLICY);
    g_clear_error(&err);
    assert_false(vs_policy_check(cfg, "/home/u", &err));
    assert_vs_error(err, VS_ERROR_POLICY);
    rm_rf(dir);
}

static void
test_policy_bad_config(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vs-policy-XXXXXX", NULL);
    const char *bad[] = {
        "[policy]\nallowed-roots=relative/path\n",
        "[defaults]\nmode=bogus\n",
        "[defaults]\ndriver=nfs\n",
        "[hook]\ncheck-timeout=0\n",
        "[hook]\ncheck-timeout=61\n",
        "[hook]\ncheck-timeout=5s\n",
        "not a key file\n",
    };

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *path = write_config(dir, bad[i]);
        g_autoptr(GError) err = NULL;
        g_autoptr(VsConfig) cfg = vs_config_load(path, &err);
        assert_null(cfg);
        assert_vs_error(err, VS_ERROR_INVALID);
    }
    {
        /* a named file that does not exist is an error, too */
        g_autofree char *missing = g_build_filename(dir, "missing.conf", NULL);
        g_autoptr(GError) err = NULL;
        assert_null(vs_config_load(missing, &err));
        assert_vs_error(err, VS_ERROR_INVALID);
    }
    rm_rf(dir);
}

/* Escapes through symlinks and "..": the policy sees the resolved path. */
static void
test_policy_symlink_escape(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vs-policy-XXXXXX", NULL);
    g_autofree char *root = g_build_filename(dir, "allowed", NULL);
    g_autofree char *inside = g_build_filename(root, "ok", NULL);
    g_autofree char *link = g_build_filename(root, "to-etc", NULL);
    g_autofree char *dotdot = g_build_filename(root, "..", "..", "..", "etc", NULL);
    g_autofree char *cfgtext = g_strdup_printf("[policy]\nallowed-roots=%s\n", root);
    g_autofree char *cfgpath = write_config(dir, cfgtext);
    g_autoptr(VsConfig) cfg = vs_config_load(cfgpath, NULL);
    const char *tries[] = { link, dotdot };

    assert_non_null(cfg);
    assert_int_equal(g_mkdir_with_parents(inside, 0755), 0);
    assert_int_equal(symlink("/etc", link), 0);
    {
        g_autofree char *ok = vs_path_host_dir_resolve(inside, NULL);
        assert_true(vs_policy_check(cfg, ok, NULL));
        assert_true(vs_policy_check_handle(cfg, ok, NULL));
    }
    for (guint i = 0; i < G_N_ELEMENTS(tries); i++) {
        g_autoptr(GError) err = NULL;
        g_autofree char *resolved = vs_path_host_dir_resolve(tries[i], &err);
        assert_no_gerror(err);
        assert_string_equal(resolved, "/etc");
        assert_false(vs_policy_check(cfg, resolved, &err));
        assert_vs_error(err, VS_ERROR_POLICY);
    }
    /* the handle check refuses a path whose last component is a symlink,
     * i.e. one swapped in after resolution */
    {
        g_autoptr(GError) err = NULL;
        assert_false(vs_policy_check_handle(cfg, link, &err));
        assert_vs_error(err, VS_ERROR_POLICY);
    }
    rm_rf(dir);
}

/* A bind mount of /etc into an allowed folder: done in a child in its own
 * mount namespace, so nothing leaks to the host. */
static void
test_policy_bind_mount(void **state)
{
    g_autofree char *dir = g_strdup("/var/tmp/vs-bind-XXXXXX");
    g_autofree char *cfgtext = NULL;
    g_autofree char *cfgpath = NULL;
    int status;
    pid_t pid;

    if (geteuid() != 0) {
        print_message("skipped: bind mounts need root\n");
        skip();
    }
    assert_non_null(g_mkdtemp_full(dir, 0755));
    cfgtext = g_strdup_printf("[policy]\nallowed-roots=%s\n", dir);
    cfgpath = write_config(dir, cfgtext);
    {
        g_autofree char *plain = g_build_filename(dir, "plain", NULL);
        g_autoptr(VsConfig) cfg = vs_config_load(cfgpath, NULL);
        assert_int_equal(g_mkdir(plain, 0755), 0);
        assert_true(vs_policy_check_handle(cfg, plain, NULL));   /* not a bind mount */
    }
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        g_autofree char *target = g_build_filename(dir, "looks-harmless", NULL);
        g_autofree char *sub = g_build_filename(target, "ssh", NULL);
        g_autoptr(VsConfig) cfg = vs_config_load(cfgpath, NULL);
        g_autoptr(GError) err = NULL;

        if (g_mkdir(target, 0755) < 0 || unshare(CLONE_NEWNS) < 0 ||
            mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("/etc", target, NULL, MS_BIND, NULL) < 0)
            _exit(77);
        /* the path is allowed, what it shows is /etc: refused */
        if (vs_policy_check(cfg, target, NULL) != TRUE)
            _exit(3);
        if (vs_policy_check_handle(cfg, target, &err) || !err || err->code != VS_ERROR_POLICY)
            _exit(1);
        g_clear_error(&err);
        /* and below it too */
        if (g_file_test(sub, G_FILE_TEST_IS_DIR) &&
            vs_policy_check_handle(cfg, sub, &err))
            _exit(2);
        g_clear_error(&err);
        /* kernel trees are other file systems than the root one: a bind
         * mount of one is that tree all the same */
        if (umount(target) < 0)
            _exit(77);
        for (guint i = 0; i < 3; i++) {
            const char *tree = (const char *[]){ "/proc", "/sys", "/dev" }[i];
            if (mount(tree, target, NULL, MS_BIND, NULL) < 0)
                _exit(77);
            if (vs_policy_check_handle(cfg, target, &err) || !err ||
                err->code != VS_ERROR_POLICY)
                _exit(4 + (int)i);
            g_clear_error(&err);
            if (umount(target) < 0)
                _exit(77);
        }
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        print_message("skipped: no mount namespace here\n");
        rm_rf(dir);
        skip();
    }
    assert_int_equal(WEXITSTATUS(status), 0);
    rm_rf(dir);
}

/* The device XML must name byte for byte the folder that was checked: a
 * source that libxml2 would rewrite (an overlong "..") is refused even when
 * it gets past the path checks. */
static void
test_device_xml_round_trip(void **state)
{
    static const struct { const char *source, *tag; } bad[] = {
        { "/srv/x/\xc0\xae\xc0\xae", "t" },
        { "/srv/caf\xe9", "t" },
        { "/srv/\xed\xa0\x80", "t" },     /* a UTF-16 surrogate */
        { "/srv/ok", "t\xc0\xae" },
        { "/srv/ok", "t\xff" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(VsShare) share = vs_share_new();
        g_autoptr(GError) err = NULL;
        g_autofree char *xml = NULL;

        share->source = g_strdup(bad[i].source);
        share->tag = g_strdup(bad[i].tag);
        share->driver = VS_DRIVER_9P;
        share->mode = VS_MODE_SQUASH;
        xml = vs_share_to_device_xml(share, &err);
        if (xml)
            print_error("accepted: %s\n", xml);
        assert_null(xml);
        assert_vs_error(err, VS_ERROR_INVALID);
    }
    {
        /* UTF-8 and XML specials pass unchanged */
        g_autoptr(VsShare) share = vs_share_new();
        g_autoptr(GError) err = NULL;
        g_autofree char *xml = NULL;

        share->source = g_strdup("/srv/caf\xc3\xa9 a&b<c>'\"");
        share->tag = g_strdup("t");
        share->driver = VS_DRIVER_VIRTIOFS;
        share->mode = VS_MODE_PASSTHROUGH;
        xml = vs_share_to_device_xml(share, &err);
        assert_no_gerror(err);
        assert_non_null(xml);
    }
}

/* ---- the per-domain lock ---- */

static void
assert_lock_refused(const char *dir, const char *name)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VsLock) lock = vs_lock_acquire(dir, (gid_t)-1, name, "d", 0, &err);

    assert_null(lock);
    assert_vs_error(err, VS_ERROR_POLICY);
}

static void
test_lock_private_dir(void **state)
{
    g_autofree char *base = g_dir_make_tmp("vs-lock-XXXXXX", NULL);
    g_autofree char *dir = g_build_filename(base, "locks", NULL);
    g_autofree char *file = g_build_filename(dir, "u.lock", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(VsLock) lock = NULL;
    struct stat st;

    /* created private, and held: a second taker times out */
    lock = vs_lock_acquire(dir, (gid_t)-1, "u.lock", "d", 0, &err);
    assert_no_gerror(err);
    assert_non_null(lock);
    assert_int_equal(lstat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 077, 0);
    assert_int_equal(lstat(file, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    {
        g_autoptr(GError) busy = NULL;
        g_autoptr(VsLock) second = vs_lock_acquire(dir, (gid_t)-1, "u.lock", "d", 0, &busy);
        assert_null(second);
        assert_vs_error(busy, VS_ERROR_TIMEOUT);
    }
    g_clear_pointer(&lock, vs_lock_release);
    lock = vs_lock_acquire(dir, (gid_t)-1, "u.lock", "d", 0, &err);
    assert_no_gerror(err);
    g_clear_pointer(&lock, vs_lock_release);
    /* root uses a directory of its own, not world-writable /run/lock */
    if (geteuid() == 0) {
        gid_t group;
        g_autofree char *where = vs_lock_dir("test:///default", &group);
        assert_string_equal(where, "/run/virt-share");
    }
    rm_rf(base);
}

/* A symlink planted where the lock file goes: never followed, the target is
 * neither created nor touched. */
static void
test_lock_planted_symlink(void **state)
{
    g_autofree char *base = g_dir_make_tmp("vs-lock-XXXXXX", NULL);
    g_autofree char *dir = g_build_filename(base, "locks", NULL);
    g_autofree char *victim = g_build_filename(base, "victim", NULL);
    g_autofree char *absent = g_build_filename(base, "would-be-created", NULL);
    g_autofree char *link1 = g_build_filename(dir, "a.lock", NULL);
    g_autofree char *link2 = g_build_filename(dir, "b.lock", NULL);
    g_autofree char *dirlink = g_build_filename(base, "dir-link", NULL);
    g_autofree char *text = NULL;

    assert_int_equal(g_mkdir(dir, 0700), 0);
    assert_true(g_file_set_contents(victim, "precious", -1, NULL));
    assert_int_equal(symlink(victim, link1), 0);
    assert_int_equal(symlink(absent, link2), 0);
    assert_lock_refused(dir, "a.lock");
    assert_lock_refused(dir, "b.lock");
    assert_false(g_file_test(absent, G_FILE_TEST_EXISTS));
    assert_true(g_file_get_contents(victim, &text, NULL, NULL));
    assert_string_equal(text, "precious");
    /* nor is the directory itself taken through a link */
    assert_int_equal(symlink(dir, dirlink), 0);
    assert_lock_refused(dirlink, "c.lock");
    rm_rf(base);
}

/* A lock directory that others own or may write is refused, not used. */
static void
test_lock_foreign_dir(void **state)
{
    g_autofree char *base = g_dir_make_tmp("vs-lock-XXXXXX", NULL);
    g_autofree char *open_dir = g_build_filename(base, "open", NULL);
    g_autofree char *foreign = g_build_filename(base, "foreign", NULL);
    g_autofree char *file = g_build_filename(foreign, "x.lock", NULL);

    assert_int_equal(g_mkdir(open_dir, 0700), 0);
    assert_int_equal(chmod(open_dir, 01777), 0);
    assert_lock_refused(open_dir, "x.lock");
    if (geteuid() != 0) {
        print_message("skipped the foreign owner: chown needs root\n");
        rm_rf(base);
        return;
    }
    assert_int_equal(g_mkdir(foreign, 0700), 0);
    assert_int_equal(chown(foreign, 65534, 65534), 0);
    assert_lock_refused(foreign, "x.lock");
    assert_false(g_file_test(file, G_FILE_TEST_EXISTS));
    /* a lock file that is not ours, in our own directory */
    assert_int_equal(chown(foreign, 0, 0), 0);
    assert_true(g_file_set_contents(file, "", -1, NULL));
    assert_int_equal(chown(file, 65534, 65534), 0);
    assert_lock_refused(foreign, "x.lock");
    rm_rf(base);
}

/* Root and a user of the group lock in one shared directory and exclude
 * each other (a lock each in a directory of its own excluded nobody). */
#define LOCK_GID 4242
static gboolean ensure_test_user(VsIdentity *id);
static char *test_user_base(VsIdentity *id, const char *prefix);

static int
lock_as_group_user(const char *dir, uid_t uid)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VsLock) lock = NULL;
    gid_t groups[] = { LOCK_GID };

    if (setgroups(1, groups) < 0 || setgid(LOCK_GID) < 0 || setuid(uid) < 0)
        return 90;
    lock = vs_lock_acquire(dir, LOCK_GID, "u.lock", "d", 0, &err);
    if (lock)
        return 0;
    return g_error_matches(err, VS_ERROR, VS_ERROR_TIMEOUT) ? 1 :
           g_error_matches(err, VS_ERROR, VS_ERROR_POLICY) ? 2 : 3;
}

static int
child_status(const char *dir, uid_t uid)
{
    int status;
    pid_t pid = fork();

    if (pid == 0)
        _exit(lock_as_group_user(dir, uid));
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

static void
test_lock_shared_dir(void **state)
{
    g_auto(VsIdentity) id = { 0 };
    g_autofree char *base = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *file = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(VsLock) lock = NULL;
    struct stat st;

    base = test_user_base(&id, "vs-lock");
    dir = g_build_filename(base, "locks", NULL);
    file = g_build_filename(dir, "u.lock", NULL);
    lock = vs_lock_acquire(dir, LOCK_GID, "u.lock", "d", 0, &err);
    assert_no_gerror(err);
    assert_int_equal(lstat(dir, &st), 0);
    assert_int_equal(st.st_uid, 0);
    assert_int_equal(st.st_gid, LOCK_GID);
    assert_int_equal(st.st_mode & 07777, 02770);
    assert_int_equal(lstat(file, &st), 0);
    assert_int_equal(st.st_gid, LOCK_GID);
    assert_int_equal(st.st_mode & 0007, 0);
    /* root holds it: the group's user waits (times out at once here) */
    assert_int_equal(child_status(dir, id.uid), 1);
    g_clear_pointer(&lock, vs_lock_release);
    assert_int_equal(child_status(dir, id.uid), 0);
    /* a shared directory open to others, or root's private one: refused */
    assert_int_equal(chmod(dir, 02777), 0);
    assert_int_equal(child_status(dir, id.uid), 2);
    assert_int_equal(chown(dir, 0, 0), 0);
    assert_int_equal(chmod(dir, 0700), 0);
    assert_int_equal(child_status(dir, id.uid), 2);
    /* root takes its private one of before over for the group */
    lock = vs_lock_acquire(dir, LOCK_GID, "u.lock", "d", 0, &err);
    assert_no_gerror(err);
    g_clear_pointer(&lock, vs_lock_release);
    assert_int_equal(lstat(dir, &st), 0);
    assert_int_equal(st.st_gid, LOCK_GID);
    assert_int_equal(st.st_mode & 07777, 02770);
    /* a system URI puts a user's locks with root's, a session URI not */
    if (getgrnam("libvirt")) {
        int status;
        pid_t pid = fork();

        if (pid == 0) {
            gid_t group, group2;
            g_autofree char *sys = NULL;
            g_autofree char *ses = NULL;

            if (setuid(id.uid) < 0)
                _exit(90);
            sys = vs_lock_dir("qemu:///system", &group);
            ses = vs_lock_dir("qemu:///session", &group2);
            _exit(g_str_equal(sys, "/run/virt-share") &&
                  group == getgrnam("libvirt")->gr_gid &&
                  !g_str_equal(ses, "/run/virt-share") && group2 == (gid_t)-1 ? 0 : 1);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    rm_rf(base);
}

/* ---- id maps ---- */

static void
test_idmap(void **state)
{
    g_autoptr(VsShare) share = vs_share_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    guint32 h, g;
    const char *bad[] = { "", "1000", "1000:", ":0", "a:b", "1:2:3", "-1:0", "1000:0x1" };

    assert_true(vs_share_idmap_entry_parse("1000:0", &h, &g, NULL));
    assert_int_equal(h, 1000);
    assert_int_equal(g, 0);
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) e = NULL;
        assert_false(vs_share_idmap_entry_parse(bad[i], &h, &g, &e));
        assert_vs_error(e, VS_ERROR_INVALID);
    }
    share->source = g_strdup("/srv/x");
    share->tag = g_strdup("t");
    share->driver = VS_DRIVER_VIRTIOFS;
    share->mode = VS_MODE_PASSTHROUGH;
    share->uid_map = g_strsplit("1000:0,1001:1", ",", -1);
    share->gid_map = g_strsplit("100:0", ",", -1);
    xml = vs_share_to_device_xml(share, &err);
    assert_no_gerror(err);
    /* libvirt's form: start = guest id, target = host id */
    assert_non_null(strstr(xml, "<uid start=\"0\" target=\"1000\" count=\"1\"/>"));
    assert_non_null(strstr(xml, "<uid start=\"1\" target=\"1001\" count=\"1\"/>"));
    assert_non_null(strstr(xml, "<gid start=\"0\" target=\"100\" count=\"1\"/>"));
}

/* ---- identity ---- */

static void
test_identity_parse(void **state)
{
    g_auto(VsIdentity) id = { 0 };
    g_autoptr(GError) err = NULL;
    g_autofree char *user = NULL;
    g_autofree char *group = NULL;

    assert_true(vs_identity_parse_label("+0:+0", &id, &err));
    assert_int_equal(id.uid, 0);
    assert_string_equal(id.user, "root");
    assert_true(vs_identity_parse_label("root", &id, NULL));
    assert_int_equal(id.gid, 0);
    assert_false(vs_identity_parse_label("no-such-user-vs", &id, &err));
    assert_vs_error(err, VS_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(vs_identity_parse_label("root:no-such-group-vs", &id, &err));
    assert_vs_error(err, VS_ERROR_INVALID);

    vs_identity_qemu_conf_parse("# user = \"commented\"\n"
                                "#group=\"x\"\n"
                       "  user = \"qemu-user\"   \n"
                       "group=\"kvm\"\n"
                       "dynamic_ownership = 1\n", &user, &group);
    assert_string_equal(user, "qemu-user");
    assert_string_equal(group, "kvm");
    g_clear_pointer(&user, g_free);
    g_clear_pointer(&group, g_free);
    vs_identity_qemu_conf_parse("# nothing set\n", &user, &group);
    assert_null(user);
    assert_null(group);
}

/* ---- the permission engine, for real ---- */

static gboolean
ensure_test_user(VsIdentity *id)
{
    if (geteuid() != 0)
        return FALSE;
    if (!getpwnam(TEST_USER) &&
        system("useradd --system --no-create-home --shell /usr/sbin/nologin " TEST_USER) != 0)
        return FALSE;
    return vs_identity_parse_label(TEST_USER, id, NULL);
}

/* For a test that acts as TEST_USER (root only, else skipped): a new
 * folder /var/tmp/PREFIX-XXXXXX (a disk file system with ACLs, searchable
 * by everyone). */
static char *
test_user_base(VsIdentity *id, const char *prefix)
{
    char *base;

    if (!ensure_test_user(id)) {
        print_message("skipped: needs root\n");
        skip();
    }
    base = g_strdup_printf("/var/tmp/%s-XXXXXX", prefix);
    assert_non_null(g_mkdtemp_full(base, 0755));
    return base;
}

static gboolean
has_error(GPtrArray *findings, const char *code, const char *path)
{
    for (guint i = 0; i < findings->len; i++) {
        VsFinding *f = g_ptr_array_index(findings, i);
        if (f->severity == VS_SEVERITY_ERROR &&
            g_str_equal(vs_finding_code_to_string(f->code), code) &&
            (!path || g_strcmp0(f->path, path) == 0))
            return TRUE;
    }
    return FALSE;
}

/* Apply every fix; what was applied (read back from the ACL) must be
 * exactly the command the finding printed. */
static void
fix_all(GPtrArray *findings, const VsIdentity *id)
{
    g_autoptr(VsConfig) cfg = vs_config_new_default();

    for (guint i = 0; i < findings->len; i++) {
        VsFinding *f = g_ptr_array_index(findings, i);
        g_autoptr(GError) err = NULL;
        g_autoptr(VsAclChange) applied = NULL;

        assert_true(vs_perm_fix(f, id, cfg, &applied, &err));
        assert_no_gerror(err);
        if (f->fix != VS_FIX_NONE) {
            g_autofree char *command = vs_perm_acl_change_command(applied);
            assert_string_equal(command, f->fix_command);
        } else {
            assert_null(applied);
        }
    }
}

/* Does the ACL of @type of @path hold @entry ("user:NAME:rwx")? */
static gboolean
acl_has(const char *path, acl_type_t type, const char *entry)
{
    acl_t acl = acl_get_file(path, type);
    char *text = acl ? acl_to_text(acl, NULL) : NULL;
    gboolean found = text && strstr(text, entry);

    if (text)
        acl_free(text);
    if (acl)
        acl_free(acl);
    return found;
}

/* doctor --fix on a folder QEMU cannot read, shared read-write: one fix, and
 * what it prints is what it applies (it printed rwx and applied r-x). */
static void
test_perm_fix_applies_what_it_prints(void **state)
{
    g_auto(VsIdentity) id = { 0 };
    g_autofree char *base = NULL;
    g_autoptr(VsShare) share = vs_share_new();
    g_autoptr(GPtrArray) f = g_ptr_array_new_with_free_func((GDestroyNotify)vs_finding_free);

    if (!ensure_test_user(&id)) {
        print_message("skipped: needs root\n");
        skip();
    }
    base = g_strdup("/var/tmp/vs-fix-XXXXXX");
    assert_non_null(g_mkdtemp_full(base, 0700));
    assert_int_equal(chmod(base, 0700), 0);
    share->source = g_strdup(base);
    share->tag = g_strdup("t");
    share->driver = VS_DRIVER_9P;
    share->mode = VS_MODE_SQUASH;
    assert_false(vs_perm_check(share, &id, f));
    assert_true(has_error(f, "folder-read", base));
    fix_all(f, &id);
    assert_true(acl_has(base, ACL_TYPE_ACCESS, "user:" TEST_USER ":rwx"));
    assert_true(acl_has(base, ACL_TYPE_DEFAULT, "user:" TEST_USER ":rwx"));
    g_ptr_array_set_size(f, 0);
    assert_true(vs_perm_check(share, &id, f));   /* nothing left after one --fix */
    rm_rf(base);
}

/* --fix on a share whose path is a symbolic link into a root-only folder
 * that the policy refuses: refused, and that folder's ACL is not touched. */
static void
test_perm_fix_symlink_refused(void **state)
{
    g_auto(VsIdentity) id = { 0 };
    g_autofree char *base = NULL;
    g_autofree char *secret = NULL;
    g_autofree char *link = NULL;
    g_autofree char *cfgpath = NULL;
    g_autofree char *cfgtext = NULL;
    g_autoptr(VsConfig) cfg = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(VsAclChange) applied = NULL;
    VsFinding finding = { .severity = VS_SEVERITY_ERROR, .fix = VS_FIX_ACL_WRITE };

    base = test_user_base(&id, "vs-fix");
    secret = g_build_filename(base, "root-only", NULL);
    link = g_build_filename(base, "innocent", NULL);
    assert_int_equal(g_mkdir(secret, 0700), 0);
    assert_int_equal(symlink(secret, link), 0);
    cfgtext = g_strdup_printf("[policy]\ndenied-roots=%s\n", secret);
    cfgpath = write_config(base, cfgtext);
    cfg = vs_config_load(cfgpath, &err);
    assert_no_gerror(err);

    finding.path = link;
    assert_false(vs_perm_fix(&finding, &id, cfg, &applied, &err));
    assert_vs_error(err, VS_ERROR_POLICY);
    assert_null(applied);
    assert_int_equal(acl_extended_file(secret), 0);   /* no ACL entries at all */
    /* /root, through a link, with the built-in policy: refused as well */
    {
        g_autoptr(VsConfig) builtin = vs_config_new_default();
        g_autoptr(GError) e = NULL;
        g_autofree char *to_root = g_build_filename(base, "to-root", NULL);
        int before = acl_extended_file("/root");

        assert_int_equal(symlink("/root", to_root), 0);
        finding.path = to_root;
        assert_false(vs_perm_fix(&finding, &id, builtin, NULL, &e));
        assert_vs_error(e, VS_ERROR_POLICY);
        assert_int_equal(acl_extended_file("/root"), before);
    }
    rm_rf(base);
}

/* doctor --fix after a swap in an allowed place: the share's folder moved
 * away and a link to another user's folder (allowed by the policy too) put
 * at its path; or the path now a directory of someone else.  Neither gets
 * an ACL entry for QEMU. */
static void
test_perm_fix_swap_refused(void **state)
{
    g_auto(VsIdentity) id = { 0 };
    g_autofree char *base = NULL;
    g_autofree char *folder = NULL;
    g_autofree char *other = NULL;
    g_autoptr(VsConfig) cfg = vs_config_new_default();
    g_autoptr(VsShare) share = vs_share_new();
    g_autoptr(GPtrArray) f = g_ptr_array_new_with_free_func((GDestroyNotify)vs_finding_free);
    g_autofree char *moved = NULL;
    VsFinding *fix = NULL;

    base = test_user_base(&id, "vs-swap");
    folder = g_build_filename(base, "share", NULL);
    other = g_build_filename(base, "someone-elses", NULL);
    assert_int_equal(g_mkdir(folder, 0700), 0);
    assert_int_equal(g_mkdir(other, 0700), 0);
    assert_int_equal(chown(other, 4242, 4242), 0);
    share->source = g_strdup(folder);
    share->driver = VS_DRIVER_9P;
    share->mode = VS_MODE_SQUASH;
    assert_false(vs_perm_check(share, &id, f));
    for (guint i = 0; i < f->len; i++) {
        VsFinding *x = g_ptr_array_index(f, i);
        if (x->fix != VS_FIX_NONE && g_strcmp0(x->path, folder) == 0)
            fix = x;
    }
    assert_non_null(fix);
    assert_int_equal(fix->owner, 0);

    /* a link to the other folder at the share's path */
    moved = g_strconcat(folder, "-moved", NULL);
    assert_int_equal(rename(folder, moved), 0);
    assert_int_equal(symlink(other, folder), 0);
    {
        g_autoptr(GError) err = NULL;
        assert_false(vs_perm_fix(fix, &id, cfg, NULL, &err));
        assert_vs_error(err, VS_ERROR_POLICY);
        assert_int_equal(acl_extended_file(other), 0);
    }
    /* the other folder itself at the share's path */
    assert_int_equal(unlink(folder), 0);
    assert_int_equal(rename(other, folder), 0);
    {
        g_autoptr(GError) err = NULL;
        assert_false(vs_perm_fix(fix, &id, cfg, NULL, &err));
        assert_vs_error(err, VS_ERROR_POLICY);
        assert_int_equal(acl_extended_file(folder), 0);
    }
    /* its owner's own folder is fixed as before */
    fix->owner = 4242;
    {
        g_autoptr(GError) err = NULL;
        assert_true(vs_perm_fix(fix, &id, cfg, NULL, &err));
        assert_no_gerror(err);
        assert_int_equal(acl_extended_file(folder), 1);
    }
    rm_rf(base);
}

/* The handle is what gets the ACL: a symbolic link planted at the path
 * after the check (the folder moved away, a link to a root-only folder put
 * in its place) is never followed. */
static void
test_perm_fix_late_link(void **state)
{
    g_auto(VsIdentity) id = { 0 };
    g_autofree char *base = NULL;
    g_autofree char *folder = NULL;
    g_autofree char *moved = NULL;
    g_autofree char *secret = NULL;
    g_autofree char *resolved = NULL;
    g_autoptr(VsAclChange) applied = NULL;
    g_autoptr(VsConfig) cfg = vs_config_new_default();
    g_autoptr(GError) err = NULL;
    int fd;

    base = test_user_base(&id, "vs-fix");
    folder = g_build_filename(base, "share", NULL);
    moved = g_build_filename(base, "share-moved", NULL);
    secret = g_build_filename(base, "root-only", NULL);
    assert_int_equal(g_mkdir(folder, 0700), 0);
    assert_int_equal(g_mkdir(secret, 0700), 0);

    fd = vs_perm_open_checked(folder, cfg, &resolved, &err);
    assert_no_gerror(err);
    assert_true(fd >= 0);
    assert_string_equal(resolved, folder);
    assert_int_equal(rename(folder, moved), 0);
    assert_int_equal(symlink(secret, folder), 0);
    assert_true(vs_perm_fix_handle(fd, resolved, VS_FIX_ACL_READ, &id, &applied, &err));
    assert_no_gerror(err);
    close(fd);
    assert_int_equal(acl_extended_file(secret), 0);
    assert_true(acl_has(moved, ACL_TYPE_ACCESS, "user:" TEST_USER ":r-x"));
    assert_string_equal(applied->path, folder);   /* as resolved before the move */
    assert_string_equal(applied->access, "r-x");
    assert_string_equal(applied->default_access, "r-x");
    {
        g_autofree char *command = vs_perm_acl_change_command(applied);
        assert_non_null(strstr(command, "u:" TEST_USER ":r-x,d:u:" TEST_USER ":r-x"));
    }
    rm_rf(base);
}

static void
test_perm_engine(void **state)
{
    g_auto(VsIdentity) id = { 0 };
    g_autofree char *base = NULL;
    g_autofree char *closed = NULL;
    g_autofree char *folder = NULL;
    g_autoptr(VsShare) share = vs_share_new();
    g_autoptr(GPtrArray) f = g_ptr_array_new_with_free_func((GDestroyNotify)vs_finding_free);

    if (!ensure_test_user(&id)) {
        print_message("skipped: needs root to create and become " TEST_USER "\n");
        skip();
    }
    /* /var/tmp: a disk file system with ACLs, searchable by everyone */
    base = g_strdup("/var/tmp/vs-perm-XXXXXX");
    assert_non_null(g_mkdtemp_full(base, 0755));
    closed = g_build_filename(base, "closed", NULL);
    folder = g_build_filename(closed, "share", NULL);
    assert_int_equal(g_mkdir_with_parents(folder, 0755), 0);
    assert_int_equal(chmod(closed, 0700), 0);

    share->source = g_strdup(folder);
    share->tag = g_strdup("t");
    share->driver = VS_DRIVER_9P;
    share->mode = VS_MODE_SQUASH;

    /* the kernel says no at the closed parent */
    assert_int_equal(vs_perm_access_as(&id, folder, R_OK), EACCES);
    assert_false(vs_perm_check(share, &id, f));
    assert_true(has_error(f, "parent-search", closed));
    /* the folder itself is not blamed for what its parent blocks */
    assert_false(has_error(f, "folder-read", NULL));

    /* --fix: an ACL entry (x) on the parent, then the folder is checked again */
    fix_all(f, &id);
    g_ptr_array_set_size(f, 0);
    assert_false(vs_perm_check(share, &id, f));
    assert_false(has_error(f, "parent-search", NULL));
    assert_true(has_error(f, "folder-write", folder));   /* root's 0755 folder */
    {
        struct stat st;
        assert_int_equal(stat(closed, &st), 0);
        assert_int_equal(st.st_mode & 07, 0);   /* no chmod: others still have nothing */
    }
    fix_all(f, &id);
    g_ptr_array_set_size(f, 0);
    assert_true(vs_perm_check(share, &id, f));
    assert_int_equal(vs_perm_access_as(&id, folder, W_OK), 0);

    /* a default ACL: a directory the host user makes later (mkdir(1) asks for
     * 0777; with a default ACL the umask does not apply) stays usable */
    {
        g_autofree char *sub = g_build_filename(folder, "later", NULL);
        assert_int_equal(g_mkdir(sub, 0777), 0);
        assert_int_equal(vs_perm_access_as(&id, sub, W_OK), 0);
    }

    /* read-only shares need no write permission */
    share->readonly = TRUE;
    assert_int_equal(chmod(folder, 0755), 0);   /* mask drops w for the ACL user */
    g_ptr_array_set_size(f, 0);
    assert_true(vs_perm_check(share, &id, f));
    share->readonly = FALSE;
    g_ptr_array_set_size(f, 0);
    assert_false(vs_perm_check(share, &id, f));
    assert_true(has_error(f, "folder-write", folder));

    /* passthrough with an unprivileged QEMU user cannot create anything */
    assert_int_equal(chmod(folder, 0777), 0);
    share->mode = VS_MODE_PASSTHROUGH;
    g_ptr_array_set_size(f, 0);
    assert_false(vs_perm_check(share, &id, f));
    assert_true(has_error(f, "passthrough-unprivileged", NULL));
    share->readonly = TRUE;
    g_ptr_array_set_size(f, 0);
    assert_true(vs_perm_check(share, &id, f));

    /* virtiofs: virtiofsd is root, the folder's permissions do not matter */
    share->readonly = FALSE;
    share->driver = VS_DRIVER_VIRTIOFS;
    assert_int_equal(chmod(closed, 0700), 0);
    g_ptr_array_set_size(f, 0);
    assert_true(vs_perm_check(share, &id, f));
    rm_rf(base);
}

/* Group membership counts (the kernel evaluates supplementary groups). */
static void
test_perm_group(void **state)
{
    g_auto(VsIdentity) id = { 0 };
    g_autofree char *base = NULL;
    struct passwd *pw;

    if (!ensure_test_user(&id)) {
        print_message("skipped: needs root\n");
        skip();
    }
    pw = getpwnam(TEST_USER);
    base = g_strdup("/var/tmp/vs-perm-XXXXXX");
    assert_non_null(g_mkdtemp_full(base, 0700));
    assert_int_equal(chmod(base, 0770), 0);   /* not cut by the umask */
    assert_int_equal(chown(base, 0, pw->pw_gid), 0);
    assert_int_equal(vs_perm_access_as(&id, base, W_OK), 0);
    assert_int_equal(chown(base, 0, 0), 0);
    assert_int_equal(vs_perm_access_as(&id, base, W_OK), EACCES);
    rm_rf(base);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_builtin),
        cmocka_unit_test(test_policy_normalize),
        cmocka_unit_test(test_guest_default_target),
        cmocka_unit_test(test_policy_denied_extends),
        cmocka_unit_test(test_policy_root_via_symlink),
        cmocka_unit_test(test_policy_config),
        cmocka_unit_test(test_policy_bad_config),
        cmocka_unit_test(test_policy_symlink_escape),
        cmocka_unit_test(test_policy_bind_mount),
        cmocka_unit_test(test_device_xml_round_trip),
        cmocka_unit_test(test_lock_private_dir),
        cmocka_unit_test(test_lock_planted_symlink),
        cmocka_unit_test(test_lock_foreign_dir),
        cmocka_unit_test(test_lock_shared_dir),
        cmocka_unit_test(test_idmap),
        cmocka_unit_test(test_identity_parse),
        cmocka_unit_test(test_perm_engine),
        cmocka_unit_test(test_perm_group),
        cmocka_unit_test(test_perm_fix_applies_what_it_prints),
        cmocka_unit_test(test_perm_fix_symlink_refused),
        cmocka_unit_test(test_perm_fix_late_link),
        cmocka_unit_test(test_perm_fix_swap_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
