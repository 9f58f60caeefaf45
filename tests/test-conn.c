/* test-conn.c: connection URIs (where the hypervisor runs) and read-only connections. */
#include <config.h>

#include "vs-test-util.h"

#include "vs-conn.h"
#include "vs-error.h"

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

static void
test_conn_uri_info(void **state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virConnect) conn = vs_connect("test:///default", &err);
    g_autoptr(VsUriInfo) info = NULL;

    assert_no_gerror(err);
    info = vs_conn_uri_info(conn, &err);
    assert_no_gerror(err);
    assert_false(info->remote);
    assert_string_equal(info->path, "/default");
}

/* A read-only connection may look but not change anything. */
static void
test_connect_readonly(void **state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virConnect) conn = vs_connect_full("test:///default", VS_CONNECT_READONLY, &err);
    g_autoptr(virDomain) dom = NULL;

    assert_no_gerror(err);
    assert_int_equal(virConnectIsAlive(conn), 1);
    dom = vs_domain_lookup(conn, "test", &err);
    assert_no_gerror(err);
    assert_int_equal(virDomainSuspend(dom), -1);
    assert_int_equal(vs_libvirt_last_error_code(), VIR_ERR_OPERATION_DENIED);
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
    };

    vs_libvirt_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
