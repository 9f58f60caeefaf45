/* test-golden.c: golden tests of add and remove on the product's own code
 * path, the way libvirt's tests/qemuhotplugtest.c tests hot-plug: domain +
 * request -> what is handed to libvirt.
 *
 * Each case NAME in the list at the bottom is:
 *   NAME.in.xml   a domain, defined into libvirt's test driver (and started,
 *                 or created transient, as NAME.args says), then read back
 *                 with vs_domain_state_load exactly as 'virt-share add' does;
 *   NAME.args     a GKeyFile:
 *                   [domain] state=stopped (default) | running | transient
 *                   [add]    source, target, tag, driver, mode, readonly:
 *                            the options of 'virt-share add'
 *                   [remove] tag or source: the argument of 'virt-share remove'
 *                   [expect] error=INVALID|NOT_FOUND|EXISTS|UNSUPPORTED|...
 *   NAME.out      the plan, the device XML, the definition change
 *                 (memoryBacking) and the metadata that vs_add_prepare /
 *                 vs_remove_prepare produce for vs_ops_*_apply to hand to
 *                 libvirt; error cases have none.
 * "@SCRATCH@" in .in.xml and .args is a fresh scratch directory (add needs
 * real folders: the path policy and the folder checks run as in the product);
 * the output names it "@SCRATCH@" again.
 *
 * Every device produced is also validated against libvirt's own RelaxNG
 * schema (domain.rng), wrapped into the definition it is attached to, and
 * prepare must leave the domain exactly as it was.
 *
 * VS_TEST_REGENERATE_OUTPUT=1 writes the .out files instead of comparing:
 * review every regenerated file by eye, they are the specification.
 */
#include <config.h>

#include <libvirt/libvirt.h>
#include <libxml/relaxng.h>

#include "vs-test-util.h"

#include "vs-conn.h"
#include "vs-domxml.h"
#include "vs-error.h"
#include "vs-add.h"
#include "vs-remove.h"
#include "vs-share.h"
#include "vs-xml.h"

#define SCRATCH "@SCRATCH@"

static char *scratch;               /* the scratch directory of this run */
static xmlRelaxNGPtr domain_schema;

static gboolean
regenerate(void)
{
    return g_strcmp0(g_getenv("VS_TEST_REGENERATE_OUTPUT"), "1") == 0;
}

static char *
replace(const char *text, const char *from, const char *to)
{
    g_autoptr(GString) str = g_string_new(text);

    g_string_replace(str, from, to, 0);
    return g_string_free(g_steal_pointer(&str), FALSE);
}

static char *
data_file(const char *name, const char *suffix)
{
    return g_strdup_printf("%s/%s%s", TEST_DATA_DIR, name, suffix);
}

/* The error code named in [expect] error=NAME, or -1 for a case that succeeds. */
static int
expected_error(GKeyFile *kf)
{
    g_autofree char *name = g_key_file_get_string(kf, "expect", "error", NULL);
    g_autofree char *full = NULL;
    int code;

    if (!name)
        return -1;
    full = g_strconcat("VS_ERROR_", name, NULL);
    code = vs_error_code_from_string(full);
    if (code < 0) {
        print_error("unknown error name '%s' in [expect]\n", name);
        fail();
    }
    return code;
}

static char *
args_string(GKeyFile *kf, const char *group, const char *key)
{
    g_autofree char *raw = g_key_file_get_string(kf, group, key, NULL);

    return raw ? replace(raw, SCRATCH, scratch) : NULL;
}

/* ---- libvirt's schema ---- */

static xmlDoc *
parse_or_fail(const char *xml, const char *what)
{
    g_autoptr(GError) err = NULL;
    xmlDoc *doc = vs_xml_parse(xml, what, &err);

    assert_no_gerror(err);
    assert_non_null(doc);
    return doc;
}

static void
assert_valid_domain(xmlDoc *doc, const char *what)
{
    xmlRelaxNGValidCtxtPtr ctxt = xmlRelaxNGNewValidCtxt(domain_schema);
    int rc = xmlRelaxNGValidateDoc(ctxt, doc);

    xmlRelaxNGFreeValidCtxt(ctxt);
    if (rc != 0) {
        g_autofree char *text = vs_xml_doc_to_string(doc);
        print_error("%s does not validate against libvirt's domain.rng:\n%s\n", what, text);
    }
    assert_int_equal(rc, 0);
}

/* @device inside the <devices> of the domain @domain_xml, as libvirt would
 * have it after the attach, must be a valid domain. */
static void
assert_valid_device_in(const char *domain_xml, const char *device_xml, const char *what)
{
    g_autoptr(xmlDoc) doc = parse_or_fail(domain_xml, what);
    g_autoptr(xmlDoc) dev = parse_or_fail(device_xml, "device");
    xmlNode *devices = vs_xml_find_one(doc, NULL, "/domain/devices");

    assert_non_null(devices);
    xmlAddChild(devices, xmlDocCopyNode(xmlDocGetRootElement(dev), doc, 1));
    assert_valid_domain(doc, what);
}

/* ---- the domain of a case, in the test driver ---- */

typedef struct {
    virConnect *conn;
    virDomain *dom;
} CaseDomain;

static void
case_domain_clear(CaseDomain *cd)
{
    if (cd->dom)
        virDomainFree(cd->dom);
    if (cd->conn)
        virConnectClose(cd->conn);
}

static void
case_domain_start(CaseDomain *cd, GKeyFile *kf, const char *xml)
{
    g_autofree char *how = g_key_file_get_string(kf, "domain", "state", NULL);
    g_autoptr(GError) err = NULL;

    /* A connection of its own: the test driver starts from testnode.xml. */
    cd->conn = vs_conn_open(VS_TEST_NODE_URI, &err);
    assert_no_gerror(err);
    if (g_strcmp0(how, "transient") == 0) {
        cd->dom = virDomainCreateXML(cd->conn, xml, 0);
        assert_non_null(cd->dom);
        return;
    }
    cd->dom = virDomainDefineXML(cd->conn, xml);
    assert_non_null(cd->dom);
    if (g_strcmp0(how, "running") == 0)
        assert_int_equal(virDomainCreate(cd->dom), 0);
    else if (how && strcmp(how, "stopped") != 0)
        fail_msg("unknown [domain] state=%s", how);
}

static char *
get_domain_xml(virDomain *dom, unsigned int flags)
{
    char *raw = virDomainGetXMLDesc(dom, flags | VIR_DOMAIN_XML_SECURE);
    char *xml = g_strdup(raw);

    free(raw);
    return xml;
}

/* ---- the output ---- */

static void
print_metadata(GString *out, const char *which, const VsMetadataChange *m)
{
    if (!m->change)
        g_string_append_printf(out, "%s metadata: unchanged\n", which);
    else if (!m->xml)
        g_string_append_printf(out, "%s metadata: removed\n", which);
    else
        g_string_append_printf(out, "%s metadata:\n%s\n", which, m->xml);
}

static const char *
yes_no(gboolean b)
{
    return b ? "yes" : "no";
}

/* The <memoryBacking> of the new definition; the rest must be unchanged. */
static char *
memory_backing_change(const char *before, const char *after)
{
    g_autoptr(xmlDoc) a = parse_or_fail(before, "definition");
    g_autoptr(xmlDoc) b = parse_or_fail(after, "new definition");
    xmlNode *mb_a = vs_xml_find_one(a, NULL, "/domain/memoryBacking");
    xmlNode *mb_b = vs_xml_find_one(b, NULL, "/domain/memoryBacking");
    g_autofree char *text_a = NULL;
    g_autofree char *text_b = NULL;
    char *mb;

    assert_non_null(mb_b);
    mb = vs_xml_node_to_string(mb_b);
    if (mb_a) {
        xmlUnlinkNode(mb_a);
        xmlFreeNode(mb_a);
    }
    xmlUnlinkNode(mb_b);
    xmlFreeNode(mb_b);
    text_a = vs_xml_doc_to_string(a);
    text_b = vs_xml_doc_to_string(b);
    assert_text_equal(text_a, text_b, "new definition apart from memoryBacking");
    return mb;
}

static char *
describe_add(VsDomainState *state, const VsAddJob *job)
{
    GString *out = g_string_new(NULL);
    const VsPlan *p = &job->plan;

    g_string_append_printf(out, "plan: driver=%s mode=%s config=%s live=%s "
                           "add-shared-memory=%s restart-needed=%s\n",
                           vs_driver_to_string(p->driver), vs_mode_to_string(p->mode),
                           yes_no(p->config), yes_no(p->live), yes_no(p->add_shared_memory),
                           yes_no(p->restart_needed));
    g_string_append_printf(out, "description: %s\n", job->description);
    g_string_append_printf(out, "device:\n%s\n", job->device_xml);
    if (job->define_xml) {
        g_autofree char *mb = memory_backing_change(state->config_xml, job->define_xml);
        g_string_append_printf(out, "new definition, memoryBacking:\n%s\n", mb);
    } else {
        g_string_append(out, "definition: unchanged\n");
    }
    print_metadata(out, "config", &job->config_metadata);
    print_metadata(out, "live", &job->live_metadata);
    return g_string_free(out, FALSE);
}

static char *
describe_remove(const VsRemoveJob *job)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out, "detach: config=%s live=%s restart-needed=%s\n",
                           yes_no(job->flags & VIR_DOMAIN_AFFECT_CONFIG),
                           yes_no(job->flags & VIR_DOMAIN_AFFECT_LIVE),
                           yes_no(job->restart_needed));
    g_string_append_printf(out, "device:\n%s\n", job->device_xml);
    print_metadata(out, "config", &job->config_metadata);
    print_metadata(out, "live", &job->live_metadata);
    return g_string_free(out, FALSE);
}

static void
compare_or_write(const char *path, const char *out)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *expected = NULL;

    if (regenerate()) {
        assert_true(g_file_set_contents(path, out, -1, &err));
        assert_no_gerror(err);
        print_message("[ REGEN    ] wrote %s: review it\n", path);
        return;
    }
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        print_error("%s is missing (run with VS_TEST_REGENERATE_OUTPUT=1 and review it)\n",
                    path);
        fail();
    }
    expected = vs_test_read_file(path);
    assert_text_equal(expected, out, path);
}

/* ---- one case ---- */

static VsAddJob *
run_add(VsDomainState *state, GKeyFile *kf, GError **error)
{
    g_autofree char *source = args_string(kf, "add", "source");
    g_autofree char *target = args_string(kf, "add", "target");
    g_autofree char *tag = args_string(kf, "add", "tag");
    g_autofree char *driver = args_string(kf, "add", "driver");
    g_autofree char *mode = args_string(kf, "add", "mode");
    VsAddOptions opts = { 0 };
    g_autoptr(GError) err = NULL;

    assert_non_null(source);
    /* The folder exists, as for a real add (unless the case is about that). */
    if (!g_key_file_get_boolean(kf, "add", "missing", NULL))
        assert_int_equal(g_mkdir_with_parents(source, 0755), 0);
    opts.source = source;
    opts.target = target;
    opts.tag = tag;
    opts.readonly = g_key_file_get_boolean(kf, "add", "readonly", NULL);
    if (driver)
        assert_true(vs_share_driver_parse(driver, &opts.driver, &err));
    if (mode)
        assert_true(vs_share_mode_parse(mode, &opts.mode, &err));
    assert_no_gerror(err);
    return vs_add_prepare(state, &opts, error);
}

static char *
check_add(VsDomainState *state, const VsAddJob *job)
{
    if (job->define_xml) {
        g_autoptr(xmlDoc) doc = parse_or_fail(job->define_xml, "new definition");
        assert_valid_domain(doc, "new definition");
    }
    if (job->plan.config)
        assert_valid_device_in(job->define_xml ? job->define_xml : state->config_xml,
                               job->device_xml, "the definition with the device");
    if (job->plan.live)
        assert_valid_device_in(state->live_xml, job->device_xml,
                               "the running domain with the device");
    return describe_add(state, job);
}

static void
test_golden_case(void **cstate)
{
    const char *name = *cstate;
    g_autofree char *args_path = data_file(name, ".args");
    g_autofree char *in_path = data_file(name, ".in.xml");
    g_autofree char *out_path = data_file(name, ".out");
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) err = NULL;
    g_autofree char *raw = NULL;
    g_autofree char *in = NULL;
    g_autofree char *before_config = NULL;
    g_autofree char *before_live = NULL;
    g_autofree char *after_config = NULL;
    g_autofree char *after_live = NULL;
    g_autofree char *out = NULL;
    g_autoptr(VsDomainState) state = NULL;
    CaseDomain cd = { 0 };
    int want_error;

    assert_true(g_key_file_load_from_file(kf, args_path, G_KEY_FILE_NONE, &err));
    assert_no_gerror(err);
    want_error = expected_error(kf);
    raw = vs_test_read_file(in_path);
    in = replace(raw, SCRATCH, scratch);
    case_domain_start(&cd, kf, in);
    state = vs_domain_state_load(cd.dom, &err);
    assert_no_gerror(err);
    for (guint i = 0; i < 2; i++) {
        xmlDoc *doc = i == 0 ? state->config_doc : state->live_doc;
        if (doc)
            assert_valid_domain(doc, i == 0 ? "the definition" : "the running domain");
    }
    before_config = get_domain_xml(cd.dom, VIR_DOMAIN_XML_INACTIVE);
    before_live = get_domain_xml(cd.dom, 0);

    if (g_key_file_has_group(kf, "add")) {
        g_autoptr(VsAddJob) job = run_add(state, kf, &err);

        assert_false(g_key_file_has_group(kf, "remove"));
        if (job)
            out = check_add(state, job);
    } else {
        g_autofree char *what = args_string(kf, "remove", "source");
        g_autoptr(VsRemoveJob) job = NULL;

        if (!what)
            what = args_string(kf, "remove", "tag");
        assert_non_null(what);
        job = vs_remove_prepare(state, what, &err);
        if (job)
            out = describe_remove(job);
    }

    /* Preparing changes nothing, whatever the outcome. */
    after_config = get_domain_xml(cd.dom, VIR_DOMAIN_XML_INACTIVE);
    after_live = get_domain_xml(cd.dom, 0);
    assert_text_equal(before_config, after_config, "definition after prepare");
    assert_text_equal(before_live, after_live, "running domain after prepare");
    case_domain_clear(&cd);

    if (want_error >= 0) {
        if (out)
            print_error("expected %s, but prepare succeeded:\n%s\n",
                        vs_test_error_name(want_error), out);
        assert_null(out);
        assert_vs_error(err, want_error);
        assert_true(err->message && *err->message);
        assert_false(g_file_test(out_path, G_FILE_TEST_EXISTS));
        return;
    }
    assert_no_gerror(err);
    assert_non_null(out);
    {
        g_autofree char *normalised = replace(out, scratch, SCRATCH);
        compare_or_write(out_path, normalised);
    }
}

/* ---- metadata: vs_domxml_metadata_format / vs_domxml_mount_records ---- */

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

/* The same records: tag, mount point and automount of each. */
static void
assert_records_equal(GHashTable *want, GHashTable *got)
{
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, want);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        const VsMountRecord *w = value;
        const VsMountRecord *g = g_hash_table_lookup(got, key);
        if (!g || g_strcmp0(w->target, g->target) != 0 || w->automount != g->automount)
            print_error("tag '%s': want '%s' (automount %d), got '%s' (automount %d)\n",
                        (char *)key, w->target, w->automount, g ? g->target : "(none)",
                        g ? g->automount : -1);
        assert_non_null(g);
        assert_string_equal(w->tag, g->tag);
        assert_string_equal(w->target, g->target);
        assert_int_equal(w->automount, g->automount);
    }
    assert_int_equal(g_hash_table_size(want), g_hash_table_size(got));
}

/* Format @table, store it the way libvirt does and read it back: the same
 * records must come out.  Returns the formatted XML, for checks of its own. */
static char *
assert_metadata_round_trip(GHashTable *table)
{
    g_autofree char *xml = vs_domxml_metadata_format(table);
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(GHashTable) got = NULL;

    assert_non_null(xml);
    doc = domain_with_metadata(xml, VS_METADATA_PREFIX, VS_METADATA_NS);
    got = vs_domxml_mount_records(doc);
    assert_records_equal(table, got);
    return g_steal_pointer(&xml);
}

static void
test_metadata_round_trip(void **state)
{
    g_autoptr(GHashTable) table = vs_domxml_mount_records_new();

    vs_domxml_mount_records_set(table, "vs-data-0123abcd", "/mnt/data", TRUE);
    vs_domxml_mount_records_set(table, "music", "/home/user/My Music", TRUE);
    vs_domxml_mount_records_set(table, "odd", "/mnt/a&b<c>d'e\"f", FALSE);
    vs_domxml_mount_records_set(table, "utf8", "/mnt/caf\xc3\xa9", TRUE);
    g_free(assert_metadata_round_trip(table));
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
        "      <virt-share:share tag=\"off\" target=\"/mnt/off\" automount=\"no\"/>\n"
        "      <virt-share:share tag=\"other\" target=\"/mnt/other\" automount=\"yes\"/>\n"
        "      <virt-share:share tag=\"off-no-target\" automount=\"no\"/>\n"
        "    </virt-share:shares>\n"
        "  </metadata>\n"
        "  <devices/>\n"
        "</domain>\n";
    g_autoptr(xmlDoc) doc = parse_or_fail(xml, "domain");
    g_autoptr(GHashTable) got = vs_domxml_mount_records(doc);
    g_autoptr(GHashTable) want = vs_domxml_mount_records_new();

    vs_domxml_mount_records_set(want, "data", "/mnt/data", TRUE);
    vs_domxml_mount_records_set(want, "x", "/mnt/a&b", TRUE);
    /* Only "no" turns automount off; a record without a mount point is none. */
    vs_domxml_mount_records_set(want, "off", "/mnt/off", FALSE);
    vs_domxml_mount_records_set(want, "other", "/mnt/other", TRUE);
    assert_records_equal(want, got);
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
    g_autoptr(GHashTable) got = vs_domxml_mount_records(doc);
    g_autoptr(GHashTable) none = vs_domxml_mount_records(NULL);

    assert_int_equal(g_hash_table_size(got), 0);
    assert_non_null(none);
    assert_int_equal(g_hash_table_size(none), 0);
}

/* The automount="no" marks of umount survive formatting and parsing, and a
 * record without the mark (older virt-share, or mount) is automounted. */
static void
test_metadata_manual(void **state)
{
    g_autoptr(GHashTable) table = vs_domxml_mount_records_new();
    g_autofree char *xml = NULL;

    vs_domxml_mount_records_set(table, "auto", "/mnt/auto", TRUE);
    vs_domxml_mount_records_set(table, "off", "/mnt/off", FALSE);
    xml = assert_metadata_round_trip(table);
    assert_non_null(strstr(xml, "target=\"/mnt/off\" automount=\"no\""));
    assert_null(strstr(xml, "target=\"/mnt/auto\" automount"));
}

/* Only type='mount' filesystems (the default when type is absent) are
 * shares: a 'file', 'block', 'ram', 'bind', 'template' or 'mtp' device
 * with the same source or target dir is never what add refuses, remove
 * detaches or the tag list holds. */
static void
test_non_mount_filesystems(void **state)
{
    static const char *const types[] = { "file", "block", "ram", "bind", "template",
                                          "mtp" };

    for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
        g_autofree char *xml = g_strdup_printf(
            "<domain><devices>"
            "<filesystem type='%s'><source dir='/srv/other' file='/i.img' dev='/dev/sda'"
            " name='t' usage='1024'/><target dir='data'/></filesystem>"
            "<filesystem accessmode='mapped'><source dir='/srv/data'/>"
            "<target dir='data'/></filesystem>"
            "<filesystem type='%s'><source dir='/srv/other'/><target dir='other'/>"
            "</filesystem>"
            "</devices></domain>", types[i], types[i]);
        g_autoptr(xmlDoc) doc = vs_xml_parse(xml, "domain", NULL);
        g_autoptr(GPtrArray) shares = NULL;
        g_autoptr(GHashTable) tags = NULL;
        g_autoptr(VsShare) other = vs_share_new();
        xmlNode *fs;
        g_autofree char *src = NULL;

        assert_non_null(doc);
        shares = vs_domxml_shares(doc);
        assert_int_equal(shares->len, 1);
        fs = vs_domxml_find_fs(doc, NULL, "data");
        assert_non_null(fs);
        src = vs_xml_prop(vs_xml_child(fs, "source"), "dir");
        assert_string_equal(src, "/srv/data");
        assert_null(vs_domxml_find_fs(doc, NULL, "other"));
        assert_null(vs_domxml_find_fs(doc, "/srv/other", NULL));
        tags = vs_domxml_tags(doc);
        assert_true(g_hash_table_contains(tags, "data"));
        assert_false(g_hash_table_contains(tags, "other"));
        other->source = g_strdup("/srv/other");
        other->tag = g_strdup("other");
        assert_true(vs_domxml_check_unique(doc, other, NULL));
    }
}

static void
test_metadata_format_stable(void **state)
{
    g_autoptr(GHashTable) a = vs_domxml_mount_records_new();
    g_autoptr(GHashTable) b = vs_domxml_mount_records_new();
    g_autoptr(GHashTable) empty = vs_domxml_mount_records_new();
    g_autofree char *xa = NULL;
    g_autofree char *xb = NULL;
    static const char *const tags[] = { "zeta", "alpha", "mid", "beta", NULL };

    for (guint i = 0; tags[i]; i++)
        vs_domxml_mount_records_set(a, tags[i], tags[i], i % 2);
    for (int i = (int)g_strv_length((char **)tags) - 1; i >= 0; i--)
        vs_domxml_mount_records_set(b, tags[i], tags[i], i % 2);
    xa = vs_domxml_metadata_format(a);
    xb = vs_domxml_metadata_format(b);
    assert_string_equal(xa, xb);
    /* Sorted by tag. */
    assert_true(strstr(xa, "\"alpha\"") < strstr(xa, "\"beta\""));
    assert_true(strstr(xa, "\"mid\"") < strstr(xa, "\"zeta\""));

    assert_null(vs_domxml_metadata_format(empty));
    assert_null(vs_domxml_metadata_format(NULL));
}

/* ---- the case list ---- */

static const char *const golden_cases[] = {
    "add-9p-default-mode",
    "add-9p-mapped",
    "add-9p-passthrough",
    "add-9p-readonly",
    "add-9p-squash",
    "add-9p-running",
    "add-after-filesystems",
    "add-auto-running",
    "add-disks-only",
    "add-empty-devices",
    "add-special-chars",
    "add-target",
    "add-virtiofs-hugepages",
    "add-virtiofs-no-memorybacking",
    "add-virtiofs-numa-shared",
    "add-virtiofs-running",
    "add-virtiofs-shared-memfd",
    "error-9p-transient",
    "error-duplicate-source",
    "error-duplicate-source-virtiofs",
    "error-duplicate-tag",
    "error-missing-folder",
    "error-remove-unknown-source",
    "error-remove-unknown-tag",
    "error-virtiofs-private-memory",
    "error-virtiofs-readonly",
    "remove-9p-running",
    "remove-by-source",
    "remove-by-tag",
    "remove-virtiofs-running",
};

/* Every NAME.args in the data directory is in the list: a case cannot be
 * forgotten (and pass by not running). */
static void
test_cases_listed(void **state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GDir) dir = g_dir_open(TEST_DATA_DIR, 0, &err);
    const char *file;

    assert_no_gerror(err);
    while ((file = g_dir_read_name(dir))) {
        g_autofree char *name = NULL;
        gboolean listed = FALSE;

        if (!g_str_has_suffix(file, ".args"))
            continue;
        name = g_strndup(file, strlen(file) - strlen(".args"));
        for (guint i = 0; i < G_N_ELEMENTS(golden_cases) && !listed; i++)
            listed = strcmp(golden_cases[i], name) == 0;
        if (!listed)
            print_error("%s is not in the case list of test-golden.c\n", file);
        assert_true(listed);
    }
}

static int
golden_setup(void **state)
{
    xmlRelaxNGParserCtxtPtr parser = xmlRelaxNGNewParserCtxt(LIBVIRT_SCHEMA_DIR "/domain.rng");

    domain_schema = xmlRelaxNGParse(parser);
    xmlRelaxNGFreeParserCtxt(parser);
    if (!domain_schema) {
        fprintf(stderr, "cannot load %s\n", LIBVIRT_SCHEMA_DIR "/domain.rng");
        return -1;
    }
    scratch = vs_test_tmpdir();
    return 0;
}

static int
golden_teardown(void **state)
{
    vs_test_rmtree(scratch);
    g_clear_pointer(&scratch, g_free);
    xmlRelaxNGFree(domain_schema);
    return 0;
}

int
main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_cases_listed),
        cmocka_unit_test(test_metadata_round_trip),
        cmocka_unit_test(test_metadata_libvirt_text),
        cmocka_unit_test(test_metadata_other_namespaces),
        cmocka_unit_test(test_metadata_format_stable),
        cmocka_unit_test(test_metadata_manual),
        cmocka_unit_test(test_non_mount_filesystems),
    };
    struct CMUnitTest tests[G_N_ELEMENTS(fixed) + G_N_ELEMENTS(golden_cases)];
    guint n = 0;

    for (guint i = 0; i < G_N_ELEMENTS(fixed); i++)
        tests[n++] = fixed[i];
    for (guint i = 0; i < G_N_ELEMENTS(golden_cases); i++) {
        tests[n++] = (struct CMUnitTest) {
            .name = golden_cases[i],
            .test_func = test_golden_case,
            .initial_state = (void *)golden_cases[i],
        };
    }
    vs_conn_init();
    return _cmocka_run_group_tests("golden", tests, n, golden_setup, golden_teardown);
}
