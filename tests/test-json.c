/* test-json.c: the --json contract (virt-share.pod, JSON OUTPUT).  Runs the
 * built program against libvirt's test driver and compares its output with
 * tests/data/json/NAME.json byte for byte; checks that it parses (json-glib),
 * that every share object has the documented members in order and that enum
 * values are names from the vs-enum tables; and that under a German locale,
 * with the German catalogue in use, the JSON is the same.
 *
 * VS_TEST_REGENERATE_OUTPUT=1 writes the golden files instead of comparing
 * (review the diff: a change in meaning needs a new schema version). */
#include <config.h>

#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "vs-test-util.h"

#include "vs-identity.h"
#include "vs-perm.h"
#include "vs-share.h"
#include "vs-status.h"

#define GOLDEN_DIR TEST_DATA_DIR "/json"
/* Stands for the scratch directory in golden files. */
#define TMP_MARK "@TMPDIR@"

/* The share object, member by member, as documented. */
static const char *const share_members[] = {
    "domain", "tag", "source", "target", "driver", "mode", "readonly", "config", "live",
    "state", "guest", "mount_point", "mount_options", "automount", NULL
};

/* The German environment, set up once (NULL members: not available here). */
static struct {
    char *dir;          /* scratch: locale/ (catalogue) and locales/ (LOCPATH) */
    char *localedir;
    char *locpath;      /* NULL when the system has de_DE.UTF-8 itself */
    char *lsan_options; /* for the ASan build, see german_env */
    gboolean ready;
    char *why_not;
} german;

static gboolean
regenerate(void)
{
    return g_strcmp0(g_getenv("VS_TEST_REGENERATE_OUTPUT"), "1") == 0;
}

/* The environment of every run: untranslated, this test node's qemu.conf. */
static char **
base_env(const char *tmp)
{
    char **env = g_get_environ();
    g_autofree char *run = g_build_filename(tmp, "run", NULL);

    g_mkdir(run, 0700);
    env = g_environ_unsetenv(env, "LIBVIRT_DEFAULT_URI");
    env = g_environ_unsetenv(env, "VIRT_SHARE_CONFIG");
    env = g_environ_setenv(env, "LC_ALL", "C", TRUE);
    env = g_environ_setenv(env, "LANGUAGE", "", TRUE);
    env = g_environ_setenv(env, "VIRT_SHARE_QEMU_CONF", TEST_DATA_DIR "/qemu.conf", TRUE);
    env = g_environ_setenv(env, "XDG_RUNTIME_DIR", run, TRUE);
    return env;
}

static char **
german_env(char **env)
{
    env = g_environ_setenv(env, "LC_ALL", "de_DE.UTF-8", TRUE);
    env = g_environ_setenv(env, "VIRT_SHARE_LOCALEDIR", german.localedir, TRUE);
    if (german.locpath)
        env = g_environ_setenv(env, "LOCPATH", german.locpath, TRUE);
    /* glibc keeps the list it makes from LOCPATH (__argz_add_sep) for good:
     * under make check-asan LeakSanitizer would report it at every exit. */
    env = g_environ_setenv(env, "LSAN_OPTIONS", german.lsan_options, TRUE);
    return env;
}

/* Run virt-share -c @uri ARGS...; its stdout, and *@status its exit status. */
static char *
run_vs(char **env, const char *uri, int *status, const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *err_text = NULL;
    const char *command = args[0];
    char *out = NULL;
    int wait_status;

    g_ptr_array_add(argv, (char *)VIRT_SHARE_BIN);
    g_ptr_array_add(argv, (char *)"-c");
    g_ptr_array_add(argv, (char *)uri);
    for (; *args; args++)
        g_ptr_array_add(argv, (char *)*args);
    g_ptr_array_add(argv, NULL);
    g_spawn_sync(NULL, (char **)argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err_text,
                 &wait_status, &err);
    assert_no_gerror(err);
    *status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
    if (*err_text)
        g_printerr("(stderr of virt-share %s: %s)\n", command, err_text);
    return out;
}

/* @text with every @from replaced by @to. */
static char *
replace_all(const char *text, const char *from, const char *to)
{
    g_auto(GStrv) parts = g_strsplit(text, from, -1);

    return g_strjoinv(to, parts);
}

/* A JSON string member is one of the names of an enum table. */
static void
check_enum(JsonObject *o, const char *member, int (*from_string)(const char *),
           gboolean nullable)
{
    JsonNode *n = json_object_get_member(o, member);

    assert_non_null(n);
    if (nullable && JSON_NODE_HOLDS_NULL(n))
        return;
    if (!JSON_NODE_HOLDS_VALUE(n) || from_string(json_node_get_string(n)) < 0) {
        print_error("member %s: not a name of its enum\n", member);
        fail();
    }
}

static void
check_share(JsonNode *node)
{
    JsonObject *o = json_node_get_object(node);
    g_autoptr(GList) names = json_object_get_members(o);
    guint i = 0;

    assert_true(JSON_NODE_HOLDS_OBJECT(node));
    for (GList *l = names; l; l = l->next, i++) {
        if (!share_members[i] || strcmp(l->data, share_members[i]) != 0) {
            print_error("share member %u is '%s', want '%s'\n", i, (char *)l->data,
                        share_members[i] ? share_members[i] : "(none)");
            fail();
        }
    }
    assert_null(share_members[i]);
    check_enum(o, "driver", vs_driver_from_string, FALSE);
    check_enum(o, "mode", vs_mode_from_string, FALSE);
    check_enum(o, "state", vs_device_state_from_string, FALSE);
    check_enum(o, "guest", vs_guest_state_from_string, TRUE);
    /* automount: a boolean exactly when a mount point is recorded. */
    if (JSON_NODE_HOLDS_NULL(json_object_get_member(o, "target")))
        assert_true(JSON_NODE_HOLDS_NULL(json_object_get_member(o, "automount")));
    else
        assert_int_equal(json_node_get_value_type(json_object_get_member(o, "automount")),
                         G_TYPE_BOOLEAN);
}

/* Parses, is an object of version 1, and its shares and enums are right. */
static void
check_document(const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) err = NULL;
    JsonObject *root;
    JsonArray *shares;

    json_parser_load_from_data(parser, text, -1, &err);
    assert_no_gerror(err);
    assert_true(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)));
    root = json_node_get_object(json_parser_get_root(parser));
    assert_int_equal(json_node_get_value_type(json_object_get_member(root, "version")),
                     G_TYPE_INT64);
    assert_int_equal(json_object_get_int_member(root, "version"), 1);
    /* add and remove: one share (null when there was none), and "changed". */
    if (json_object_has_member(root, "changed")) {
        JsonNode *share = json_object_get_member(root, "share");

        assert_int_equal(json_node_get_value_type(json_object_get_member(root, "changed")),
                         G_TYPE_BOOLEAN);
        assert_non_null(share);
        if (!JSON_NODE_HOLDS_NULL(share))
            check_share(share);
        return;
    }
    shares = json_object_get_array_member(root, "shares");
    assert_non_null(shares);
    for (guint i = 0; i < json_array_get_length(shares); i++)
        check_share(json_array_get_element(shares, i));
    if (json_object_has_member(root, "agent"))
        check_enum(root, "agent", vs_agent_state_from_string, FALSE);
    if (json_object_has_member(root, "qemu"))
        check_enum(json_object_get_object_member(root, "qemu"), "from",
                   vs_identity_source_from_string, FALSE);
    if (json_object_has_member(root, "findings")) {
        JsonArray *findings = json_object_get_array_member(root, "findings");
        for (guint i = 0; i < json_array_get_length(findings); i++)
            check_enum(json_array_get_object_element(findings, i), "severity",
                       vs_severity_from_string, FALSE);
    }
}

/* Compare @out (with @tmp written as TMP_MARK) with golden file @name. */
static void
check_golden(const char *name, const char *out, const char *tmp)
{
    g_autofree char *path = g_strdup_printf("%s/%s.json", GOLDEN_DIR, name);
    g_autofree char *got = tmp ? replace_all(out, tmp, TMP_MARK) : g_strdup(out);
    g_autofree char *want = NULL;

    if (regenerate()) {
        g_autoptr(GError) err = NULL;
        g_file_set_contents(path, got, -1, &err);
        assert_no_gerror(err);
        return;
    }
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        print_error("%s is missing (run with VS_TEST_REGENERATE_OUTPUT=1 and review it)\n",
                    path);
        fail();
    }
    want = vs_test_read_file(path);
    assert_text_equal(want, got, path);
}

/* The test node with the three states of a metadata record (automount). */
#define AUTOMOUNT_NODE_URI "test://" TEST_DATA_DIR "/testnode-automount.xml"

typedef struct {
    const char *golden;
    const char *args[10];       /* NULL-terminated */
    const char *uri;            /* NULL: VS_TEST_NODE_URI */
} JsonCase;

static const JsonCase cases[] = {
    { "list-all", { "list", "--json" }, NULL },
    { "list-running", { "list", "running", "--json" }, NULL },
    { "list-stopped", { "list", "stopped", "--json" }, NULL },
    { "status-running", { "status", "running", "--json" }, NULL },
    { "status-stopped", { "status", "stopped", "--json" }, NULL },
    { "doctor-running", { "doctor", "running", "--json" }, NULL },
    { "doctor-running-docs", { "doctor", "running", "docs", "--json" }, NULL },
    { "list-automount", { "list", "--json" }, AUTOMOUNT_NODE_URI },
    { "status-automount", { "status", "marks", "--json" }, AUTOMOUNT_NODE_URI },
    /* --exist-ok: the share the node has, asked for with its own options. */
    { "add-unchanged", { "add", "running", "/usr/share", "--readonly", "--target", "/mnt/docs",
                         "--exist-ok", "--json" }, NULL },
    { "remove-absent", { "remove", "running", "nosuchtag", "--exist-ok", "--json" }, NULL },
};

/* The read-only commands on the test nodes, in @lang (NULL: C). */
static void
run_cases(gboolean in_german)
{
    g_autofree char *tmp = vs_test_tmpdir();
    g_auto(GStrv) env = base_env(tmp);

    if (in_german)
        env = german_env(env);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        int status;
        const char *uri = cases[i].uri ? cases[i].uri : VS_TEST_NODE_URI;
        g_autofree char *out = run_vs(env, uri, &status, cases[i].args);

        if (!g_str_has_prefix(cases[i].golden, "doctor"))
            assert_int_equal(status, 0);
        check_document(out);
        if (!in_german || !regenerate())
            check_golden(cases[i].golden, out, NULL);
    }
    vs_test_rmtree(tmp);
}

static void
test_json_golden(void **state)
{
    run_cases(FALSE);
}

/* A stopped domain whose 9p share QEMU's user (nobody, tests/data/qemu.conf)
 * can neither reach (its parent is 0700) nor write: doctor --fix --json
 * lists the two ACL changes it made, and nothing is left. */
static void
run_fix_case(gboolean in_german)
{
    g_autofree char *tmp = NULL;
    g_autofree char *share = NULL;
    g_autofree char *node = NULL;
    g_autofree char *node_xml = NULL;
    g_autofree char *uri = NULL;
    g_autofree char *out = NULL;
    g_auto(GStrv) env = NULL;
    g_autoptr(GError) err = NULL;
    const char *const args[] = { "doctor", "fixdom", "--fix", "--json", NULL };
    int status;

    if (getuid() != 0) {
        print_message("skipped: asking the kernel as QEMU's user and setting ACLs needs root\n");
        skip();
    }
    /* /var/tmp: allowed by the built-in host path policy, and keeps ACLs. */
    tmp = g_strdup("/var/tmp/vs-json-XXXXXX");
    assert_non_null(g_mkdtemp_full(tmp, 0700));
    share = g_build_filename(tmp, "share", NULL);
    assert_int_equal(g_mkdir(share, 0700), 0);
    node = g_build_filename(tmp, "node.xml", NULL);
    node_xml = g_strdup_printf(
        "<node><domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>"
        "<name>fixdom</name><memory unit='KiB'>524288</memory>"
        "<os><type arch='x86_64'>hvm</type></os>"
        "<devices><filesystem type='mount' accessmode='squash'>"
        "<source dir='%s'/><target dir='data'/></filesystem></devices>"
        "<test:runstate>5</test:runstate></domain></node>", share);
    g_file_set_contents(node, node_xml, -1, &err);
    assert_no_gerror(err);
    uri = g_strdup_printf("test://%s", node);
    env = base_env(tmp);
    if (in_german)
        env = german_env(env);

    out = run_vs(env, uri, &status, args);
    assert_int_equal(status, 0);
    check_document(out);
    if (!in_german || !regenerate())
        check_golden("doctor-fix", out, tmp);
    vs_test_rmtree(tmp);
}

static void
test_json_fix(void **state)
{
    run_fix_case(FALSE);
}

/* Build the German catalogue from po/de.po and, when the system lacks it,
 * the de_DE.UTF-8 locale; then check that the program really speaks German
 * with them (else the comparison below would prove nothing). */
static int
german_setup(void **state)
{
    g_autofree char *msgfmt = g_find_program_in_path("msgfmt");
    g_autofree char *localedef = g_find_program_in_path("localedef");
    g_autofree char *lc_dir = NULL;
    g_autofree char *mo = NULL;
    g_autofree char *out = NULL;
    g_auto(GStrv) env = NULL;
    g_autofree char *suppressions = NULL;
    const char *const args[] = { "status", "stopped", NULL };
    int status;

    german.dir = vs_test_tmpdir();
    suppressions = g_build_filename(german.dir, "lsan.supp", NULL);
    g_file_set_contents(suppressions, "leak:__argz_add_sep\nleak:__argz_create_sep\n", -1,
                        NULL);
    german.lsan_options = g_strdup_printf("%s%sprint_suppressions=0:suppressions=%s",
                                          g_getenv("LSAN_OPTIONS") ? g_getenv("LSAN_OPTIONS") : "",
                                          g_getenv("LSAN_OPTIONS") ? ":" : "", suppressions);
    german.localedir = g_build_filename(german.dir, "locale", NULL);
    lc_dir = g_build_filename(german.localedir, "de", "LC_MESSAGES", NULL);
    mo = g_build_filename(lc_dir, GETTEXT_PACKAGE ".mo", NULL);
    if (!msgfmt) {
        german.why_not = g_strdup("no msgfmt to build the German catalogue");
        return 0;
    }
    g_mkdir_with_parents(lc_dir, 0755);
    if (!g_spawn_sync(NULL, (char *[]){ msgfmt, (char *)"-o", mo, (char *)PO_DIR "/de.po", NULL },
                      NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, NULL) ||
        !g_spawn_check_wait_status(status, NULL)) {
        german.why_not = g_strdup("msgfmt failed on po/de.po");
        return 0;
    }
    env = g_environ_setenv(g_get_environ(), "LC_ALL", "de_DE.UTF-8", TRUE);
    if (!g_spawn_sync(NULL, (char *[]){ (char *)"locale", NULL }, env,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, NULL, &out, &status, NULL) ||
        strstr(out ? out : "", "Cannot set")) {
        g_autofree char *target = NULL;

        german.locpath = g_build_filename(german.dir, "locales", NULL);
        target = g_build_filename(german.locpath, "de_DE.UTF-8", NULL);
        g_mkdir_with_parents(german.locpath, 0755);
        if (!localedef ||
            !g_spawn_sync(NULL, (char *[]){ localedef, (char *)"-i", (char *)"de_DE",
                                            (char *)"-f", (char *)"UTF-8", target, NULL },
                          NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                          NULL, NULL, NULL, NULL, &status, NULL) ||
            !g_file_test(target, G_FILE_TEST_IS_DIR)) {
            german.why_not = g_strdup("no de_DE.UTF-8 locale and localedef cannot make one");
            return 0;
        }
    }
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&env, g_strfreev);
    env = german_env(base_env(german.dir));
    out = run_vs(env, VS_TEST_NODE_URI, &status, args);
    /* "Domain stopped: shut off" in German: */
    if (!strstr(out, "ausgeschaltet")) {
        print_error("the German catalogue is not in use: '%s'\n", out);
        return -1;
    }
    german.ready = TRUE;
    return 0;
}

static int
german_teardown(void **state)
{
    vs_test_rmtree(german.dir);
    g_free(german.dir);
    g_free(german.localedir);
    g_free(german.locpath);
    g_free(german.why_not);
    g_free(german.lsan_options);
    return 0;
}

static void
test_json_german(void **state)
{
    if (!german.ready) {
        print_message("skipped: %s\n", german.why_not);
        skip();
    }
    run_cases(TRUE);
}

static void
test_json_fix_german(void **state)
{
    if (!german.ready) {
        print_message("skipped: %s\n", german.why_not);
        skip();
    }
    run_fix_case(TRUE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_golden),
        cmocka_unit_test(test_json_fix),
        cmocka_unit_test(test_json_german),
        cmocka_unit_test(test_json_fix_german),
    };

    return cmocka_run_group_tests(tests, german_setup, german_teardown);
}
