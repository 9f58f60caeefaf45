/* test-enum.c: the enum <-> string tables (vs-enum.h) and the strings that
 * JSON output, options and the configuration file rely on. */
#include <config.h>

#include "vs-test-util.h"

#include "vs-enum.h"
#include "vs-error.h"
#include "vs-finding.h"
#include "vs-perm.h"
#include "vs-share.h"
#include "vs-status.h"

typedef const char *(*ToString)(int value);
typedef int (*FromString)(const char *str);

/* Exactly @names, in enum order, and both directions agree. */
static void
assert_table(ToString to, FromString from, const char *const *names, int last)
{
    for (int i = 0; i < last; i++) {
        assert_string_equal(to(i), names[i]);
        assert_int_equal(from(names[i]), i);
    }
    assert_null(to(last));
    assert_null(to(-1));
    assert_int_equal(from("no-such-name"), -1);
    assert_int_equal(from(NULL), -1);
    assert_int_equal(from(""), -1);
}

static void
test_enum_stable_strings(void **state)
{
    static const char *const drivers[] = { "auto", "9p", "virtiofs" };
    static const char *const modes[] = { "default", "passthrough", "mapped", "squash" };
    static const char *const devices[] = { "defined", "pending-restart", "attached",
                                           "pending-stop" };
    static const char *const guests[] = { "n/a", "unknown", "not-mounted", "mounted" };
    static const char *const severities[] = { "info", "warning", "error" };

    assert_table(vs_driver_to_string, vs_driver_from_string, drivers, VS_DRIVER_LAST);
    assert_table(vs_mode_to_string, vs_mode_from_string, modes, VS_MODE_LAST);
    assert_table(vs_device_state_to_string, vs_device_state_from_string, devices,
                 VS_DEVICE_LAST);
    assert_table(vs_guest_state_to_string, vs_guest_state_from_string, guests, VS_GUEST_LAST);
    assert_table(vs_severity_to_string, vs_severity_from_string, severities,
                 VS_SEVERITY_LAST);
}

static void
test_enum_error_codes(void **state)
{
    assert_string_equal(vs_error_code_to_string(VS_ERROR_INVALID), "VS_ERROR_INVALID");
    assert_string_equal(vs_error_code_to_string(VS_ERROR_TIMEOUT), "VS_ERROR_TIMEOUT");
    for (int i = 0; i < VS_ERROR_LAST; i++)
        assert_int_equal(vs_error_code_from_string(vs_error_code_to_string(i)), i);
    assert_null(vs_error_code_to_string(VS_ERROR_LAST));
}

/* The finding codes are the "code" of doctor --json, a documented
 * interface: exactly these strings, each named in the man page. */
static void
test_enum_finding_codes(void **state)
{
    static const char *const codes[] = {
        "kvm-qemu-denied", "kvm-not-working", "not-running", "agent-unavailable",
        "agent-command-disabled", "source-missing", "parent-search", "folder-read",
        "folder-write", "passthrough-unprivileged", "mapped-xattr", "mapped-modes",
        "squash-owner", "virtiofs-root", "cannot-check", "setuid-unprotected",
        "pending-restart", "not-mounted", "small-msize", "guest-os-unsupported",
    };
    g_autofree char *pod = NULL;

    assert_int_equal(G_N_ELEMENTS(codes), VS_FINDING_LAST);
    assert_table(vs_finding_code_to_string, vs_finding_code_from_string, codes,
                 VS_FINDING_LAST);
    assert_true(g_file_get_contents(TEST_DATA_DIR "/../../src/cli/virt-share.pod", &pod, NULL,
                                    NULL));
    for (int i = 0; i < VS_FINDING_LAST; i++) {
        g_autofree char *named = g_strdup_printf("C<%s>", codes[i]);

        if (!strstr(pod, named))
            fail_msg("virt-share.pod does not name the finding code %s", codes[i]);
    }
}

/* Case matters: the names are identifiers, not words. */
static void
test_enum_exact_match(void **state)
{
    assert_int_equal(vs_driver_from_string("9P"), -1);
    assert_int_equal(vs_driver_from_string("virtiofs "), -1);
    assert_int_equal(vs_mode_from_string("Squash"), -1);
}

static void
test_enum_parse(void **state)
{
    VsDriver driver = VS_DRIVER_AUTO;
    VsMode mode = VS_MODE_DEFAULT;
    GError *err = NULL;

    assert_true(vs_share_driver_parse("virtiofs", &driver, &err));
    assert_int_equal(driver, VS_DRIVER_VIRTIOFS);
    assert_true(vs_share_mode_parse("mapped", &mode, &err));
    assert_int_equal(mode, VS_MODE_MAPPED);
    assert_no_gerror(err);

    assert_false(vs_share_driver_parse("nfs", &driver, &err));
    assert_vs_error(err, VS_ERROR_INVALID);
    assert_non_null(strstr(err->message, "nfs"));
    g_clear_error(&err);
    assert_int_equal(driver, VS_DRIVER_VIRTIOFS);

    /* "default" is internal: a user cannot name it. */
    assert_false(vs_share_mode_parse("default", &mode, &err));
    assert_vs_error(err, VS_ERROR_INVALID);
    g_clear_error(&err);
    assert_false(vs_share_mode_parse("bogus", &mode, &err));
    assert_vs_error(err, VS_ERROR_INVALID);
    g_clear_error(&err);
    assert_int_equal(mode, VS_MODE_MAPPED);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enum_stable_strings),
        cmocka_unit_test(test_enum_error_codes),
        cmocka_unit_test(test_enum_finding_codes),
        cmocka_unit_test(test_enum_exact_match),
        cmocka_unit_test(test_enum_parse),
    };

    return cmocka_run_group_tests_name("enum", tests, NULL, NULL);
}
