/* test-caps.c: when domain capabilities are asked for, the cache key and
 * what invalidates it, and a cache file that is damaged or not ours; and the
 * host's side of virtiofs under a session daemon (user namespaces). */
#include <config.h>

#include "vs-test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vs-caps.h"
#include "vs-conn.h"
#include "vs-userns.h"
#include "vs-xml.h"

static const VsCapsKey base_key = {
    .uri = "qemu:///system", .libvirt = 9000000, .hypervisor = 0,
    .emulator = "/usr/bin/qemu-system-x86_64", .have_stat = TRUE,
    .mtime_ns = 1700000000123456789, .size = 12345678,
    .machine = "pc-i440fx-7.2", .arch = "x86_64", .virttype = "qemu",
};

static char *
tmp_cache(void)
{
    g_autofree char *dir = g_dir_make_tmp("vs-caps-XXXXXX", NULL);

    assert_non_null(dir);
    return g_build_filename(dir, "domcaps", NULL);
}

static void
rm_cache(char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *tmp = g_strconcat(path, ".tmp", NULL);

    g_unlink(path);
    g_unlink(tmp);
    g_rmdir(dir);
    g_free(path);
}

/* Every part of the key changes the key text; nothing else does. */
static void
test_caps_key_parts(void **unused)
{
    g_autofree char *base = vs_caps_key_text(&base_key);
    g_autofree char *same = vs_caps_key_text(&base_key);
    VsCapsKey variants[9];

    for (guint i = 0; i < G_N_ELEMENTS(variants); i++)
        variants[i] = base_key;
    variants[0].uri = "qemu+ssh://other/system";
    variants[1].libvirt = 11003000;
    variants[2].hypervisor = 10000013;
    variants[3].emulator = "/usr/libexec/qemu-kvm";
    variants[4].mtime_ns += 1;
    variants[5].size += 1;
    variants[6].machine = "pc-q35-7.2";
    variants[7].arch = "aarch64";
    variants[8].virttype = "kvm";
    assert_string_equal(base, same);
    for (guint i = 0; i < G_N_ELEMENTS(variants); i++) {
        g_autofree char *text = vs_caps_key_text(&variants[i]);
        assert_string_not_equal(base, text);
    }
}

/* Without a stat (a remote daemon) the mtime is not part of the key, and a
 * field cannot run into the next one. */
static void
test_caps_key_remote_and_escaping(void **unused)
{
    VsCapsKey a = base_key, b = base_key, c = base_key, d = base_key;
    g_autofree char *ta = NULL, *tb = NULL, *tc = NULL, *td = NULL;

    a.have_stat = b.have_stat = FALSE;
    b.mtime_ns = 1;
    ta = vs_caps_key_text(&a);
    tb = vs_caps_key_text(&b);
    assert_string_equal(ta, tb);
    c.machine = "pc\" arch=\"x86_64";
    c.arch = NULL;
    d.machine = "pc";
    tc = vs_caps_key_text(&c);
    td = vs_caps_key_text(&d);
    assert_string_not_equal(tc, td);
    assert_null(strchr(tc, '\n'));
}

/* Which URIs let the emulator be stat'ed from here (the socket= cases, a
 * daemon in another root, are in test_caps_emulator_path_here). */
static void
test_caps_emulator_path_uris(void **unused)
{
    static const char *const local[] = { "qemu:///system", "qemu:///session", "test:///default" };

    for (guint i = 0; i < G_N_ELEMENTS(local); i++) {
        g_autofree char *p = vs_caps_emulator_path_here(local[i], "/usr/bin/qemu");
        assert_string_equal(p, "/usr/bin/qemu");
    }
    assert_null(vs_caps_emulator_path_here("qemu+ssh://root@host/system", "/usr/bin/qemu"));
    assert_null(vs_caps_emulator_path_here("qemu+tcp://10.0.0.1/system", "/usr/bin/qemu"));
    assert_null(vs_caps_emulator_path_here(NULL, "/usr/bin/qemu"));
}

/* A listening UNIX socket at @path; the descriptor. */
static int
listen_at(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert(fd >= 0 && strlen(path) < sizeof(addr.sun_path));
    memcpy(addr.sun_path, path, strlen(path) + 1);
    g_assert(bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 && listen(fd, 8) == 0);
    return fd;
}

/* The fake daemon (this program copied as "virtqemud", run with --listen):
 * listens on SOCKET, chroots into ROOT when it may, says so, then waits. */
static int
fake_daemon(const char *sock, const char *root)
{
    int fd;
    gboolean chrooted;

    /* gone with the test, even when an assertion ends it early */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() == 1)
        return 1;
    fd = listen_at(sock);
    chrooted = geteuid() == 0 && chroot(root) == 0 && chdir("/") == 0;
    if (write(STDOUT_FILENO, chrooted ? "c" : "n", 1) != 1)
        return 1;
    pause();
    close(fd);
    return 0;
}

typedef struct {
    char *dir;
    char *sock;
    char *root;
    char *uri;
    GPid pid;
    gboolean chrooted;
} FakeDaemon;

/* Start the fake daemon in a new folder: its root is DIR/root. */
static void
fake_daemon_start(FakeDaemon *d)
{
    g_autofree char *exe = NULL;
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *data = NULL;
    gsize len;
    char ready = 0;
    int out;

    d->dir = g_dir_make_tmp("vs-caps-d-XXXXXX", NULL);
    assert_non_null(d->dir);
    assert_non_null(self);
    d->sock = g_build_filename(d->dir, "sock", NULL);
    d->root = g_build_filename(d->dir, "root", NULL);
    d->uri = g_strdup_printf("qemu:///system?socket=%s", d->sock);
    exe = g_build_filename(d->dir, "virtqemud", NULL);
    assert_int_equal(g_mkdir(d->root, 0755), 0);
    assert_true(g_file_get_contents(self, &data, &len, NULL));
    assert_true(g_file_set_contents(exe, data, (gssize)len, NULL));
    assert_int_equal(g_chmod(exe, 0755), 0);
    {
        char *argv[] = { exe, (char *)"--listen", d->sock, d->root, NULL };

        assert_true(g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                             NULL, &d->pid, NULL, &out, NULL, NULL));
    }
    assert_int_equal(read(out, &ready, 1), 1);
    close(out);
    d->chrooted = ready == 'c';
}

static void
fake_daemon_stop(FakeDaemon *d)
{
    int status;

    if (d->pid > 0) {
        kill(d->pid, SIGKILL);
        waitpid(d->pid, &status, 0);
        d->pid = 0;
    }
}

static void
fake_daemon_free(FakeDaemon *d)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", d->dir);

    fake_daemon_stop(d);
    assert_int_equal(system(cmd), 0);
    g_free(d->dir);
    g_free(d->sock);
    g_free(d->root);
    g_free(d->uri);
}

/* What the emulator path of a domain XML is stat'ed as. */
static void
test_caps_emulator_path_here(void **unused)
{
    FakeDaemon d = { 0 };
    g_autofree char *here = NULL;
    g_autofree char *want = NULL;
    g_autofree char *plain_uri = NULL;
    g_autofree char *plain = NULL;
    char *p;
    int fd;

    p = vs_caps_emulator_path_here("qemu:///system", "/usr/bin/qemu-system-x86_64");
    assert_string_equal(p, "/usr/bin/qemu-system-x86_64");
    g_free(p);
    assert_null(vs_caps_emulator_path_here("qemu+ssh://h/system", "/usr/bin/qemu"));
    assert_null(vs_caps_emulator_path_here("qemu:///system", NULL));
    assert_null(vs_caps_emulator_path_here(NULL, "/usr/bin/qemu"));

    /* socket=: the emulator as the daemon listening there sees it */
    fake_daemon_start(&d);
    here = vs_caps_emulator_path_here(d.uri, "/usr/bin/qemu");
    want = g_strdup_printf("/proc/%d/root/usr/bin/qemu", (int)d.pid);
    assert_string_equal(here, want);
    assert_null(vs_caps_emulator_path_here(d.uri, "qemu"));   /* not absolute */
    fake_daemon_stop(&d);
    assert_null(vs_caps_emulator_path_here(d.uri, "/usr/bin/qemu"));   /* nobody listens */

    /* a listener that is not libvirtd or virtqemud (this test): not trusted */
    plain = g_build_filename(d.dir, "plain-sock", NULL);
    plain_uri = g_strdup_printf("qemu:///system?socket=%s", plain);
    fd = listen_at(plain);
    assert_null(vs_caps_emulator_path_here(plain_uri, "/usr/bin/qemu"));
    close(fd);
    fake_daemon_free(&d);
}

static xmlDoc *
domain_doc(const char *name, const char *emulator, const char *machine)
{
    g_autofree char *xml = g_strdup_printf(
        "<domain type='qemu'><name>%s</name><memory unit='MiB'>%d</memory>"
        "<os><type arch='x86_64' machine='%s'>hvm</type></os>"
        "<devices><emulator>%s</emulator></devices></domain>",
        name, g_str_equal(name, "a") ? 256 : 512, machine, emulator);

    return vs_xml_parse(xml, "test", NULL);
}

static char *
key_of(virConnect *conn, const char *uri, const char *name, const char *emulator,
       const char *machine)
{
    g_autoptr(xmlDoc) doc = domain_doc(name, emulator, machine);

    assert_non_null(doc);
    return vs_caps_key_for(conn, doc, uri, 11003000);
}

/* The cache key of a domain behind a socket= URI (a daemon in another root,
 * as the libvirt 11 lab stack): made from the emulator's stat in the daemon's
 * root, without asking libvirt for QEMU's version (which costs libvirt a
 * capabilities lookup, seconds when it re-probes); the same for another
 * domain on the same emulator; another when the emulator or machine changes;
 * QEMU's version again when the daemon cannot be found. */
static void
test_caps_key_for_socket_daemon(void **unused)
{
    g_autoptr(virConnect) conn = vs_conn_open("test:///default", NULL);
    FakeDaemon d = { 0 };
    g_autofree char *emu = NULL;
    g_autofree char *emu_file = NULL;
    g_autofree char *k1 = NULL, *k2 = NULL, *k3 = NULL, *k4 = NULL, *k5 = NULL, *k6 = NULL;
    g_autofree char *want = NULL;
    g_autofree char *want_none = NULL;
    VsCapsKey expect = { 0 };
    struct timespec times[2] = { { 0, UTIME_OMIT }, { 0, 0 } };
    unsigned long hv = 0;
    struct stat st;
    FILE *f;

    assert_non_null(conn);
    fake_daemon_start(&d);
    /* Chrooted (as root), the daemon's emulator is a path that does not
     * exist in this process's root: only its root finds it. */
    emu_file = g_build_filename(d.root, "vs-test-emulator", NULL);
    emu = d.chrooted ? g_strdup("/vs-test-emulator") : g_strdup(emu_file);
    if (d.chrooted)
        assert_false(g_file_test(emu, G_FILE_TEST_EXISTS));
    assert_true(g_file_set_contents(emu_file, "qemu 10.0", -1, NULL));
    times[1].tv_sec = 1700000000;
    assert_int_equal(utimensat(AT_FDCWD, emu_file, times, 0), 0);
    assert_int_equal(stat(emu_file, &st), 0);

    expect = (VsCapsKey){ .uri = d.uri, .libvirt = 11003000, .hypervisor = 0,
                          .emulator = emu, .have_stat = TRUE,
                          .mtime_ns = (gint64)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
                          .size = st.st_size, .machine = "pc-q35-10.0", .arch = "x86_64",
                          .virttype = "qemu" };
    want = vs_caps_key_text(&expect);
    k1 = key_of(conn, d.uri, "a", emu, "pc-q35-10.0");
    assert_string_equal(k1, want);
    /* another domain (name, memory) on the same emulator and machine: the same key */
    k2 = key_of(conn, d.uri, "b", emu, "pc-q35-10.0");
    assert_string_equal(k2, k1);
    /* QEMU upgraded in the daemon's root: new mtime, then new size */
    times[1].tv_sec = 1700000001;
    assert_int_equal(utimensat(AT_FDCWD, emu_file, times, 0), 0);
    k3 = key_of(conn, d.uri, "a", emu, "pc-q35-10.0");
    assert_string_not_equal(k3, k1);
    f = fopen(emu_file, "a");
    assert_non_null(f);
    fputs("+1", f);
    fclose(f);
    assert_int_equal(utimensat(AT_FDCWD, emu_file, times, 0), 0);
    k4 = key_of(conn, d.uri, "a", emu, "pc-q35-10.0");
    assert_string_not_equal(k4, k3);
    k5 = key_of(conn, d.uri, "a", emu, "pc-i440fx-10.0");
    assert_string_not_equal(k5, k4);

    /* No daemon to find: QEMU's version, from libvirt. */
    fake_daemon_stop(&d);
    assert_int_equal(virConnectGetVersion(conn, &hv), 0);
    expect.have_stat = FALSE;
    expect.hypervisor = hv;
    expect.mtime_ns = expect.size = 0;
    want_none = vs_caps_key_text(&expect);
    k6 = key_of(conn, d.uri, "a", emu, "pc-q35-10.0");
    assert_string_equal(k6, want_none);
    fake_daemon_free(&d);
}

static void
test_caps_cache_roundtrip_and_invalidation(void **unused)
{
    char *path = tmp_cache();
    g_autofree char *key = vs_caps_key_text(&base_key);
    VsPlanFacts in = { .no_9p = TRUE, .no_memfd = TRUE }, out = { 0 };
    VsCapsKey newer = base_key;
    g_autofree char *newer_key = NULL;
    struct stat st;

    assert_false(vs_caps_cache_lookup(path, key, &out));       /* no file */
    vs_caps_cache_store(path, key, &in);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_true(vs_caps_cache_lookup(path, key, &out));
    assert_true(out.no_9p);
    assert_false(out.no_virtiofs);
    assert_true(out.no_memfd);

    /* QEMU upgraded (new mtime), libvirt upgraded: a miss each. */
    newer.mtime_ns += 1000;
    newer_key = vs_caps_key_text(&newer);
    assert_false(vs_caps_cache_lookup(path, newer_key, &out));
    newer = base_key;
    newer.libvirt = 9000001;
    g_free(newer_key);
    newer_key = vs_caps_key_text(&newer);
    assert_false(vs_caps_cache_lookup(path, newer_key, &out));

    /* A new answer for a key replaces the old one. */
    in.no_9p = FALSE;
    vs_caps_cache_store(path, key, &in);
    assert_true(vs_caps_cache_lookup(path, key, &out));
    assert_false(out.no_9p);
    rm_cache(path);
}

static void
write_cache(const char *path, const char *text)
{
    g_unlink(path);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    g_chmod(path, 0644);
}

/* A damaged or foreign cache file is a miss, never a wrong answer, and the
 * next store replaces it. */
static void
test_caps_cache_bad_files(void **unused)
{
    char *path = tmp_cache();
    g_autofree char *key = vs_caps_key_text(&base_key);
    g_autofree char *group = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
    g_autofree char *good = NULL;
    g_autofree char *wrong_key = NULL;
    g_autofree char *bad_bool = NULL;
    g_autofree char *big = NULL;
    g_autofree char *other = g_strconcat(path, ".other", NULL);
    const char *garbage[] = { "", "\x01\x02\xff\xfe", "[unterminated", "no group=1\n",
                              "[virt-share-domcaps]\nversion=2\n" };
    VsPlanFacts in = { .no_virtiofs = TRUE }, out = { 0 };

    good = g_strdup_printf("[virt-share-domcaps]\nversion=1\n\n[%s]\nkey=%s\nstored=1\n"
                           "no-9p=false\nno-virtiofs=true\nno-memfd=false\n", group, key);
    write_cache(path, good);
    assert_true(vs_caps_cache_lookup(path, key, &out));        /* the format is as written */
    assert_true(out.no_virtiofs);

    for (guint i = 0; i < G_N_ELEMENTS(garbage); i++) {
        write_cache(path, garbage[i]);
        assert_false(vs_caps_cache_lookup(path, key, &out));
    }
    /* the right hash but another key: not trusted */
    wrong_key = g_strdup_printf("[virt-share-domcaps]\nversion=1\n\n[%s]\nkey=v1 other\n"
                                "stored=1\nno-9p=false\nno-virtiofs=true\nno-memfd=false\n",
                                group);
    write_cache(path, wrong_key);
    assert_false(vs_caps_cache_lookup(path, key, &out));
    /* a member that is not a boolean, or missing */
    bad_bool = g_strdup_printf("[virt-share-domcaps]\nversion=1\n\n[%s]\nkey=%s\nstored=1\n"
                               "no-9p=maybe\nno-virtiofs=true\n", group, key);
    write_cache(path, bad_bool);
    out.no_9p = TRUE;
    assert_false(vs_caps_cache_lookup(path, key, &out));
    assert_true(out.no_9p);                                    /* untouched on a miss */
    /* too big to be ours */
    big = g_strnfill(VS_CAPS_CACHE_MAX_BYTES + 10, '#');
    write_cache(path, big);
    assert_false(vs_caps_cache_lookup(path, key, &out));
    /* writable by others */
    write_cache(path, good);
    g_chmod(path, 0666);
    assert_false(vs_caps_cache_lookup(path, key, &out));
    /* a symbolic link, even to a good file */
    write_cache(other, good);
    g_unlink(path);
    assert_int_equal(symlink(other, path), 0);
    assert_false(vs_caps_cache_lookup(path, key, &out));
    /* another user's file */
    if (geteuid() == 0) {
        g_unlink(path);
        write_cache(path, good);
        assert_int_equal(chown(path, 65534, 65534), 0);
        assert_false(vs_caps_cache_lookup(path, key, &out));
    }
    /* a store replaces whatever was there, with a regular file */
    vs_caps_cache_store(path, key, &in);
    assert_true(vs_caps_cache_lookup(path, key, &out));
    assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
                !g_file_test(path, G_FILE_TEST_IS_SYMLINK));
    g_unlink(other);
    rm_cache(path);
}

static void
test_caps_cache_bounded(void **unused)
{
    char *path = tmp_cache();
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_auto(GStrv) groups = NULL;
    VsPlanFacts in = { 0 }, out;
    g_autofree char *last = NULL;

    for (guint i = 0; i < VS_CAPS_CACHE_ENTRIES + 8; i++) {
        VsCapsKey k = base_key;
        k.mtime_ns = i;
        g_free(last);
        last = vs_caps_key_text(&k);
        vs_caps_cache_store(path, last, &in);
    }
    assert_true(g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL));
    groups = g_key_file_get_groups(kf, NULL);
    assert_int_equal(g_strv_length(groups), VS_CAPS_CACHE_ENTRIES + 1);   /* + header */
    assert_true(vs_caps_cache_lookup(path, last, &out));
    rm_cache(path);
}

/* Asked only when the answer can change the plan. */
static void
test_caps_needed(void **unused)
{
    VsPlanFacts running_shm = { .running = TRUE, .persistent = TRUE, .live_shared_mem = TRUE,
                                .live_acpi = TRUE, .config_shared_mem = TRUE };
    VsPlanFacts stopped = { .persistent = TRUE };
    VsPlanFacts running_plain = { .running = TRUE, .persistent = TRUE, .live_acpi = TRUE };

    /* virtiofs by name, hot-plugged: libvirt checks the running QEMU itself */
    assert_false(vs_caps_needed(&running_shm, 0, VS_DRIVER_VIRTIOFS, VS_MODE_DEFAULT, FALSE));
    /* auto: a missing virtiofs would make it 9p */
    assert_true(vs_caps_needed(&running_shm, 0, VS_DRIVER_AUTO, VS_MODE_DEFAULT, FALSE));
    /* ... unless the domain already has a virtiofs share */
    assert_false(vs_caps_needed(&running_shm, VS_CAP_VIRTIOFS, VS_DRIVER_AUTO,
                                VS_MODE_DEFAULT, FALSE));
    /* 9p into a definition: nothing checks it before the next start */
    assert_true(vs_caps_needed(&stopped, 0, VS_DRIVER_9P, VS_MODE_DEFAULT, FALSE));
    assert_false(vs_caps_needed(&stopped, VS_CAP_9P, VS_DRIVER_9P, VS_MODE_DEFAULT, FALSE));
    /* virtiofs by name that must add shared memory: memfd matters */
    assert_true(vs_caps_needed(&running_plain, VS_CAP_VIRTIOFS, VS_DRIVER_VIRTIOFS,
                               VS_MODE_DEFAULT, FALSE));
    assert_false(vs_caps_needed(&running_plain, VS_CAP_VIRTIOFS | VS_CAP_MEMFD,
                                VS_DRIVER_VIRTIOFS, VS_MODE_DEFAULT, FALSE));
    /* a request that fails on the domain facts alone */
    assert_false(vs_caps_needed(&running_shm, 0, VS_DRIVER_VIRTIOFS, VS_MODE_SQUASH, FALSE));
    /* auto + squash is 9p whatever virtiofs does, but 9p may be missing */
    assert_true(vs_caps_needed(&running_shm, 0, VS_DRIVER_AUTO, VS_MODE_SQUASH, FALSE));
    assert_false(vs_caps_needed(&running_shm, VS_CAP_9P, VS_DRIVER_AUTO, VS_MODE_SQUASH,
                                FALSE));
}

static void
test_caps_known_from_domain(void **unused)
{
    g_autoptr(xmlDoc) vfs = vs_xml_parse(
        "<domain type='qemu'><memoryBacking><source type='memfd'/><access mode='shared'/>"
        "</memoryBacking><devices><filesystem type='mount' accessmode='passthrough'>"
        "<driver type='virtiofs'/><source dir='/a'/><target dir='a'/></filesystem>"
        "</devices></domain>", "test", NULL);
    g_autoptr(xmlDoc) p9 = vs_xml_parse(
        "<domain type='qemu'><devices><filesystem type='mount' accessmode='squash'>"
        "<source dir='/b'/><target dir='b'/></filesystem></devices></domain>", "test", NULL);
    g_autoptr(xmlDoc) none = vs_xml_parse("<domain type='qemu'><devices/></domain>", "test",
                                          NULL);

    assert_int_equal(vs_caps_known_from_domain(vfs, NULL), VS_CAP_VIRTIOFS | VS_CAP_MEMFD);
    assert_int_equal(vs_caps_known_from_domain(NULL, p9), VS_CAP_9P);
    assert_int_equal(vs_caps_known_from_domain(none, p9), VS_CAP_9P);
    assert_int_equal(vs_caps_known_from_domain(none, NULL), 0);
}

static void
test_caps_parse(void **unused)
{
    VsPlanFacts f = { 0 };

    assert_true(vs_caps_parse(
        "<domainCapabilities><memoryBacking supported='yes'><enum name='sourceType'>"
        "<value>file</value><value>anonymous</value></enum></memoryBacking><devices>"
        "<filesystem supported='yes'><enum name='driverType'><value>path</value>"
        "<value>handle</value></enum></filesystem></devices></domainCapabilities>", &f));
    assert_false(f.no_9p);
    assert_true(f.no_virtiofs);
    assert_true(f.no_memfd);
    memset(&f, 0, sizeof(f));
    assert_false(vs_caps_parse("<domainCapabilities><devices/></domainCapabilities>", &f));
    assert_false(vs_caps_parse("not xml", &f));
    assert_false(f.no_9p || f.no_virtiofs || f.no_memfd);
}

/* The one refusal reproducible anywhere as root: a chrooted process may not
 * create a user namespace (EPERM), as virtiofsd in a chrooted session daemon
 * found out in the lab. */
static void
test_userns_probe_chroot(void **unused)
{
    g_autofree char *dir = NULL;
    pid_t pid;
    int status;

    if (geteuid() != 0)
        skip();
    dir = g_dir_make_tmp("vs-userns-XXXXXX", NULL);
    assert_non_null(dir);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(chroot(dir) == 0 && vs_userns_probe() == EPERM ? 0 : 1);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    g_rmdir(dir);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_userns_refusal(void **unused)
{
    /* Each cause names what to change, and the way out that needs nothing. */
    assert_non_null(strstr(vs_userns_refusal(ENOSPC), "user.max_user_namespaces"));
    assert_non_null(strstr(vs_userns_refusal(EPERM), "kernel.unprivileged_userns_clone"));
    assert_non_null(strstr(vs_userns_refusal(EPERM), "chroot"));
    for (int e = 0; e < 3; e++) {
        int err[] = { ENOSPC, EPERM, EINVAL };
        assert_non_null(strstr(vs_userns_refusal(err[e]), "--driver 9p"));
    }
    assert_null(strstr(vs_userns_refusal(EINVAL), "max_user_namespaces"));
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caps_key_parts),
        cmocka_unit_test(test_caps_key_remote_and_escaping),
        cmocka_unit_test(test_caps_emulator_path_uris),
        cmocka_unit_test(test_caps_emulator_path_here),
        cmocka_unit_test(test_caps_key_for_socket_daemon),
        cmocka_unit_test(test_caps_cache_roundtrip_and_invalidation),
        cmocka_unit_test(test_caps_cache_bad_files),
        cmocka_unit_test(test_caps_cache_bounded),
        cmocka_unit_test(test_caps_needed),
        cmocka_unit_test(test_caps_known_from_domain),
        cmocka_unit_test(test_caps_parse),
        cmocka_unit_test(test_userns_probe_chroot),
        cmocka_unit_test(test_userns_refusal),
    };

    if (argc == 4 && g_str_equal(argv[1], "--listen"))
        return fake_daemon(argv[2], argv[3]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
