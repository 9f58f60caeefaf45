/* test-golden.c: golden-file tests of the pure XML layer (vs-domxml.h).
 *
 * Every tests/data/NAME.args is one case:
 *   NAME.in.xml   a domain as 'virsh dumpxml --inactive' prints it
 *   NAME.args     a GKeyFile with one group:
 *                   [add]    source, tag, driver (9p|virtiofs), mode (optional:
 *                            the driver's default), readonly (true|false)
 *                   [remove] source or tag
 *                 and, for a case that must fail, a group
 *                   [expect] error=INVALID|NOT_FOUND|EXISTS|UNSUPPORTED|...
 *   NAME.out.xml  vs_xml_doc_to_string of the edited document (not for
 *                 error cases: there the document must not change at all).
 * add = vs_xml_parse, [virtiofs: vs_domxml_ensure_shared_memory],
 * vs_domxml_add_share, vs_xml_doc_to_string; remove = vs_domxml_remove_share.
 *
 * Adding a case needs no code.  VS_TEST_REGENERATE=1 writes the .out.xml
 * files instead of comparing: review every regenerated file by eye, they are
 * the specification.
 */
#include <config.h>

#include "vs-test-util.h"

#include "vs-domxml.h"
#include "vs-error.h"
#include "vs-share.h"
#include "vs-xml.h"

typedef struct {
    char *name;
    char *args_path;
    char *in_path;
    char *out_path;
} GoldenCase;

static void
golden_case_free(GoldenCase *gc)
{
    g_free(gc->name);
    g_free(gc->args_path);
    g_free(gc->in_path);
    g_free(gc->out_path);
    g_free(gc);
}

static gboolean
regenerate(void)
{
    return g_strcmp0(g_getenv("VS_TEST_REGENERATE"), "1") == 0;
}

/* The error code named in [expect] error=NAME, or -1 for a case that succeeds. */
static int
expected_error(GKeyFile *kf)
{
    g_autofree char *name = g_key_file_get_string(kf, "expect", "error", NULL);
    g_autofree char *full = NULL;

    if (!name)
        return -1;
    full = g_strconcat("VS_ERROR_", name, NULL);
    for (int code = VS_ERROR_INVALID; code <= VS_ERROR_TIMEOUT; code++) {
        if (strcmp(vs_test_error_name(code), full) == 0)
            return code;
    }
    print_error("unknown error name '%s' in [expect]\n", name);
    fail();
    return -1;
}

static VsShare *
share_from_args(GKeyFile *kf)
{
    g_autoptr(VsShare) share = vs_share_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *driver = g_key_file_get_string(kf, "add", "driver", &err);
    g_autofree char *mode = NULL;

    assert_no_gerror(err);
    assert_true(vs_driver_parse(driver, &share->driver, &err));
    assert_no_gerror(err);
    /* auto is resolved by the plan, never by the XML layer. */
    assert_int_not_equal(share->driver, VS_DRIVER_AUTO);
    mode = g_key_file_get_string(kf, "add", "mode", NULL);
    if (mode)
        assert_true(vs_mode_parse(mode, &share->mode, &err));
    else
        share->mode = vs_mode_default_for(share->driver);
    assert_no_gerror(err);

    share->source = g_key_file_get_string(kf, "add", "source", &err);
    assert_no_gerror(err);
    share->tag = g_key_file_get_string(kf, "add", "tag", &err);
    assert_no_gerror(err);
    share->readonly = g_key_file_get_boolean(kf, "add", "readonly", NULL);
    return g_steal_pointer(&share);
}

/* Run one library call on @doc.  On failure the document must be exactly as
 * it was before the call, and the error must be the expected one. */
typedef gboolean (*DocStep)(xmlDoc *doc, gpointer data, GError **error);

static gboolean
run_step(xmlDoc *doc, DocStep step, gpointer data, int want_error)
{
    g_autofree char *before = vs_xml_doc_to_string(doc);
    g_autoptr(GError) err = NULL;
    g_autofree char *after = NULL;

    if (step(doc, data, &err))
        return TRUE;
    if (want_error < 0)
        assert_no_gerror(err);
    assert_vs_error(err, want_error);
    assert_true(err->message && *err->message);
    after = vs_xml_doc_to_string(doc);
    assert_text_equal(before, after, "document after a failed call");
    return FALSE;
}

static gboolean
step_ensure_shared_memory(xmlDoc *doc, gpointer data, GError **error)
{
    gboolean changed = 99;
    gboolean had = vs_domxml_has_shared_memory(doc);
    gboolean ok = vs_domxml_ensure_shared_memory(doc, &changed, error);

    if (ok) {
        /* changed tells the truth, and the result has shared memory. */
        assert_int_equal(!!changed, !had);
        assert_true(vs_domxml_has_shared_memory(doc));
    }
    return ok;
}

static gboolean
step_add_share(xmlDoc *doc, gpointer data, GError **error)
{
    return vs_domxml_add_share(doc, data, error);
}

static gboolean
step_remove_share(xmlDoc *doc, gpointer data, GError **error)
{
    GKeyFile *kf = data;
    g_autofree char *source = g_key_file_get_string(kf, "remove", "source", NULL);
    g_autofree char *tag = g_key_file_get_string(kf, "remove", "tag", NULL);

    assert_true(source || tag);
    return vs_domxml_remove_share(doc, source, tag, error);
}

static VsShare *
find_share(GPtrArray *shares, const char *source, const char *tag)
{
    for (guint i = 0; i < shares->len; i++) {
        VsShare *s = g_ptr_array_index(shares, i);
        if ((source && g_strcmp0(s->source, source) == 0) || (tag && g_strcmp0(s->tag, tag) == 0))
            return s;
    }
    return NULL;
}

static xmlDoc *
parse_or_fail(const char *xml, const char *what)
{
    g_autoptr(GError) err = NULL;
    xmlDoc *doc = vs_xml_parse(xml, what, &err);

    assert_no_gerror(err);
    assert_non_null(doc);
    return doc;
}

/* The added share reads back from the output text exactly as it was asked for
 * (source byte for byte: escaping must round-trip). */
static void
check_added(const char *out, const VsShare *want, guint shares_before)
{
    g_autoptr(xmlDoc) doc = parse_or_fail(out, "output");
    g_autoptr(GPtrArray) shares = vs_domxml_shares(doc);
    VsShare *got = find_share(shares, NULL, want->tag);

    assert_int_equal(shares->len, shares_before + 1);
    assert_non_null(got);
    if (strcmp(got->source, want->source) != 0)
        print_error("source does not round-trip:\n  want [%s]\n  got  [%s]\n", want->source,
                    got->source);
    assert_string_equal(got->source, want->source);
    assert_string_equal(got->tag, want->tag);
    assert_int_equal(got->driver, want->driver);
    assert_int_equal(got->mode, want->mode);
    assert_int_equal(!!got->readonly, !!want->readonly);
    assert_non_null(vs_domxml_find_fs(doc, want->source, NULL));
    if (want->driver == VS_DRIVER_VIRTIOFS)
        assert_true(vs_domxml_has_shared_memory(doc));
}

static void
check_removed(const char *out, GKeyFile *kf, guint shares_before)
{
    g_autoptr(xmlDoc) doc = parse_or_fail(out, "output");
    g_autoptr(GPtrArray) shares = vs_domxml_shares(doc);
    g_autofree char *source = g_key_file_get_string(kf, "remove", "source", NULL);
    g_autofree char *tag = g_key_file_get_string(kf, "remove", "tag", NULL);

    assert_int_equal(shares->len + 1, shares_before);
    assert_null(find_share(shares, source, tag));
    assert_null(vs_domxml_find_fs(doc, source, tag));
}

static void
compare_or_write(const GoldenCase *gc, const char *out)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *expected = NULL;
    g_autoptr(xmlDoc) reparsed = NULL;
    g_autofree char *again = NULL;

    if (regenerate()) {
        assert_true(g_file_set_contents(gc->out_path, out, -1, &err));
        assert_no_gerror(err);
        print_message("[ REGEN    ] wrote %s: review it\n", gc->out_path);
        return;
    }
    if (!g_file_test(gc->out_path, G_FILE_TEST_EXISTS)) {
        print_error("%s is missing (run with VS_TEST_REGENERATE=1 and review it)\n",
                    gc->out_path);
        fail();
    }
    expected = vs_test_read_file(gc->out_path);
    assert_text_equal(expected, out, gc->out_path);

    /* The golden output is stable: parsing and serialising it changes nothing. */
    reparsed = parse_or_fail(out, "output");
    again = vs_xml_doc_to_string(reparsed);
    assert_text_equal(out, again, "re-serialised output");
}

static void
test_golden_case(void **state)
{
    const GoldenCase *gc = *state;
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *in = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(GPtrArray) before = NULL;
    g_autofree char *out = NULL;
    int want_error;
    gboolean ok;

    assert_true(g_key_file_load_from_file(kf, gc->args_path, G_KEY_FILE_NONE, &err));
    assert_no_gerror(err);
    want_error = expected_error(kf);
    in = vs_test_read_file(gc->in_path);
    doc = parse_or_fail(in, gc->in_path);
    before = vs_domxml_shares(doc);

    if (g_key_file_has_group(kf, "add")) {
        g_autoptr(VsShare) share = share_from_args(kf);

        assert_false(g_key_file_has_group(kf, "remove"));
        ok = share->driver != VS_DRIVER_VIRTIOFS ||
             run_step(doc, step_ensure_shared_memory, NULL, want_error);
        ok = ok && run_step(doc, step_add_share, share, want_error);
        out = vs_xml_doc_to_string(doc);
        if (ok)
            check_added(out, share, before->len);
    } else {
        assert_true(g_key_file_has_group(kf, "remove"));
        ok = run_step(doc, step_remove_share, kf, want_error);
        out = vs_xml_doc_to_string(doc);
        if (ok)
            check_removed(out, kf, before->len);
    }

    if (want_error >= 0) {
        if (ok)
            print_error("expected %s, but the operation succeeded\n",
                        vs_test_error_name(want_error));
        assert_false(ok);
        /* An error case has no .out.xml: the document is its own expectation. */
        assert_false(g_file_test(gc->out_path, G_FILE_TEST_EXISTS));
        return;
    }
    assert_true(ok);
    compare_or_write(gc, out);
}

/* ---- metadata: vs_metadata_format / vs_domxml_metadata_targets ---- */

static GHashTable *
targets_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

/* Put @element into the <metadata> of a domain the way libvirt's
 * virDomainSetMetadata stores it: every element in the namespace @uri with
 * prefix @key, then the whole domain printed and parsed again. */
static xmlDoc *
domain_with_metadata(const char *element, const char *key, const char *uri)
{
    g_autoptr(xmlDoc) edoc = parse_or_fail(element, "metadata element");
    g_autoptr(xmlDoc) doc = parse_or_fail("<domain type='kvm'><name>vm</name>"
                                          "<metadata/><devices/></domain>", "domain");
    xmlNode *metadata = vs_xml_find_one(doc, NULL, "/domain/metadata");
    xmlNode *copy = xmlDocCopyNode(xmlDocGetRootElement(edoc), doc, 1);
    xmlNs *ns = xmlNewNs(copy, BAD_CAST uri, BAD_CAST key);
    g_autoptr(GPtrArray) all = NULL;
    g_autofree char *text = NULL;

    xmlAddChild(metadata, copy);
    all = vs_xml_find(doc, copy, "descendant-or-self::*");
    for (guint i = 0; i < all->len; i++)
        xmlSetNs(g_ptr_array_index(all, i), ns);
    text = vs_xml_doc_to_string(doc);
    return parse_or_fail(text, "domain with metadata");
}

static void
assert_tables_equal(GHashTable *want, GHashTable *got)
{
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, want);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        const char *other = g_hash_table_lookup(got, key);
        if (g_strcmp0(value, other) != 0)
            print_error("tag '%s': want '%s', got '%s'\n", (char *)key, (char *)value,
                        other ? other : "(none)");
        assert_string_equal(value, other ? other : "(none)");
    }
    assert_int_equal(g_hash_table_size(want), g_hash_table_size(got));
}

static void
test_metadata_round_trip(void **state)
{
    g_autoptr(GHashTable) table = targets_new();
    g_autoptr(GHashTable) got = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree char *xml = NULL;

    g_hash_table_insert(table, g_strdup("vs-data-0123abcd"), g_strdup("/mnt/data"));
    g_hash_table_insert(table, g_strdup("music"), g_strdup("/home/user/My Music"));
    g_hash_table_insert(table, g_strdup("odd"), g_strdup("/mnt/a&b<c>d'e\"f"));
    g_hash_table_insert(table, g_strdup("utf8"), g_strdup("/mnt/caf\xc3\xa9"));

    xml = vs_metadata_format(table);
    assert_non_null(xml);
    doc = domain_with_metadata(xml, VS_METADATA_PREFIX, VS_METADATA_NS);
    got = vs_domxml_metadata_targets(doc);
    assert_tables_equal(table, got);
}

static void
test_metadata_libvirt_text(void **state)
{
    /* Exactly as 'virsh dumpxml' prints what virDomainSetMetadata stored. */
    static const char xml[] =
        "<domain type='kvm'>\n"
        "  <name>vm</name>\n"
        "  <metadata>\n"
        "    <libosinfo:libosinfo xmlns:libosinfo=\"http://libosinfo.org/xmlns/libvirt/domain/1.0\">\n"
        "      <libosinfo:os id=\"http://debian.org/debian/12\"/>\n"
        "    </libosinfo:libosinfo>\n"
        "    <virt-share:shares xmlns:virt-share=\"https://virt-share.org/xmlns/virt-share/1\">\n"
        "      <virt-share:share tag=\"data\" target=\"/mnt/data\"/>\n"
        "      <virt-share:share tag=\"x\" target=\"/mnt/a&amp;b\"/>\n"
        "      <virt-share:share tag=\"no-target\"/>\n"
        "    </virt-share:shares>\n"
        "  </metadata>\n"
        "  <devices/>\n"
        "</domain>\n";
    g_autoptr(xmlDoc) doc = parse_or_fail(xml, "domain");
    g_autoptr(GHashTable) got = vs_domxml_metadata_targets(doc);
    g_autoptr(GHashTable) want = targets_new();

    g_hash_table_insert(want, g_strdup("data"), g_strdup("/mnt/data"));
    g_hash_table_insert(want, g_strdup("x"), g_strdup("/mnt/a&b"));
    assert_tables_equal(want, got);
}

static void
test_metadata_other_namespaces(void **state)
{
    /* Same element names, but not our namespace: not ours. */
    static const char xml[] =
        "<domain type='kvm'><name>vm</name><metadata>"
        "<other:shares xmlns:other='https://example.org/xmlns/other/1'>"
        "<other:share tag='a' target='/mnt/a'/></other:shares>"
        "<shares><share tag='b' target='/mnt/b'/></shares>"
        "</metadata><devices/></domain>";
    g_autoptr(xmlDoc) doc = parse_or_fail(xml, "domain");
    g_autoptr(GHashTable) got = vs_domxml_metadata_targets(doc);
    g_autoptr(GHashTable) none = vs_domxml_metadata_targets(NULL);

    assert_int_equal(g_hash_table_size(got), 0);
    assert_non_null(none);
    assert_int_equal(g_hash_table_size(none), 0);
}

static void
test_metadata_format_stable(void **state)
{
    g_autoptr(GHashTable) a = targets_new();
    g_autoptr(GHashTable) b = targets_new();
    g_autoptr(GHashTable) empty = targets_new();
    g_autofree char *xa = NULL;
    g_autofree char *xb = NULL;
    static const char *const tags[] = { "zeta", "alpha", "mid", "beta", NULL };

    for (guint i = 0; tags[i]; i++)
        g_hash_table_insert(a, g_strdup(tags[i]), g_strconcat("/mnt/", tags[i], NULL));
    for (int i = (int)g_strv_length((char **)tags) - 1; i >= 0; i--)
        g_hash_table_insert(b, g_strdup(tags[i]), g_strconcat("/mnt/", tags[i], NULL));
    xa = vs_metadata_format(a);
    xb = vs_metadata_format(b);
    assert_string_equal(xa, xb);
    /* Sorted by tag. */
    assert_true(strstr(xa, "\"alpha\"") < strstr(xa, "\"beta\""));
    assert_true(strstr(xa, "\"mid\"") < strstr(xa, "\"zeta\""));

    assert_null(vs_metadata_format(empty));
    assert_null(vs_metadata_format(NULL));
}

/* ---- the case list ---- */

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static GPtrArray *
load_cases(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) dir = g_dir_open(TEST_DATA_DIR, 0, &err);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *cases = g_ptr_array_new_with_free_func((GDestroyNotify)golden_case_free);
    const char *file;

    if (!dir) {
        fprintf(stderr, "cannot open %s: %s\n", TEST_DATA_DIR, err->message);
        exit(1);
    }
    while ((file = g_dir_read_name(dir))) {
        if (g_str_has_suffix(file, ".args"))
            g_ptr_array_add(names, g_strndup(file, strlen(file) - strlen(".args")));
    }
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        GoldenCase *gc = g_new0(GoldenCase, 1);
        const char *name = g_ptr_array_index(names, i);

        gc->name = g_strdup(name);
        gc->args_path = g_strdup_printf("%s/%s.args", TEST_DATA_DIR, name);
        gc->in_path = g_strdup_printf("%s/%s.in.xml", TEST_DATA_DIR, name);
        gc->out_path = g_strdup_printf("%s/%s.out.xml", TEST_DATA_DIR, name);
        g_ptr_array_add(cases, gc);
    }
    return cases;
}

static GPtrArray *golden_cases;

static void
test_cases_present(void **state)
{
    /* Guard against a glob that finds nothing and passes vacuously. */
    static const char *const required[] = {
        "add-9p-squash", "add-virtiofs-no-memorybacking", "add-special-chars",
        "remove-by-tag", "remove-by-source", "error-duplicate-tag", NULL
    };

    for (guint r = 0; required[r]; r++) {
        gboolean found = FALSE;
        for (guint i = 0; i < golden_cases->len && !found; i++)
            found = strcmp(((GoldenCase *)g_ptr_array_index(golden_cases, i))->name,
                           required[r]) == 0;
        if (!found)
            print_error("case %s not found in %s\n", required[r], TEST_DATA_DIR);
        assert_true(found);
    }
}

int
main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_cases_present),
        cmocka_unit_test(test_metadata_round_trip),
        cmocka_unit_test(test_metadata_libvirt_text),
        cmocka_unit_test(test_metadata_other_namespaces),
        cmocka_unit_test(test_metadata_format_stable),
    };
    g_autofree struct CMUnitTest *tests = NULL;
    guint n = 0;
    int rc;

    golden_cases = load_cases();
    tests = g_new0(struct CMUnitTest, G_N_ELEMENTS(fixed) + golden_cases->len);
    for (guint i = 0; i < G_N_ELEMENTS(fixed); i++)
        tests[n++] = fixed[i];
    for (guint i = 0; i < golden_cases->len; i++) {
        GoldenCase *gc = g_ptr_array_index(golden_cases, i);
        tests[n++] = (struct CMUnitTest) {
            .name = gc->name,
            .test_func = test_golden_case,
            .initial_state = gc,
        };
    }
    rc = _cmocka_run_group_tests("golden", tests, n, NULL, NULL);
    g_ptr_array_unref(golden_cases);
    return rc;
}
