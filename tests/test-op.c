/* test-op.c: the operations by domain name (vs-op.h), as a front end other
 * than the CLI calls them, against libvirt's test driver
 * (tests/data/testnode.xml: 'running' with shares docs and fast, 'stopped'
 * with none).  The test driver cannot attach or detach, so a change ends in
 * VS_ERROR_LIBVIRT; the lab (tests/e2e/run.sh) covers the successful runs. */
#include <config.h>

#include "vs-test-util.h"

#include "vs-config.h"
#include "vs-conn.h"
#include "vs-op.h"

static virConnect *
test_connect(void)
{
    g_autoptr(GError) err = NULL;
    virConnect *conn = vs_conn_open("test://" TEST_DATA_DIR "/testnode.xml", &err);

    assert_no_gerror(err);
    assert_non_null(conn);
    return conn;
}

static void
record(const char *message, gpointer data)
{
    g_ptr_array_add(data, g_strdup(message));
}

static void
test_add(void **state)
{
    g_autoptr(virConnect) conn = test_connect();
    g_autofree char *dir = g_dir_make_tmp("vs-op-XXXXXX", NULL);
    g_autoptr(GPtrArray) said = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(VsAddJob) plan = NULL;
    g_autoptr(VsAddJob) job = NULL;
    g_autoptr(GError) err = NULL;
    VsAddOptions opts = { .source = dir, .driver = VS_DRIVER_9P };
    VsRunOptions ropts;
    VsPlan other;

    vs_run_options_init(&ropts);
    /* The plan: changes nothing, says what would happen. */
    plan = vs_op_add_plan(conn, "stopped", &opts, &ropts, &err);
    assert_no_gerror(err);
    assert_non_null(plan);
    assert_non_null(strstr(plan->device_xml, dir));
    assert_non_null(plan->description);
    /* ... as add's own dry run says it (the same code) */
    {
        g_autoptr(VsAddJob) dry_job = NULL;
        VsRunOptions dry = ropts;

        dry.dry_run = TRUE;
        assert_true(vs_op_add(conn, "stopped", &opts, &dry, &dry_job, &err));
        assert_no_gerror(err);
        assert_string_equal(dry_job->device_xml, plan->device_xml);
        assert_true(vs_plan_equal(&dry_job->plan, &plan->plan));
    }

    ropts.notify = record;
    ropts.notify_data = said;
    /* A front end that showed another plan: refused before anything is done. */
    other = plan->plan;
    other.restart_needed = !other.restart_needed;
    opts.expect_plan = &other;
    assert_false(vs_op_add(conn, "stopped", &opts, &ropts, NULL, &err));
    assert_vs_error(err, VS_ERROR_INVALID);
    assert_int_equal(said->len, 0);
    g_clear_error(&err);

    /* The run (of the plan shown): the description first, then the attach
     * the test driver refuses. */
    opts.expect_plan = &plan->plan;
    assert_false(vs_op_add(conn, "stopped", &opts, &ropts, &job, &err));
    assert_vs_error(err, VS_ERROR_LIBVIRT);
    assert_true(said->len >= 1);
    assert_string_equal(g_ptr_array_index(said, 0), plan->description);
    assert_non_null(job);
    g_rmdir(dir);
}

/* The configuration's defaults are applied in the core, with one meaning:
 * a mode or driver left open is the configured one. */
static void
test_add_config_defaults(void **state)
{
    g_autoptr(virConnect) conn = test_connect();
    g_autofree char *dir = g_dir_make_tmp("vs-op-XXXXXX", NULL);
    g_autoptr(VsConfig) cfg = vs_config_new_default();
    g_autoptr(GError) err = NULL;
    VsAddOptions opts = { .source = dir, .driver = VS_DRIVER_AUTO, .config = cfg };
    VsRunOptions ropts;

    vs_run_options_init(&ropts);
    cfg->driver = VS_DRIVER_9P;
    cfg->mode = VS_MODE_MAPPED;
    {
        g_autoptr(VsAddJob) job = vs_op_add_plan(conn, "stopped", &opts, &ropts, &err);
        assert_no_gerror(err);
        assert_int_equal(job->share->driver, VS_DRIVER_9P);
        assert_int_equal(job->share->mode, VS_MODE_MAPPED);
    }
    opts.mode = VS_MODE_SQUASH;    /* chosen: the configured one does not count */
    {
        g_autoptr(VsAddJob) job = vs_op_add_plan(conn, "stopped", &opts, &ropts, &err);
        assert_no_gerror(err);
        assert_int_equal(job->share->mode, VS_MODE_SQUASH);
    }
    g_rmdir(dir);
}

static void
test_not_found(void **state)
{
    g_autoptr(virConnect) conn = test_connect();
    g_autoptr(VsRemoveJob) job = NULL;
    g_autoptr(GError) err = NULL;
    /* testnode.xml shares /usr/share, which the built-in policy refuses:
     * no deny list here, this is about the domain. */
    g_autoptr(VsConfig) no_deny = vs_config_new_default();
    VsAddOptions opts = { .source = "/usr/share", .config = no_deny };
    VsDoctorOptions dopts = { 0 };
    VsRunOptions ropts;

    g_strfreev(no_deny->denied_roots);
    no_deny->denied_roots = g_new0(char *, 1);
    vs_run_options_init(&ropts);
    assert_false(vs_op_remove(conn, "running", "nosuchtag", &ropts, &job, &err));
    assert_vs_error(err, VS_ERROR_NOT_FOUND);
    assert_null(job);
    g_clear_error(&err);
    assert_false(vs_op_mount(conn, "running", "nosuchtag", NULL, &ropts, &err));
    assert_vs_error(err, VS_ERROR_NOT_FOUND);
    g_clear_error(&err);
    assert_false(vs_op_umount(conn, "nosuchdomain", NULL, &ropts, &err));
    assert_vs_error(err, VS_ERROR_NOT_FOUND);
    g_clear_error(&err);
    assert_null(vs_op_add_plan(conn, "nosuchdomain", &opts, &ropts, &err));
    assert_vs_error(err, VS_ERROR_NOT_FOUND);
    g_clear_error(&err);
    assert_null(vs_op_doctor(conn, "nosuchdomain", NULL, &dopts, &err));
    assert_vs_error(err, VS_ERROR_NOT_FOUND);
    g_clear_error(&err);
    assert_null(vs_op_doctor(conn, "running", "nosuchtag", &dopts, &err));
    assert_vs_error(err, VS_ERROR_NOT_FOUND);
    g_clear_error(&err);
    /* A share already there: refused by the plan, before the lock is of any use. */
    assert_false(vs_op_add(conn, "running", &opts, &ropts, NULL, &err));
    assert_vs_error(err, VS_ERROR_EXISTS);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_add_config_defaults),
        cmocka_unit_test(test_not_found),
    };

    vs_conn_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
