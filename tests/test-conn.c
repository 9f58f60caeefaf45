/* test-conn.c: connection URIs (where the hypervisor runs) and read-only connections. */
#include <config.h>

#include "vs-domain.h"
#include "vs-test-util.h"

#include "vs-conn.h"
#include "vs-add.h"
#include "vs-error.h"
#include "vs-remote.h"
#include "vs-text.h"

static void
test_uri_local_system(void **state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VsUriInfo) info = vs_uri_info_parse("qemu:///system", &err);

    assert_no_gerror(err);
    assert_false(info->remote);
    assert_false(info->session);
    assert_null(info->host);
    assert_null(info->transport);
    assert_string_equal(info->path, "/system");
}

static void
test_uri_local_session(void **state)
{
    g_autoptr(VsUriInfo) info = vs_uri_info_parse("qemu:///session", NULL);

    assert_non_null(info);
    assert_false(info->remote);
    assert_true(info->session);
}

static void
test_uri_ssh(void **state)
{
    g_autoptr(VsUriInfo) info =
        vs_uri_info_parse("qemu+ssh://root@127.0.0.1:2222/system?keyfile=/k%20x&no_verify=1", NULL);

    assert_non_null(info);
    assert_true(info->remote);
    assert_false(info->session);
    assert_string_equal(info->transport, "ssh");
    assert_string_equal(info->user, "root");
    assert_string_equal(info->host, "127.0.0.1");
    assert_int_equal(info->port, 2222);
    assert_string_equal(g_hash_table_lookup(info->params, "keyfile"), "/k x");
    assert_string_equal(g_hash_table_lookup(info->params, "no_verify"), "1");
}

/* A session on another host is still remote: its files are not ours. */
static void
test_uri_remote_session(void **state)
{
    g_autoptr(VsUriInfo) info = vs_uri_info_parse("qemu+ssh://host.example/session", NULL);

    assert_non_null(info);
    assert_true(info->remote);
    assert_true(info->session);
    assert_null(info->user);
    assert_int_equal(info->port, -1);
}

/* The local socket override is a query parameter, not a host. */
static void
test_uri_socket_param(void **state)
{
    g_autoptr(VsUriInfo) info =
        vs_uri_info_parse("qemu:///system?socket=/proc/1/root/run/libvirt/libvirt-sock", NULL);

    assert_non_null(info);
    assert_false(info->remote);
    assert_string_equal(g_hash_table_lookup(info->params, "socket"),
                        "/proc/1/root/run/libvirt/libvirt-sock");
}

static void
test_uri_invalid(void **state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VsUriInfo) info = vs_uri_info_parse("not a uri", &err);

    assert_null(info);
    assert_vs_error(err, VS_ERROR_INVALID);
}

/* A domain state reads the URI when loaded and libvirt's version only when
 * asked (list loads a state per domain and must not pay an RPC for each),
 * then keeps both. */
static void
test_conn_uri_info(void **state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virConnect) conn = vs_conn_open("test:///default", &err);
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(VsDomainState) st = NULL;
    const VsUriInfo *info;
    unsigned long version = 0;

    assert_no_gerror(err);
    dom = vs_domain_lookup(conn, "test", &err);
    assert_no_gerror(err);
    st = vs_domain_state_load(dom, &err);
    assert_no_gerror(err);
    assert_true(st->uri_read);
    assert_false(st->libvirt_read);
    assert_string_equal(vs_domain_state_uri(st), "test:///default");
    info = vs_domain_state_uri_info(st);
    assert_non_null(info);
    assert_false(info->remote);
    assert_false(info->session);
    assert_string_equal(info->path, "/default");
    assert_int_equal(virConnectGetLibVersion(conn, &version), 0);
    assert_true(version > 0);
    assert_int_equal(vs_domain_state_libvirt(st), version);
    assert_true(st->libvirt_read);
    /* kept: a second answer is the stored one */
    st->libvirt = 1;
    assert_int_equal(vs_domain_state_libvirt(st), 1);
}

/* A read-only connection may look but not change anything. */
static void
test_connect_readonly(void **state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virConnect) conn = vs_conn_open_full("test:///default", VS_CONNECT_READONLY, &err);
    g_autoptr(virDomain) dom = NULL;

    assert_no_gerror(err);
    assert_int_equal(virConnectIsAlive(conn), 1);
    dom = vs_domain_lookup(conn, "test", &err);
    assert_no_gerror(err);
    assert_int_equal(virDomainSuspend(dom), -1);
    assert_int_equal(vs_conn_last_error_code(), VIR_ERR_OPERATION_DENIED);
}

/* libvirt's messages quote what it was given, also what a guest sent: an
 * error carries them sanitised and bounded (a 6 KB quote with a terminal
 * escape here). */
static void
test_libvirt_error_bounded(void **state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virConnect) conn = vs_conn_open("test:///default", &err);
    g_autofree char *filler = g_strnfill(6000, 'y');
    g_autofree char *xml = g_strdup_printf("<domain type='x\033]0;pwned\007%s'><name>a</name>"
                                           "</domain>", filler);
    g_autoptr(GError) lv = NULL;

    assert_no_gerror(err);
    assert_null(virDomainDefineXML(conn, xml));
    vs_conn_set_error(&lv, "defining");
    assert_non_null(lv);
    assert_null(strchr(lv->message, '\033'));
    assert_null(strchr(lv->message, '\007'));
    assert_true(strlen(lv->message) < VS_TEXT_ERROR_MAX * 4 + 64);
    assert_non_null(strstr(lv->message, "yyyy"));    /* the quote is there, cut */
    assert_null(strstr(lv->message, filler));
}

/* ---- running virt-share on the host that holds the folder ---- */

static void
test_remote_local_uri(void **state)
{
    g_autoptr(VsUriInfo) info = vs_uri_info_parse(
        "qemu+ssh://root@h:2222/system?keyfile=/k&no_verify=1&socket=/run/x%20y/sock", NULL);
    g_autofree char *uri = vs_remote_local_uri(info, NULL);

    /* transport parameters dropped, the daemon's own kept (and re-escaped) */
    assert_string_equal(uri, "qemu:///system?socket=/run/x%20y/sock");
}

static void
test_remote_local_uri_name(void **state)
{
    g_autoptr(VsUriInfo) info = vs_uri_info_parse("qemu+ssh://h/system?name=qemu:///session", NULL);
    g_autofree char *uri = vs_remote_local_uri(info, NULL);

    assert_string_equal(uri, "qemu:///session");
}

static void
test_remote_argv(void **state)
{
    g_autoptr(VsUriInfo) info = vs_uri_info_parse(
        "qemu+ssh://admin@h.example:2222/system?keyfile=/k&known_hosts=/kh&no_verify=1", NULL);
    const char *args[] = { "add", "dom", "/srv/it's $(here)", "--mode", "squash", NULL };
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) words = NULL;
    const char *want[] = { "ssh", "-p", "2222", "-l", "admin", "-i", "/k", "-o",
                           "UserKnownHostsFile=/kh", "-o", "StrictHostKeyChecking=no",
                           "-T", "-e", "none", "--", "h.example", NULL };
    guint n = g_strv_length((char **)want);

    g_setenv("VIRT_SHARE_REMOTE_COMMAND", "/opt/vs bin/virt-share", TRUE);
    argv = vs_remote_ssh_argv(info, args, &err);
    g_unsetenv("VIRT_SHARE_REMOTE_COMMAND");
    assert_no_gerror(err);
    assert_int_equal(g_strv_length(argv), n + 1);
    for (guint i = 0; i < n; i++)
        assert_string_equal(argv[i], want[i]);
    /* The remote shell must get back exactly the words we sent. */
    assert_true(g_shell_parse_argv(argv[n], NULL, &words, NULL));
    assert_int_equal(g_strv_length(words), 8);
    assert_string_equal(words[0], "/opt/vs bin/virt-share");
    assert_string_equal(words[1], "-c");
    assert_string_equal(words[2], "qemu:///system");
    assert_string_equal(words[3], "add");
    assert_string_equal(words[5], "/srv/it's $(here)");
    assert_string_equal(words[7], "squash");
}

static void
test_remote_argv_tls_refused(void **state)
{
    g_autoptr(VsUriInfo) info = vs_uri_info_parse("qemu+tls://h/system", NULL);
    const char *args[] = { "add", "dom", "/srv", NULL };
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) argv = vs_remote_ssh_argv(info, args, &err);

    assert_null(argv);
    assert_vs_error(err, VS_ERROR_UNSUPPORTED);
}

/* A missing remote program is said plainly, not as a shell's "not found". */
static void
test_remote_run_not_installed(void **state)
{
    g_autoptr(VsUriInfo) info = vs_uri_info_parse("qemu+ssh://h/system", NULL);
    const char *args[] = { "list", NULL };
    g_autoptr(GError) err = NULL;
    int rc;

    /* "command=" replaces ssh: a fake transport that runs the words locally. */
    g_hash_table_insert(info->params, g_strdup("command"), g_strdup(TEST_FAKE_SSH));
    g_setenv("VIRT_SHARE_REMOTE_COMMAND", "/nonexistent/virt-share", TRUE);
    rc = vs_remote_run(info, args, &err);
    g_unsetenv("VIRT_SHARE_REMOTE_COMMAND");
    assert_int_equal(rc, -1);
    assert_vs_error(err, VS_ERROR_REMOTE);
}

static void
test_remote_run_status(void **state)
{
    g_autoptr(VsUriInfo) info = vs_uri_info_parse("qemu+ssh://h/system", NULL);
    const char *args[] = { "--version", NULL };
    g_autoptr(GError) err = NULL;
    int rc;

    g_hash_table_insert(info->params, g_strdup("command"), g_strdup(TEST_FAKE_SSH));
    g_setenv("VIRT_SHARE_REMOTE_COMMAND", "/bin/false", TRUE);
    rc = vs_remote_run(info, args, &err);
    g_unsetenv("VIRT_SHARE_REMOTE_COMMAND");
    assert_no_gerror(err);
    assert_int_equal(rc, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uri_local_system),
        cmocka_unit_test(test_uri_local_session),
        cmocka_unit_test(test_uri_ssh),
        cmocka_unit_test(test_uri_remote_session),
        cmocka_unit_test(test_uri_socket_param),
        cmocka_unit_test(test_uri_invalid),
        cmocka_unit_test(test_conn_uri_info),
        cmocka_unit_test(test_connect_readonly),
        cmocka_unit_test(test_libvirt_error_bounded),
        cmocka_unit_test(test_remote_local_uri),
        cmocka_unit_test(test_remote_local_uri_name),
        cmocka_unit_test(test_remote_argv),
        cmocka_unit_test(test_remote_argv_tls_refused),
        cmocka_unit_test(test_remote_run_not_installed),
        cmocka_unit_test(test_remote_run_status),
    };

    vs_conn_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
