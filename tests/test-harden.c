/* test-harden.c: the nosuid,nodev protection of a shared folder (vs-harden.h):
 * the decision table, the host fstab lines (byte-exact goldens in
 * tests/data/harden/, VS_TEST_REGENERATE_OUTPUT=1 writes them), the file
 * edit (mode and owner kept), the configuration key, and, as root, protect
 * and unprotect of a real folder in a private mount namespace (a setuid copy
 * of id(1) run by nobody gains nothing).  Never the host's real fstab:
 * $VIRT_SHARE_FSTAB points into a scratch directory. */
#include <config.h>

#include "vs-test-util.h"

#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vs-config.h"
#include "vs-domxml.h"
#include "vs-harden.h"
#include "vs-xml.h"

/* ---- the decision table ---- */

typedef struct {
    VsDriver driver;
    VsMode mode;
    gboolean readonly;
    VsHardenUri uri;
    uid_t qemu_uid;
    VsHardenNeed want;
} NeedCase;

static const NeedCase need_cases[] = {
    /* qemu:///system, written to */
    { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, FALSE, VS_HARDEN_URI_SYSTEM, 64055, VS_HARDEN_VIRTIOFS_ROOT },
    { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, FALSE, VS_HARDEN_URI_SYSTEM, 0, VS_HARDEN_VIRTIOFS_ROOT },
    { VS_DRIVER_9P, VS_MODE_PASSTHROUGH, FALSE, VS_HARDEN_URI_SYSTEM, 0, VS_HARDEN_9P_ROOT },
    { VS_DRIVER_9P, VS_MODE_PASSTHROUGH, FALSE, VS_HARDEN_URI_SYSTEM, 64055, VS_HARDEN_9P_UNPRIVILEGED },
    { VS_DRIVER_9P, VS_MODE_SQUASH, FALSE, VS_HARDEN_URI_SYSTEM, 64055, VS_HARDEN_9P_SQUASH },
    { VS_DRIVER_9P, VS_MODE_SQUASH, FALSE, VS_HARDEN_URI_SYSTEM, 0, VS_HARDEN_9P_SQUASH },
    { VS_DRIVER_9P, VS_MODE_MAPPED, FALSE, VS_HARDEN_URI_SYSTEM, 0, VS_HARDEN_MAPPED },
    { VS_DRIVER_9P, VS_MODE_MAPPED, FALSE, VS_HARDEN_URI_SYSTEM, 64055, VS_HARDEN_MAPPED },
    /* read-only: never */
    { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, TRUE, VS_HARDEN_URI_SYSTEM, 0, VS_HARDEN_READONLY },
    { VS_DRIVER_9P, VS_MODE_SQUASH, TRUE, VS_HARDEN_URI_SYSTEM, 64055, VS_HARDEN_READONLY },
    { VS_DRIVER_9P, VS_MODE_PASSTHROUGH, TRUE, VS_HARDEN_URI_SYSTEM, 0, VS_HARDEN_READONLY },
    /* session: the user's own writes */
    { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, FALSE, VS_HARDEN_URI_SESSION, 1000, VS_HARDEN_SESSION },
    { VS_DRIVER_9P, VS_MODE_SQUASH, FALSE, VS_HARDEN_URI_SESSION, 1000, VS_HARDEN_SESSION },
    { VS_DRIVER_9P, VS_MODE_PASSTHROUGH, FALSE, VS_HARDEN_URI_SESSION, 0, VS_HARDEN_SESSION },
    { VS_DRIVER_9P, VS_MODE_MAPPED, FALSE, VS_HARDEN_URI_SESSION, 1000, VS_HARDEN_MAPPED },
    /* remote, test driver: not judged here */
    { VS_DRIVER_VIRTIOFS, VS_MODE_PASSTHROUGH, FALSE, VS_HARDEN_URI_OTHER, 0, VS_HARDEN_NOT_HERE },
    { VS_DRIVER_9P, VS_MODE_SQUASH, FALSE, VS_HARDEN_URI_OTHER, 0, VS_HARDEN_NOT_HERE },
    { VS_DRIVER_9P, VS_MODE_SQUASH, TRUE, VS_HARDEN_URI_OTHER, 0, VS_HARDEN_READONLY },
};

static void
test_need_table(void **state)
{
    (void)state;
    for (guint i = 0; i < G_N_ELEMENTS(need_cases); i++) {
        const NeedCase *c = &need_cases[i];
        VsHardenNeed got = vs_harden_need(c->driver, c->mode, c->readonly, c->uri, c->qemu_uid);

        if (got != c->want) {
            print_error("case %u (%s %s%s, uri %d, uid %u): got %s, want %s\n", i,
                        vs_driver_to_string(c->driver), vs_mode_to_string(c->mode),
                        c->readonly ? " readonly" : "", c->uri, (unsigned)c->qemu_uid,
                        vs_harden_need_to_string(got), vs_harden_need_to_string(c->want));
            fail();
        }
        /* Exactly the three privileged cases call for the mount. */
        assert_int_equal(vs_harden_needed(got),
                         got == VS_HARDEN_VIRTIOFS_ROOT || got == VS_HARDEN_9P_ROOT ||
                         got == VS_HARDEN_9P_SQUASH);
        assert_non_null(vs_harden_need_describe(got));
    }
}

static void
test_uri_kind(void **state)
{
    (void)state;
    assert_int_equal(vs_harden_uri_kind(FALSE, "qemu", "/system"), VS_HARDEN_URI_SYSTEM);
    /* qemu:///system?socket=... parses to the same driver and path */
    assert_int_equal(vs_harden_uri_kind(FALSE, "qemu", "/session"), VS_HARDEN_URI_SESSION);
    assert_int_equal(vs_harden_uri_kind(TRUE, "qemu", "/system"), VS_HARDEN_URI_OTHER);
    assert_int_equal(vs_harden_uri_kind(FALSE, "test", "/default"), VS_HARDEN_URI_OTHER);
    assert_int_equal(vs_harden_uri_kind(FALSE, "qemu", "/embed"), VS_HARDEN_URI_OTHER);
}

/* ---- the fstab lines, byte for byte ---- */

/* name, folder */
static const char *const fstab_cases[][2] = {
    { "newline", "/srv/data" },
    { "no-newline", "/srv/data" },
    { "empty", "/var/tmp/x" },
    { "others", "/srv/data" },
    { "odd-folder", "/srv/my data\\\tdir" },
};

static char *
read_data(const char *name, const char *suffix)
{
    g_autofree char *path = g_strdup_printf("%s/harden/%s.%s", TEST_DATA_DIR, name, suffix);
    g_autoptr(GError) err = NULL;
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        print_error("%s\n", err->message);
        fail();
    }
    return text;
}

static void
test_fstab_golden(void **state)
{
    (void)state;
    for (guint i = 0; i < G_N_ELEMENTS(fstab_cases); i++) {
        const char *name = fstab_cases[i][0], *folder = fstab_cases[i][1];
        g_autofree char *in = read_data(name, "in");
        g_autofree char *with = vs_harden_fstab_with(in, folder);
        g_autofree char *twice = vs_harden_fstab_with(with, folder);
        g_autofree char *without = NULL;
        g_autofree char *want = NULL;
        gboolean removed = FALSE;

        if (g_getenv("VS_TEST_REGENERATE_OUTPUT")) {
            g_autofree char *path = g_strdup_printf("%s/harden/%s.out", TEST_DATA_DIR, name);
            assert_true(g_file_set_contents(path, with, -1, NULL));
        }
        want = read_data(name, "out");
        vs_test_check_text_equal(want, with, name, __FILE__, __LINE__);
        assert_string_equal(twice, with);       /* never twice */
        assert_true(vs_harden_fstab_has(with, folder));
        assert_false(vs_harden_fstab_has(in, folder));
        without = vs_harden_fstab_without(with, folder, &removed);
        assert_true(removed);
        assert_string_equal(without, in);       /* add then remove: the file as it was */
    }
}

static void
test_fstab_only_ours(void **state)
{
    /* An admin's own bind mount of the folder, another folder's lines, and
     * re-aligned columns of our entry. */
    const char *text = "/srv/data /srv/data none bind,nosuid 0 0\n"
                       "# virt-share: keeps /srv/other nosuid,nodev (see virt-share(1))\n"
                       "/srv/other /srv/other none rbind,nosuid,nodev 0 0\n"
                       "/srv/data\t/srv/data  none  rbind,nosuid,nodev,nofail  0 0\n";
    g_autofree char *out = NULL;
    gboolean removed = FALSE;

    (void)state;
    assert_true(vs_harden_fstab_has(text, "/srv/data"));
    assert_false(vs_harden_fstab_has(text, "/srv/dat"));
    out = vs_harden_fstab_without(text, "/srv/data", &removed);
    assert_true(removed);
    assert_string_equal(out, "/srv/data /srv/data none bind,nosuid 0 0\n"
                             "# virt-share: keeps /srv/other nosuid,nodev (see virt-share(1))\n"
                             "/srv/other /srv/other none rbind,nosuid,nodev 0 0\n");
    g_free(out);
    out = vs_harden_fstab_without("UUID=1 / ext4 defaults 0 1\n", "/srv/data", &removed);
    assert_false(removed);
}

static void
test_fstab_file(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vs-harden-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "fstab", NULL);
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    const char *orig = "UUID=1 / ext4 defaults 0 1";    /* no final newline */
    gboolean changed = FALSE, has = TRUE;
    struct stat st;

    (void)state;
    assert_true(vs_harden_fstab_file_has(path, "/srv/a", &has, &err));
    assert_false(has);                                  /* a missing file holds none */
    assert_true(g_file_set_contents(path, orig, -1, NULL));
    assert_int_equal(chmod(path, 0640), 0);
    assert_true(vs_harden_fstab_add(path, "/srv/a", &changed, &err));
    assert_no_gerror(err);
    assert_true(changed);
    assert_true(vs_harden_fstab_add(path, "/srv/a", &changed, &err));
    assert_false(changed);                              /* already there */
    assert_true(vs_harden_fstab_file_has(path, "/srv/a", &has, &err));
    assert_true(has);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);         /* mode kept */
    assert_true(vs_harden_fstab_remove(path, "/srv/a", &changed, &err));
    assert_true(changed);
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    assert_string_equal(text, orig);
    assert_true(vs_harden_fstab_remove(path, "/srv/a", &changed, &err));
    assert_false(changed);
    /* No temporary file left beside it. */
    {
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        guint n = 0;
        while (g_dir_read_name(d))
            n++;
        assert_int_equal(n, 1);
    }
    unlink(path);
    rmdir(dir);
}

static void
test_fix_commands(void **state)
{
    g_autofree char *fix = NULL;

    (void)state;
    g_setenv("VIRT_SHARE_FSTAB", "/etc/fstab", TRUE);
    fix = vs_harden_fix_commands("/srv/my data");
    assert_string_equal(fix, "mount --rbind '/srv/my data' '/srv/my data' && "
                             "mount -o remount,bind,nosuid,nodev '/srv/my data' && "
                             "printf '%s\\n' '# virt-share: keeps /srv/my\\040data nosuid,nodev "
                             "(see virt-share(1))' '/srv/my\\040data /srv/my\\040data none "
                             "rbind,nosuid,nodev,nofail 0 0' >> /etc/fstab");
    g_unsetenv("VIRT_SHARE_FSTAB");
}

/* ---- [policy] setuid-shares ---- */

static void
test_config_key(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vs-harden-conf-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "virt-share.conf", NULL);
    const char *values[] = { "protect", "refuse", "allow" };

    (void)state;
    for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
        g_autofree char *text = g_strdup_printf("[policy]\nsetuid-shares = %s \n", values[i]);
        g_autoptr(VsConfig) cfg = NULL;
        g_autoptr(GError) err = NULL;

        assert_true(g_file_set_contents(path, text, -1, NULL));
        cfg = vs_config_load(path, &err);
        assert_no_gerror(err);
        assert_int_equal(cfg->setuid_shares, (int)i);
    }
    {
        g_autoptr(VsConfig) cfg = vs_config_new_default();
        g_autoptr(GError) err = NULL;

        assert_int_equal(cfg->setuid_shares, VS_SETUID_SHARES_PROTECT);
        assert_true(g_file_set_contents(path, "[policy]\nsetuid-shares=yes\n", -1, NULL));
        assert_null(vs_config_load(path, &err));
        assert_vs_error(err, VS_ERROR_INVALID);
        assert_non_null(strstr(err->message, "setuid-shares: 'yes' is not protect, refuse or allow"));
    }
    unlink(path);
    rmdir(dir);
}

/* ---- add --allow-setuid, recorded for the hook ---- */

static void
test_metadata_allow_setuid(void **state)
{
    const char *xml = "<domain><name>d</name><metadata>"
                      "<virt-share:shares xmlns:virt-share=\"" VS_METADATA_NS "\">"
                      "<virt-share:share tag=\"a\" target=\"/a\" setuid=\"allow\"/>"
                      "<virt-share:share tag=\"b\" target=\"/b\"/>"
                      "</virt-share:shares></metadata></domain>";
    g_autoptr(xmlDoc) doc = vs_xml_parse(xml, "test", NULL);
    g_autoptr(GHashTable) records = NULL;
    g_autofree char *out = NULL;
    const VsMountRecord *rec;

    (void)state;
    assert_non_null(doc);
    records = vs_domxml_mount_records(doc);
    assert_true(((VsMountRecord *)g_hash_table_lookup(records, "a"))->allow_setuid);
    assert_false(((VsMountRecord *)g_hash_table_lookup(records, "b"))->allow_setuid);
    /* umount re-records the share: the add's choice stays */
    vs_domxml_mount_records_set(records, "a", "/a", FALSE);
    rec = g_hash_table_lookup(records, "a");
    assert_true(rec->allow_setuid);
    assert_false(rec->automount);
    out = vs_domxml_metadata_format(records);
    assert_string_equal(out, "<shares><share tag=\"a\" target=\"/a\" automount=\"no\" "
                             "setuid=\"allow\"/><share tag=\"b\" target=\"/b\"/></shares>");
}

/* ---- protect and unprotect a real folder (root, private mount namespace) ---- */

static gboolean
flags_have(const char *path, unsigned long want)
{
    struct statvfs sv;

    return statvfs(path, &sv) == 0 && (sv.f_flag & want) == want;
}

/* Run @prog (a setuid-root copy of id) as nobody, "-u": what it prints. */
static char *
run_as_nobody(const char *prog)
{
    g_autofree char *q = g_shell_quote(prog);
    g_autofree char *cmd = g_strdup_printf("setpriv --reuid=65534 --regid=65534 --clear-groups "
                                           "%s -u 2>/dev/null", q);
    FILE *p = popen(cmd, "r");
    char buf[64] = "";

    if (!p)
        return g_strdup("");
    if (!fgets(buf, sizeof(buf), p))
        buf[0] = '\0';
    pclose(p);
    return g_strdup(g_strstrip(buf));
}

#define CHILD_CHECK(cond, code) \
    do { \
        if (!(cond)) { \
            g_printerr("namespace child: check failed: %s\n", #cond); \
            _exit(code); \
        } \
    } while (0)

/* In the child: 0 all good, 77 cannot be set up here, else the failed check. */
static void G_GNUC_NORETURN
protect_child(const char *base)
{
    g_autofree char *folder = NULL;
    g_autofree char *sub = NULL;
    g_autofree char *fstab = NULL;
    g_autofree char *prog = NULL;
    g_autofree char *via_parent = NULL;
    g_autofree char *uid = NULL;
    g_autofree char *text = NULL;
    g_autofree char *marker = NULL;
    g_autoptr(GError) err = NULL;
    VsHardenDone done;
    gboolean undone = FALSE, protected_now = TRUE;
    char *fstab_orig = "# the test's fstab\n";

    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        _exit(77);
    /* A tmpfs of our own, suid and dev whatever /var/tmp is mounted with. */
    if (mount("vs-harden", base, "tmpfs", 0, "mode=0755") < 0)
        _exit(77);
    folder = g_build_filename(base, "share dir", NULL);
    sub = g_build_filename(folder, "sub", NULL);
    fstab = g_build_filename(base, "fstab", NULL);
    CHILD_CHECK(g_mkdir_with_parents(sub, 0755) == 0, 2);
    /* A submount: rbind takes it along, and it must be protected too. */
    /* noexec: the remount must keep the flags a mount had. */
    CHILD_CHECK(mount("vs-harden-sub", sub, "tmpfs", MS_NOEXEC, "mode=0755") == 0, 3);
    marker = g_build_filename(sub, "marker", NULL);
    CHILD_CHECK(g_file_set_contents(marker, "", 0, NULL), 3);
    CHILD_CHECK(g_file_set_contents(fstab, fstab_orig, -1, NULL), 4);
    g_setenv("VIRT_SHARE_FSTAB", fstab, TRUE);
    CHILD_CHECK(vs_harden_is_protected(folder, &protected_now, NULL) && !protected_now, 5);

    prog = g_build_filename(folder, "p", NULL);
    via_parent = g_build_filename(base, ".", "share dir", "p", NULL);
    {
        g_autofree char *cp = g_strdup_printf("cp /usr/bin/id '%s' && chmod 4755 '%s'", prog, prog);
        CHILD_CHECK(system(cp) == 0, 6);
    }
    /* Without the protection the setuid bit works: else the test proves nothing. */
    uid = run_as_nobody(prog);
    if (strcmp(uid, "0") != 0) {
        g_printerr("namespace child: setuid id printed '%s' before protect (no setpriv?)\n", uid);
        _exit(77);
    }
    g_free(uid);

    CHILD_CHECK(vs_harden_protect(folder, NULL, &done, &err), 10);
    CHILD_CHECK(done.mounted && done.fstab_added, 11);
    CHILD_CHECK(flags_have(folder, ST_NOSUID | ST_NODEV), 12);
    CHILD_CHECK(flags_have(sub, ST_NOSUID | ST_NODEV | ST_NOEXEC), 13);
    CHILD_CHECK(!flags_have(folder, ST_NOEXEC), 13);
    CHILD_CHECK(g_file_get_contents(fstab, &text, NULL, NULL), 14);
    CHILD_CHECK(vs_harden_fstab_has(text, folder), 15);
    /* The bit stays on disk, and does nothing, through either path. */
    {
        struct stat st;
        CHILD_CHECK(stat(prog, &st) == 0 && (st.st_mode & S_ISUID), 16);
    }
    uid = run_as_nobody(prog);
    CHILD_CHECK(strcmp(uid, "65534") == 0, 17);
    g_free(uid);
    uid = run_as_nobody(via_parent);
    CHILD_CHECK(strcmp(uid, "65534") == 0, 18);
    g_free(uid);

    /* unprotect: the lines go (the file byte for byte as before), then the mount. */
    CHILD_CHECK(vs_harden_unprotect(folder, NULL, &undone, &err) && undone, 20);
    g_free(text);
    CHILD_CHECK(g_file_get_contents(fstab, &text, NULL, NULL), 21);
    CHILD_CHECK(strcmp(text, fstab_orig) == 0, 22);
    CHILD_CHECK(!flags_have(folder, ST_NOSUID), 23);
    /* Not ours (no line): nothing is taken away. */
    CHILD_CHECK(vs_harden_mount(folder, &err), 24);
    CHILD_CHECK(vs_harden_unprotect(folder, NULL, &undone, &err) && !undone, 25);
    CHILD_CHECK(flags_have(folder, ST_NOSUID | ST_NODEV), 26);
    CHILD_CHECK(vs_harden_umount(folder, &err), 27);
    CHILD_CHECK(!flags_have(folder, ST_NOSUID), 28);
    /* The folder's own file system is never unmounted as if it were ours. */
    CHILD_CHECK(vs_harden_umount(sub, &err) && g_file_test(marker, G_FILE_TEST_EXISTS), 29);

    /* A failed fstab write leaves nothing mounted. */
    g_setenv("VIRT_SHARE_FSTAB", "/nonexistent-dir/fstab", TRUE);
    g_clear_error(&err);
    CHILD_CHECK(!vs_harden_protect(folder, NULL, &done, &err), 30);
    CHILD_CHECK(!done.mounted && !flags_have(folder, ST_NOSUID), 31);
    CHILD_CHECK(strstr(err->message, "mount --rbind") != NULL, 32);
    _exit(0);
}

static void
test_protect_namespace(void **state)
{
    /* Made here, so that it is removed here: the child's mounts die with it. */
    g_autofree char *base = g_strdup("/var/tmp/vs-harden-ns-XXXXXX");
    int status = 0;
    pid_t pid;

    (void)state;
    if (geteuid() != 0 || !g_file_test("/usr/bin/id", G_FILE_TEST_IS_EXECUTABLE)) {
        print_message("skipped: protect/unprotect needs root (mount namespace)\n");
        skip();
    }
    assert_non_null(g_mkdtemp(base));
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        protect_child(base);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    rmdir(base);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        print_message("skipped: no private mount namespace or tmpfs here\n");
        skip();
    }
    assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_need_table),
        cmocka_unit_test(test_uri_kind),
        cmocka_unit_test(test_fstab_golden),
        cmocka_unit_test(test_fstab_only_ours),
        cmocka_unit_test(test_fstab_file),
        cmocka_unit_test(test_fix_commands),
        cmocka_unit_test(test_config_key),
        cmocka_unit_test(test_metadata_allow_setuid),
        cmocka_unit_test(test_protect_namespace),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
