/* test-driver.c: the libvirt layer (vs-conn.h, vs-domain.h, vs-add.h,
 * vs-remove.h, vs-metadata.h) through the real libvirt API, against
 * libvirt's test driver loaded with tests/data/testnode.xml.
 *
 * Each test opens its own connection: the test driver keeps its state per
 * connection, so every test starts from testnode.xml and whatever a test
 * changes is visible only through its own virConnect.
 *
 * NOT covered here (the test driver has no virDomainAttachDeviceFlags /
 * virDomainDetachDeviceFlags: "this function is not supported by the
 * connection driver", nor a guest agent), so covered by the end-to-end lab
 * (make check-e2e, tests/e2e/run.sh) instead:
 *  - a successful vs_add_apply (attach to the definition and/or live,
 *    metadata recorded after the attach) and vs_remove_apply (detach,
 *    metadata dropped);
 *  - the rollback of a live attach (detach again) and of a failure after a
 *    successful attach (metadata step, guest mount);
 *  - everything in vs-run.c / vs-agent.c / vs-guest.c / vs-status.c that talks
 *    to the guest (agent, mount, restart, mount state);
 *  - the domain capabilities facts of the plan (no 9p / virtiofs / memfd):
 *    the test driver has no virConnectGetDomainCapabilities, so the facts
 *    stay "supported" here; the rules themselves are in test-plan.c.
 * What IS covered of apply: the failure path of vs_add_apply, whose
 * attach fails here for real, including the rollback of the memoryBacking it
 * defined first; and that a failed vs_remove_apply changes nothing.
 * The nosuid,nodev step (vs-harden.h) is planned here with the state's URI
 * set to qemu:///system (the mount itself: tests/test-harden.c).
 */
#include <config.h>

#include <libvirt/libvirt.h>

#include "vs-domain.h"
#include "vs-test-util.h"

#include "vs-config.h"
#include "vs-conn.h"
#include "vs-domxml.h"
#include "vs-agent.h"
#include "vs-error.h"
#include "vs-add.h"
#include "vs-remove.h"
#include "vs-run.h"
#include "vs-tag.h"
#include "vs-xml.h"

#define RUNNING_UUID "4a3e5c1f-2b7d-4e8a-9c60-1d2f3a4b5c6d"
#define STOPPED_UUID "9b8c7d6e-5f40-4132-a1b2-c3d4e5f60718"
#define SHARED_DIR "/usr/share"     /* source of the 'docs' share in testnode.xml */

typedef struct {
    virConnect *conn;
    virDomain *running;
    virDomain *stopped;
    char *tmp;                      /* a scratch directory */
    int defined_events;             /* VIR_DOMAIN_EVENT_DEFINED seen */
    int callback_id;
} Fixture;

/* ---- events: count the definitions the code under test makes ---- */

static void
event_loop_init(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        /* Must come before the first connection for events to be delivered. */
        assert_int_equal(virEventRegisterDefaultImpl(), 0);
        g_once_init_leave(&done, 1);
    }
}

static int
on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    Fixture *fx = opaque;

    if (event == VIR_DOMAIN_EVENT_DEFINED)
        fx->defined_events++;
    return 0;
}

static void
on_timeout(int timer, void *opaque)
{
    *(gboolean *)opaque = TRUE;
}

/* Dispatch the events queued so far (the driver queues them with a 0 ms timer). */
static void
flush_events(void)
{
    gboolean fired = FALSE;
    int timer = virEventAddTimeout(50, on_timeout, &fired, NULL);

    assert_true(timer >= 0);
    while (!fired)
        assert_int_equal(virEventRunDefaultImpl(), 0);
    virEventRemoveTimeout(timer);
}

/* ---- fixture ---- */

static virDomain *
lookup_or_fail(virConnect *conn, const char *name)
{
    g_autoptr(GError) err = NULL;
    virDomain *dom = vs_domain_lookup(conn, name, &err);

    assert_no_gerror(err);
    assert_non_null(dom);
    return dom;
}

static int
setup(void **state)
{
    g_autoptr(GError) err = NULL;
    Fixture *fx = g_new0(Fixture, 1);

    event_loop_init();
    fx->conn = vs_conn_open(VS_TEST_NODE_URI, &err);
    assert_no_gerror(err);
    assert_non_null(fx->conn);
    fx->running = lookup_or_fail(fx->conn, "running");
    fx->stopped = lookup_or_fail(fx->conn, "stopped");
    fx->tmp = vs_test_tmpdir();
    fx->callback_id = virConnectDomainEventRegisterAny(fx->conn, NULL,
                                                       VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                       VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle),
                                                       fx, NULL);
    assert_true(fx->callback_id >= 0);
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *fx = *state;

    virConnectDomainEventDeregisterAny(fx->conn, fx->callback_id);
    vs_test_rmtree(fx->tmp);
    g_free(fx->tmp);
    virDomainFree(fx->running);
    virDomainFree(fx->stopped);
    virConnectClose(fx->conn);
    g_free(fx);
    return 0;
}

static char *
inactive_xml(virDomain *dom)
{
    char *raw = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
    char *xml;

    assert_non_null(raw);
    xml = g_strdup(raw);
    free(raw);
    return xml;
}

static char *
live_xml(virDomain *dom)
{
    char *raw = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_SECURE);
    char *xml;

    assert_non_null(raw);
    xml = g_strdup(raw);
    free(raw);
    return xml;
}

static VsDomainState *
load_state(virDomain *dom)
{
    g_autoptr(GError) err = NULL;
    VsDomainState *state = vs_domain_state_load(dom, &err);

    assert_no_gerror(err);
    assert_non_null(state);
    return state;
}

static char *
make_dir(Fixture *fx, const char *name)
{
    char *dir = g_build_filename(fx->tmp, name, NULL);

    assert_int_equal(g_mkdir(dir, 0755), 0);
    return dir;
}

/* ---- look-up ---- */

static void
assert_lookup_finds(virConnect *conn, const char *what, const char *want_name)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomain) dom = vs_domain_lookup(conn, what, &err);

    assert_no_gerror(err);
    assert_non_null(dom);
    assert_string_equal(virDomainGetName(dom), want_name);
}

static void
assert_lookup_fails(virConnect *conn, const char *what, int code)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomain) dom = vs_domain_lookup(conn, what, &err);

    assert_null(dom);
    assert_vs_error(err, code);
    if (what && *what)
        assert_non_null(strstr(err->message, what));
}

static void
test_lookup(void **state)
{
    Fixture *fx = *state;
    g_autofree char *id = g_strdup_printf("%u", virDomainGetID(fx->running));

    assert_true(virDomainGetID(fx->running) != (unsigned int)-1);
    assert_lookup_finds(fx->conn, "running", "running");
    assert_lookup_finds(fx->conn, "stopped", "stopped");
    assert_lookup_finds(fx->conn, RUNNING_UUID, "running");
    assert_lookup_finds(fx->conn, STOPPED_UUID, "stopped");
    assert_lookup_finds(fx->conn, id, "running");

    assert_lookup_fails(fx->conn, "nosuch", VS_ERROR_NOT_FOUND);
    assert_lookup_fails(fx->conn, "00000000-0000-4000-8000-000000000000", VS_ERROR_NOT_FOUND);
    assert_lookup_fails(fx->conn, "4242", VS_ERROR_NOT_FOUND);
    assert_lookup_fails(fx->conn, "", VS_ERROR_INVALID);
    assert_lookup_fails(fx->conn, NULL, VS_ERROR_INVALID);
}

/* ---- state ---- */

static VsShare *
share_by_tag(GPtrArray *shares, const char *tag)
{
    for (guint i = 0; i < shares->len; i++) {
        VsShare *s = g_ptr_array_index(shares, i);
        if (g_strcmp0(s->tag, tag) == 0)
            return s;
    }
    return NULL;
}

static void
test_state_running(void **state)
{
    Fixture *fx = *state;
    g_autoptr(VsDomainState) st = load_state(fx->running);
    g_autoptr(GPtrArray) shares = vs_domain_state_shares(st);
    VsShare *docs, *fast;

    assert_true(st->running);
    assert_true(st->persistent);
    assert_string_equal(st->name, "running");
    assert_non_null(st->config_xml);
    assert_non_null(st->live_xml);
    assert_non_null(st->config_doc);
    assert_non_null(st->live_doc);

    assert_int_equal(shares->len, 2);
    docs = share_by_tag(shares, "docs");
    fast = share_by_tag(shares, "fast");
    assert_non_null(docs);
    assert_non_null(fast);

    assert_string_equal(docs->domain, "running");
    assert_true(docs->running);
    assert_true(fast->running);
    assert_string_equal(docs->source, SHARED_DIR);
    assert_int_equal(docs->driver, VS_DRIVER_9P);
    assert_int_equal(docs->mode, VS_MODE_SQUASH);
    assert_true(docs->readonly);
    assert_int_equal(docs->where, VS_WHERE_CONFIG | VS_WHERE_LIVE);
    assert_non_null(docs->target);
    assert_string_equal(docs->target, "/mnt/docs");

    assert_string_equal(fast->domain, "running");
    assert_string_equal(fast->source, "/srv/virt-share-test/fast");
    assert_int_equal(fast->driver, VS_DRIVER_VIRTIOFS);
    assert_int_equal(fast->mode, VS_MODE_PASSTHROUGH);
    assert_false(fast->readonly);
    assert_int_equal(fast->where, VS_WHERE_CONFIG | VS_WHERE_LIVE);
    assert_null(fast->target);
}

static void
test_state_stopped(void **state)
{
    Fixture *fx = *state;
    g_autoptr(VsDomainState) st = load_state(fx->stopped);
    g_autoptr(GPtrArray) shares = vs_domain_state_shares(st);

    assert_false(st->running);
    assert_true(st->persistent);
    assert_non_null(st->config_xml);
    assert_null(st->live_xml);
    assert_null(st->live_doc);
    assert_int_equal(shares->len, 0);
    assert_false(vs_domxml_has_shared_memory(st->config_doc));
}

/* A domain that vanished (undefined by someone else) after it was looked up:
 * the kind is in the error code, so callers such as 'list' can skip it
 * without asking libvirt's last error afterwards. */
static void
test_state_domain_gone(void **state)
{
    Fixture *fx = *state;
    g_autoptr(GError) err = NULL;
    g_autoptr(VsDomainState) st = NULL;
    g_autoptr(virDomain) other = NULL;

    assert_int_equal(virDomainUndefine(fx->stopped), 0);
    st = vs_domain_state_load(fx->stopped, &err);
    assert_null(st);
    assert_vs_error(err, VS_ERROR_DOMAIN_GONE);
    /* A later successful libvirt call does not change what was reported. */
    other = lookup_or_fail(fx->conn, "running");
    assert_vs_error(err, VS_ERROR_DOMAIN_GONE);
    assert_int_equal(vs_error_exit_code(err), VS_EXIT_FAILED);
}

/* ---- add: prepare ---- */

typedef struct {
    const char *name;
    const char *source;     /* "%T" is replaced by the scratch directory */
    const char *target;
    const char *tag;
    VsDriver driver;
    VsMode mode;
    int code;
} BadAdd;

static char *
expand(const Fixture *fx, const char *s)
{
    g_autoptr(GString) str = NULL;

    if (!s)
        return NULL;
    str = g_string_new(s);
    g_string_replace(str, "%T", fx->tmp, 0);
    return g_string_free(g_steal_pointer(&str), FALSE);
}

static void
check_bad_add(Fixture *fx, virDomain *dom, const BadAdd *c)
{
    g_autofree char *source = expand(fx, c->source);
    g_autofree char *before = inactive_xml(dom);
    g_autofree char *live_before = virDomainIsActive(dom) ? live_xml(dom) : NULL;
    g_autofree char *after = NULL;
    g_autofree char *live_after = NULL;
    g_autoptr(VsDomainState) st = load_state(dom);
    g_autoptr(GError) err = NULL;
    g_autoptr(VsAddJob) job = NULL;
    /* testnode.xml shares /usr/share, which the built-in policy refuses;
     * these cases are about the domain, so no deny list here (the policy
     * is test-policy.c's). */
    g_autoptr(VsConfig) no_deny = vs_config_new_default();
    VsAddOptions opts = {
        .source = source, .target = c->target, .tag = c->tag,
        .driver = c->driver, .mode = c->mode, .config = no_deny,
    };

    g_strfreev(no_deny->denied_roots);
    no_deny->denied_roots = g_new0(char *, 1);
    job = vs_add_prepare(st, &opts, &err);
    if (job || !err || err->domain != VS_ERROR || err->code != c->code)
        print_error("case '%s' (%s on %s)\n", c->name, source ? source : "(null)",
                    virDomainGetName(dom));
    assert_null(job);
    assert_vs_error(err, c->code);

    after = inactive_xml(dom);
    assert_text_equal(before, after, "inactive XML");
    if (live_before) {
        live_after = live_xml(dom);
        assert_text_equal(live_before, live_after, "live XML");
    }
}

static void
test_add_prepare_bad_input(void **state)
{
    Fixture *fx = *state;
    g_autofree char *ok_dir = make_dir(fx, "ok");
    g_autofree char *file = g_build_filename(fx->tmp, "a-file", NULL);
    g_autofree char *link = g_build_filename(fx->tmp, "link-to-docs", NULL);
    g_autofree char *t32 = g_strnfill(32, 't');
    g_autofree char *t37 = g_strnfill(37, 't');
    const BadAdd cases[] = {
        { "relative path", "relative/dir", NULL, NULL, VS_DRIVER_AUTO, VS_MODE_DEFAULT,
          VS_ERROR_INVALID },
        { "missing dir", "%T/missing", NULL, NULL, VS_DRIVER_AUTO, VS_MODE_DEFAULT,
          VS_ERROR_INVALID },
        { "a regular file", "%T/a-file", NULL, NULL, VS_DRIVER_AUTO, VS_MODE_DEFAULT,
          VS_ERROR_INVALID },
        { "tag too long for 9p", "%T/ok", NULL, t32, VS_DRIVER_9P, VS_MODE_DEFAULT,
          VS_ERROR_INVALID },
        { "tag too long for virtiofs", "%T/ok", NULL, t37, VS_DRIVER_VIRTIOFS,
          VS_MODE_DEFAULT, VS_ERROR_INVALID },
        { "tag with a space", "%T/ok", NULL, "my tag", VS_DRIVER_9P, VS_MODE_DEFAULT,
          VS_ERROR_INVALID },
        { "relative guest path", "%T/ok", "mnt/x", NULL, VS_DRIVER_9P, VS_MODE_DEFAULT,
          VS_ERROR_INVALID },
        { "guest root", "%T/ok", "/", NULL, VS_DRIVER_9P, VS_MODE_DEFAULT, VS_ERROR_INVALID },
        { "duplicate tag", "%T/ok", NULL, "docs", VS_DRIVER_9P, VS_MODE_DEFAULT,
          VS_ERROR_EXISTS },
        { "duplicate tag (virtiofs)", "%T/ok", NULL, "fast", VS_DRIVER_AUTO,
          VS_MODE_DEFAULT, VS_ERROR_EXISTS },
        { "duplicate source", SHARED_DIR, NULL, NULL, VS_DRIVER_9P, VS_MODE_DEFAULT,
          VS_ERROR_EXISTS },
        { "duplicate source, other tag", SHARED_DIR, NULL, "other", VS_DRIVER_AUTO,
          VS_MODE_DEFAULT, VS_ERROR_EXISTS },
        { "duplicate source through a symlink", "%T/link-to-docs", NULL, NULL, VS_DRIVER_9P,
          VS_MODE_DEFAULT, VS_ERROR_EXISTS },
        /* The mount point defaults to the host path: never over the guest's own. */
        { "/tmp as implied mount point", "/tmp", NULL, NULL, VS_DRIVER_9P, VS_MODE_DEFAULT,
          VS_ERROR_POLICY },
        { "/usr/lib as implied mount point", "/usr/lib", NULL, NULL, VS_DRIVER_9P,
          VS_MODE_DEFAULT, VS_ERROR_POLICY },
        { "virtiofs + squash", "%T/ok", NULL, NULL, VS_DRIVER_VIRTIOFS, VS_MODE_SQUASH,
          VS_ERROR_UNSUPPORTED },
        { "virtiofs + mapped", "%T/ok", NULL, NULL, VS_DRIVER_VIRTIOFS, VS_MODE_MAPPED,
          VS_ERROR_UNSUPPORTED },
    };
    g_autoptr(GError) err = NULL;

    assert_true(g_file_set_contents(file, "not a directory", -1, &err));
    assert_int_equal(symlink(SHARED_DIR, link), 0);

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        check_bad_add(fx, fx->running, &cases[i]);
    /* The shut-off domain refuses the same input the same way. */
    for (guint i = 0; i < 8; i++)
        check_bad_add(fx, fx->stopped, &cases[i]);
}

static VsAddJob *
prepare_ok(virDomain *dom, const VsAddOptions *opts)
{
    g_autoptr(VsDomainState) st = load_state(dom);
    g_autoptr(GError) err = NULL;
    VsAddJob *job = vs_add_prepare(st, opts, &err);

    assert_no_gerror(err);
    assert_non_null(job);
    return job;
}

/* An explicit --target may name what the default may not. */
static void
test_add_prepare_system_target(void **state)
{
    Fixture *fx = *state;
    VsAddOptions opts = { .source = "/tmp", .target = "/tmp", .driver = VS_DRIVER_9P };
    g_autoptr(VsAddJob) job = prepare_ok(fx->stopped, &opts);
    g_autoptr(VsAddJob) below = NULL;

    assert_string_equal(job->share->target, "/tmp");
    /* a folder below /tmp (the scratch directory) is the user's */
    opts.source = fx->tmp;
    opts.target = NULL;
    below = prepare_ok(fx->stopped, &opts);
    assert_string_equal(below->share->target, fx->tmp);
}

static void
test_add_prepare_ok(void **state)
{
    Fixture *fx = *state;
    g_autofree char *dir = make_dir(fx, "my dir&more");
    g_autofree char *before = inactive_xml(fx->running);
    g_autofree char *after = NULL;
    VsAddOptions opts = { .source = dir };
    g_autoptr(VsAddJob) live = NULL;
    g_autoptr(VsAddJob) ninep = NULL;
    g_autoptr(VsAddJob) cold_auto = NULL;
    g_autoptr(VsAddJob) cold_virtiofs = NULL;
    g_autoptr(xmlDoc) dev = NULL;
    g_autoptr(VsShare) parsed = NULL;
    g_autoptr(GError) err = NULL;

    /* Running with shared memory and ACPI: auto -> virtiofs, hot-plugged. */
    live = prepare_ok(fx->running, &opts);
    assert_int_equal(live->plan.driver, VS_DRIVER_VIRTIOFS);
    assert_int_equal(live->plan.mode, VS_MODE_PASSTHROUGH);
    assert_true(live->plan.live);
    assert_true(live->plan.config);
    assert_false(live->plan.add_shared_memory);
    assert_false(live->plan.restart_needed);
    assert_true(vs_tag_validate(live->share->tag, VS_DRIVER_9P, NULL));
    assert_string_not_equal(live->share->tag, "docs");
    assert_string_not_equal(live->share->tag, "fast");
    /* The mount point defaults to the host path; source is canonical. */
    assert_true(g_str_has_suffix(live->share->source, "/my dir&more"));
    assert_string_equal(live->share->target, live->share->source);
    assert_non_null(strstr(live->description, "virtiofs"));
    assert_non_null(strstr(live->description, "running"));

    /* The device XML is a <filesystem> that reads back as the share. */
    dev = vs_xml_parse(live->device_xml, "device", &err);
    assert_no_gerror(err);
    parsed = vs_share_from_node(xmlDocGetRootElement(dev));
    assert_non_null(parsed);
    assert_string_equal(parsed->source, live->share->source);
    assert_string_equal(parsed->tag, live->share->tag);
    assert_int_equal(parsed->driver, VS_DRIVER_VIRTIOFS);

    /* 9p on the running domain: definition only, restart needed. */
    opts.driver = VS_DRIVER_9P;
    opts.readonly = TRUE;
    opts.target = "/mnt/x";
    opts.tag = "mytag";
    ninep = prepare_ok(fx->running, &opts);
    assert_int_equal(ninep->plan.mode, VS_MODE_SQUASH);
    assert_false(ninep->plan.live);
    assert_true(ninep->plan.config);
    assert_true(ninep->plan.restart_needed);
    assert_string_equal(ninep->share->tag, "mytag");
    assert_string_equal(ninep->share->target, "/mnt/x");
    assert_true(ninep->share->readonly);
    assert_non_null(strstr(ninep->device_xml, "<readonly/>"));

    /* Shut off without shared memory: auto -> 9p; virtiofs adds shared memory. */
    memset(&opts, 0, sizeof(opts));
    opts.source = dir;
    cold_auto = prepare_ok(fx->stopped, &opts);
    assert_int_equal(cold_auto->plan.driver, VS_DRIVER_9P);
    assert_false(cold_auto->plan.live);
    assert_true(cold_auto->plan.config);
    assert_false(cold_auto->plan.restart_needed);
    opts.driver = VS_DRIVER_VIRTIOFS;
    cold_virtiofs = prepare_ok(fx->stopped, &opts);
    assert_true(cold_virtiofs->plan.add_shared_memory);
    assert_false(cold_virtiofs->plan.live);

    /* prepare changes nothing. */
    after = inactive_xml(fx->running);
    assert_text_equal(before, after, "inactive XML");
}

/* ---- add: apply fails at the attach, and must roll back ---- */

/* Store @table as our metadata, the way vs-metadata.c does. */
static void
set_metadata(virDomain *dom, GHashTable *table, unsigned int flags)
{
    g_autofree char *xml = vs_domxml_metadata_format(table);
    int rc = virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, xml,
                                  xml ? VS_METADATA_PREFIX : NULL, VS_METADATA_NS, flags);

    if (rc < 0)
        print_error("virDomainSetMetadata: %s\n", virGetLastErrorMessage());
    assert_int_equal(rc, 0);
}


static void
check_failed_apply(Fixture *fx, virDomain *dom, VsDriver driver, int want_defines)
{
    g_autofree char *name = g_strdup_printf("%s-%s", virDomainGetName(dom),
                                            vs_driver_to_string(driver));
    g_autofree char *dir = make_dir(fx, name);
    g_autofree char *before = inactive_xml(dom);
    g_autofree char *after = NULL;
    g_autoptr(VsDomainState) st = load_state(dom);
    g_autoptr(VsAddJob) job = NULL;
    g_autoptr(GError) err = NULL;
    VsAddOptions opts = { .source = dir, .driver = driver };
    gboolean ok;

    job = vs_add_prepare(st, &opts, &err);
    assert_no_gerror(err);
    assert_non_null(job);
    assert_int_equal(!!job->plan.add_shared_memory, driver == VS_DRIVER_VIRTIOFS);

    flush_events();
    fx->defined_events = 0;
    ok = vs_add_apply(st, job, &err);
    assert_false(ok);
    assert_vs_error(err, VS_ERROR_LIBVIRT);
    assert_non_null(strstr(err->message, "attach"));
    assert_false(job->did_define);
    assert_false(job->did_attach);
    assert_false(job->did_live_metadata);

    /* For virtiofs, memoryBacking was defined and the definition restored:
     * two definitions, and not a byte of difference. */
    flush_events();
    assert_int_equal(fx->defined_events, want_defines);
    after = inactive_xml(dom);
    assert_text_equal(before, after, "inactive XML after a failed add");
}

static void
test_add_apply_rollback_virtiofs(void **state)
{
    Fixture *fx = *state;

    check_failed_apply(fx, fx->stopped, VS_DRIVER_VIRTIOFS, 2);
}

/* The same on a definition that holds virt-share metadata (stored with
 * virDomainSetMetadata, as apply does): restoring the saved definition must
 * give back the metadata byte for byte too. */
static void
test_add_apply_rollback_with_metadata(void **state)
{
    Fixture *fx = *state;
    g_autoptr(GHashTable) table = vs_domxml_mount_records_new();

    vs_domxml_mount_records_set(table, "earlier", "/mnt/earlier share", TRUE);
    vs_domxml_mount_records_set(table, "other", "/mnt/other", TRUE);
    set_metadata(fx->stopped, table, VIR_DOMAIN_AFFECT_CONFIG);
    check_failed_apply(fx, fx->stopped, VS_DRIVER_VIRTIOFS, 2);
}

/* add then remove on a definition that had no <metadata> at all: forgetting
 * the last recorded mount point leaves the definition exactly as it was,
 * without an empty <metadata/>; one that had metadata of its own
 * keeps it. */
static void
forget_all(virDomain *dom)
{
    g_autoptr(VsDomainState) st = load_state(dom);
    g_autoptr(GError) err = NULL;
    VsMetadataChange drop = { TRUE, NULL };

    assert_true(vs_metadata_apply(st, &drop, VIR_DOMAIN_AFFECT_CONFIG, &err));
    assert_no_gerror(err);
}

static void
test_metadata_forget_leaves_no_trace(void **state)
{
    Fixture *fx = *state;
    g_autoptr(GHashTable) table = vs_domxml_mount_records_new();
    g_autofree char *before = inactive_xml(fx->stopped);
    g_autofree char *after = NULL;
    g_autofree char *own_before = NULL;
    g_autofree char *own_after = NULL;

    assert_null(strstr(before, "<metadata"));
    vs_domxml_mount_records_set(table, "only", "/mnt/only", TRUE);
    set_metadata(fx->stopped, table, VIR_DOMAIN_AFFECT_CONFIG);
    forget_all(fx->stopped);
    after = inactive_xml(fx->stopped);
    assert_text_equal(before, after, "definition after recording and forgetting");

    /* Metadata of someone else stays, with its <metadata> element. */
    assert_int_equal(virDomainSetMetadata(fx->stopped, VIR_DOMAIN_METADATA_ELEMENT, "<x/>",
                                          "other", "https://example.org/other",
                                          VIR_DOMAIN_AFFECT_CONFIG), 0);
    own_before = inactive_xml(fx->stopped);
    set_metadata(fx->stopped, table, VIR_DOMAIN_AFFECT_CONFIG);
    forget_all(fx->stopped);
    own_after = inactive_xml(fx->stopped);
    assert_text_equal(own_before, own_after, "definition with other metadata");
}

/* An undo that fails is reported, step by step, never silent:
 * here the live detach, which the test driver does not support,
 * after an attach to the running domain that "happened". */
static void
test_add_rollback_failure_reported(void **state)
{
    Fixture *fx = *state;
    g_autofree char *dir = make_dir(fx, "undo");
    g_autoptr(VsDomainState) st = load_state(fx->running);
    VsAddOptions opts = { .source = dir, .driver = VS_DRIVER_VIRTIOFS };
    g_autoptr(VsAddJob) job = prepare_ok(fx->running, &opts);
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) first = g_error_new(VS_ERROR, VS_ERROR_GUEST, "mount failed");

    assert_true(job->plan.live);
    job->did_attach = TRUE;
    assert_false(vs_add_rollback(st, job, &err));
    assert_vs_error(err, VS_ERROR_INCOMPLETE);
    assert_non_null(strstr(err->message, job->share->tag));
    assert_non_null(strstr(err->message, "running domain"));
    assert_false(job->did_attach);
    /* the failure and what is left, as one error with exit status 3 */
    vs_error_incomplete(&first, err);
    assert_vs_error(first, VS_ERROR_INCOMPLETE);
    assert_true(g_str_has_prefix(first->message, "mount failed\n"));
    assert_int_equal(vs_error_exit_code(first), VS_EXIT_INCOMPLETE);

    /* nothing done, nothing to undo */
    g_clear_error(&err);
    assert_true(vs_add_rollback(st, job, &err));
    assert_no_gerror(err);
}

static void
test_add_apply_fails_9p(void **state)
{
    Fixture *fx = *state;

    /* Nothing to define before the attach: no definition at all. */
    check_failed_apply(fx, fx->stopped, VS_DRIVER_9P, 0);
    check_failed_apply(fx, fx->running, VS_DRIVER_9P, 0);
}

static void
test_define_is_observable(void **state)
{
    Fixture *fx = *state;
    g_autofree char *before = inactive_xml(fx->stopped);
    g_autoptr(GError) err = NULL;
    g_autoptr(xmlDoc) doc = vs_xml_parse(before, "stopped", &err);
    g_autofree char *edited = NULL;
    g_autofree char *after = NULL;
    gboolean changed = FALSE;
    virDomain *dom;

    /* The premise of the rollback test: on this driver, defining a changed
     * definition shows in the inactive XML and raises one DEFINED event. */
    assert_no_gerror(err);
    assert_true(vs_domxml_ensure_shared_memory(doc, &changed, &err));
    assert_true(changed);
    edited = vs_xml_doc_to_string(doc);
    flush_events();
    fx->defined_events = 0;
    dom = virDomainDefineXML(fx->conn, edited);
    assert_non_null(dom);
    virDomainFree(dom);
    flush_events();
    assert_int_equal(fx->defined_events, 1);
    after = inactive_xml(fx->stopped);
    assert_string_not_equal(before, after);
    assert_non_null(strstr(after, "<access mode='shared'/>"));
}

/* ---- remove ---- */

static void
assert_remove_not_found(virDomain *dom, const char *what)
{
    g_autoptr(VsDomainState) st = load_state(dom);
    g_autoptr(GError) err = NULL;
    g_autoptr(VsRemoveJob) job = vs_remove_prepare(st, what, &err);

    assert_null(job);
    assert_vs_error(err, VS_ERROR_NOT_FOUND);
}

static VsRemoveJob *
remove_prepare_ok(virDomain *dom, const char *what)
{
    g_autoptr(VsDomainState) st = load_state(dom);
    g_autoptr(GError) err = NULL;
    VsRemoveJob *job = vs_remove_prepare(st, what, &err);

    assert_no_gerror(err);
    assert_non_null(job);
    return job;
}

static void
test_remove_prepare(void **state)
{
    Fixture *fx = *state;
    g_autofree char *before = inactive_xml(fx->running);
    g_autofree char *after = NULL;
    g_autofree char *link = g_build_filename(fx->tmp, "docs-link", NULL);
    g_autoptr(VsRemoveJob) by_tag = NULL;
    g_autoptr(VsRemoveJob) by_path = NULL;
    g_autoptr(VsRemoveJob) by_link = NULL;
    g_autoptr(VsRemoveJob) vfs = NULL;

    assert_remove_not_found(fx->running, "nosuch");
    assert_remove_not_found(fx->running, "/nonexistent/dir");
    assert_remove_not_found(fx->running, fx->tmp);
    assert_remove_not_found(fx->stopped, "docs");

    /* 9p on a running domain: from the definition only, gone at the next stop. */
    by_tag = remove_prepare_ok(fx->running, "docs");
    assert_int_equal(by_tag->flags, VIR_DOMAIN_AFFECT_CONFIG);
    assert_true(by_tag->restart_needed);
    assert_string_equal(by_tag->share->tag, "docs");
    assert_string_equal(by_tag->share->source, SHARED_DIR);
    assert_int_equal(by_tag->share->where, VS_WHERE_CONFIG | VS_WHERE_LIVE);
    assert_string_equal(by_tag->share->target, "/mnt/docs");
    assert_non_null(strstr(by_tag->device_xml, "docs"));

    by_path = remove_prepare_ok(fx->running, SHARED_DIR);
    assert_string_equal(by_path->share->tag, "docs");
    assert_int_equal(by_path->flags, VIR_DOMAIN_AFFECT_CONFIG);

    assert_int_equal(symlink(SHARED_DIR, link), 0);
    by_link = remove_prepare_ok(fx->running, link);
    assert_string_equal(by_link->share->tag, "docs");

    /* virtiofs hot-unplugs: both. */
    vfs = remove_prepare_ok(fx->running, "fast");
    assert_int_equal(vfs->flags, VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_AFFECT_LIVE);
    assert_false(vfs->restart_needed);
    assert_int_equal(vfs->share->driver, VS_DRIVER_VIRTIOFS);
    assert_null(vfs->share->target);

    after = inactive_xml(fx->running);
    assert_text_equal(before, after, "inactive XML");
}

static void
check_failed_remove(virDomain *dom, const char *what)
{
    g_autofree char *before = inactive_xml(dom);
    g_autofree char *live_before = live_xml(dom);
    g_autofree char *after = NULL;
    g_autofree char *live_after = NULL;
    g_autoptr(VsDomainState) st = load_state(dom);
    g_autoptr(GError) err = NULL;
    g_autoptr(VsRemoveJob) job = vs_remove_prepare(st, what, &err);

    assert_no_gerror(err);
    assert_non_null(job);
    assert_false(vs_remove_apply(st, job, &err));
    assert_vs_error(err, VS_ERROR_LIBVIRT);
    assert_non_null(strstr(err->message, "detach"));
    /* The detach failed: the metadata must not have been touched either. */
    after = inactive_xml(dom);
    live_after = live_xml(dom);
    assert_text_equal(before, after, "inactive XML");
    assert_text_equal(live_before, live_after, "live XML");
}

static void
test_remove_apply_fails(void **state)
{
    Fixture *fx = *state;

    check_failed_remove(fx->running, "docs");   /* 9p, with a recorded mount point */
    check_failed_remove(fx->running, "fast");   /* virtiofs, config + live */
}

/* ---- metadata ---- */


/* A copy of the share @tag as vs_domain_state_shares reports it (list, status). */
static VsShare *
load_share(virDomain *dom, const char *tag)
{
    g_autoptr(VsDomainState) st = load_state(dom);
    g_autoptr(GPtrArray) shares = vs_domain_state_shares(st);
    VsShare *share = share_by_tag(shares, tag);

    assert_non_null(share);
    return vs_share_copy(share);
}

/* The mount point vs_domain_state_shares reports for @tag (NULL: none). */
static void
assert_target(virDomain *dom, const char *tag, const char *want)
{
    g_autoptr(VsShare) share = load_share(dom, tag);

    if (g_strcmp0(share->target, want) != 0) {
        print_error("share '%s': target '%s', want '%s'\n", tag,
                    share->target ? share->target : "(null)", want ? want : "(null)");
        fail();
    }
}

static void
test_metadata_round_trip(void **state)
{
    Fixture *fx = *state;
    g_autoptr(GHashTable) table = vs_domxml_mount_records_new();
    g_autoptr(GHashTable) config_only = vs_domxml_mount_records_new();
    char *raw;

    vs_domxml_mount_records_set(table, "docs", "/mnt/new docs", TRUE);
    vs_domxml_mount_records_set(table, "fast", "/mnt/fast&'\"<>", TRUE);
    set_metadata(fx->running, table, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG);
    assert_target(fx->running, "docs", "/mnt/new docs");
    assert_target(fx->running, "fast", "/mnt/fast&'\"<>");

    raw = virDomainGetMetadata(fx->running, VIR_DOMAIN_METADATA_ELEMENT, VS_METADATA_NS,
                               VIR_DOMAIN_AFFECT_CONFIG);
    assert_non_null(raw);
    assert_non_null(strstr(raw, "/mnt/new docs"));
    free(raw);

    /* While running, the live record wins over the definition's. */
    vs_domxml_mount_records_set(config_only, "docs", "/mnt/config-only", TRUE);
    set_metadata(fx->running, config_only, VIR_DOMAIN_AFFECT_CONFIG);
    assert_target(fx->running, "docs", "/mnt/new docs");
    {
        g_autoptr(VsDomainState) st = load_state(fx->running);
        g_autoptr(GHashTable) cfg = vs_domxml_mount_records(st->config_doc);
        assert_string_equal(vs_domxml_mount_records_target(cfg, "docs"), "/mnt/config-only");
        assert_null(vs_domxml_mount_records_target(cfg, "fast"));
    }

    /* An empty table removes the element. */
    g_hash_table_remove_all(table);
    set_metadata(fx->running, table, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG);
    assert_target(fx->running, "docs", NULL);
    assert_target(fx->running, "fast", NULL);
}

static void
test_metadata_stopped(void **state)
{
    Fixture *fx = *state;
    g_autoptr(GHashTable) table = vs_domxml_mount_records_new();
    g_autoptr(VsDomainState) st = NULL;
    g_autoptr(GHashTable) got = NULL;

    vs_domxml_mount_records_set(table, "later", "/mnt/later", TRUE);
    set_metadata(fx->stopped, table, VIR_DOMAIN_AFFECT_CONFIG);
    st = load_state(fx->stopped);
    got = vs_domxml_mount_records(st->config_doc);
    assert_int_equal(g_hash_table_size(got), 1);
    assert_string_equal(vs_domxml_mount_records_target(got, "later"), "/mnt/later");
}

/* ---- recording mount points for the watcher (mount, umount) ---- */

/* The tags marked automount="no" in the definition (@config) or running domain. */
static gboolean
is_manual(virDomain *dom, gboolean config, const char *tag)
{
    g_autoptr(VsDomainState) st = load_state(dom);
    g_autoptr(GHashTable) records = vs_domxml_mount_records(config ? st->config_doc
                                                                   : st->live_doc);
    const VsMountRecord *rec = g_hash_table_lookup(records, tag);

    return rec && !rec->automount;
}

/* What list and status show for @tag (VsShare.no_automount, from the record
 * the mount point comes from). */
static gboolean
shown_manual(virDomain *dom, const char *tag)
{
    g_autoptr(VsShare) share = load_share(dom, tag);

    return share->no_automount;
}

/* Record @tag -> @target with @automount on @dom; returns whether anything changed. */
static gboolean
record(virDomain *dom, const char *tag, const char *target, gboolean automount)
{
    g_autoptr(VsDomainState) st = load_state(dom);
    g_autoptr(GHashTable) records = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GError) err = NULL;
    VsRecordJob job;
    gboolean changed;

    g_hash_table_insert(records, (char *)tag, (char *)target);
    vs_metadata_record_prepare(st, records, automount, &job);
    changed = job.config_metadata.change || job.live_metadata.change;
    assert_true(vs_metadata_record_apply(st, &job, &err));
    assert_no_gerror(err);
    vs_metadata_record_clear(&job);
    return changed;
}

static void
test_record_mount_and_umount(void **state)
{
    Fixture *fx = *state;
    g_autofree char *before = NULL;

    /* A share nobody recorded (as virt-manager adds one): mount records it,
     * in the definition and the running domain. */
    assert_target(fx->running, "fast", NULL);
    assert_true(record(fx->running, "fast", "/mnt/fast", TRUE));
    assert_target(fx->running, "fast", "/mnt/fast");
    {
        g_autoptr(VsDomainState) st = load_state(fx->running);
        g_autoptr(GHashTable) cfg = vs_domxml_mount_records(st->config_doc);
        g_autoptr(GHashTable) live = vs_domxml_mount_records(st->live_doc);
        assert_string_equal(vs_domxml_mount_records_target(cfg, "fast"), "/mnt/fast");
        assert_string_equal(vs_domxml_mount_records_target(live, "fast"), "/mnt/fast");
    }
    assert_false(is_manual(fx->running, TRUE, "fast"));
    /* The same again changes nothing (no define, no metadata call). */
    before = inactive_xml(fx->running);
    assert_false(record(fx->running, "fast", "/mnt/fast", TRUE));
    {
        g_autofree char *after = inactive_xml(fx->running);
        assert_text_equal(before, after, "inactive XML");
    }

    /* umount: marked in both, the mount point kept for the next mount. */
    assert_true(record(fx->running, "fast", "/mnt/fast", FALSE));
    assert_true(is_manual(fx->running, TRUE, "fast"));
    assert_true(is_manual(fx->running, FALSE, "fast"));
    assert_true(shown_manual(fx->running, "fast"));
    assert_target(fx->running, "fast", "/mnt/fast");
    /* mount again: the mark goes. */
    assert_true(record(fx->running, "fast", "/mnt/fast", TRUE));
    assert_false(is_manual(fx->running, TRUE, "fast"));
    assert_false(is_manual(fx->running, FALSE, "fast"));
    assert_false(shown_manual(fx->running, "fast"));
    /* A tag the domain has no device for is never recorded. */
    assert_false(record(fx->running, "no-such-share", "/mnt/x", TRUE));
}

/* Marking one share keeps the other records (and their marks) as they were. */
static void
test_record_keeps_others(void **state)
{
    Fixture *fx = *state;

    assert_true(record(fx->running, "docs", "/mnt/docs2", TRUE));
    assert_true(record(fx->running, "fast", "/mnt/fast", FALSE));
    assert_true(record(fx->running, "docs", "/mnt/docs3", TRUE));
    assert_target(fx->running, "docs", "/mnt/docs3");
    assert_target(fx->running, "fast", "/mnt/fast");
    assert_true(is_manual(fx->running, FALSE, "fast"));
    assert_false(is_manual(fx->running, FALSE, "docs"));
}

/* The running domain's part fails after the definition's was written: the
 * definition is put back byte for byte (nothing half-done). */
static void
test_record_apply_failure_restores(void **state)
{
    Fixture *fx = *state;
    g_autoptr(VsDomainState) st = load_state(fx->running);
    g_autoptr(GHashTable) records = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GError) err = NULL;
    g_autofree char *before = inactive_xml(fx->running);
    g_autofree char *before_live = live_xml(fx->running);
    g_autofree char *after = NULL;
    g_autofree char *after_live = NULL;
    VsRecordJob job;

    g_hash_table_insert(records, (char *)"fast", (char *)"/mnt/fast");
    vs_metadata_record_prepare(st, records, TRUE, &job);
    assert_true(job.config_metadata.change);
    assert_true(job.live_metadata.change);
    /* Not XML: libvirt refuses it. */
    g_free(job.live_metadata.xml);
    job.live_metadata.xml = g_strdup("<shares");
    assert_false(vs_metadata_record_apply(st, &job, &err));
    assert_non_null(err);
    assert_int_not_equal(err->code, VS_ERROR_INCOMPLETE);
    vs_metadata_record_clear(&job);
    after = inactive_xml(fx->running);
    after_live = live_xml(fx->running);
    assert_text_equal(before, after, "inactive XML");
    assert_text_equal(before_live, after_live, "live XML");
}

/* ---- the nosuid,nodev step (vs-harden.h) as a local system daemon would
 * plan it: the test driver's state, with qemu:///system as its URI ---- */

static void
pretend_system(VsDomainState *st)
{
    vs_uri_info_free(st->uri_info);
    st->uri_info = vs_uri_info_parse("qemu:///system?socket=/run/x/libvirt-sock", NULL);
    assert_non_null(st->uri_info);
}

static VsAddJob *
harden_prepare(Fixture *fx, const char *dir, VsDriver driver, VsMode mode, gboolean readonly,
               gboolean allow_setuid, const VsConfig *cfg, GError **error)
{
    g_autoptr(VsDomainState) st = load_state(fx->stopped);
    VsAddOptions opts = { 0 };

    pretend_system(st);
    opts.source = dir;
    opts.driver = driver;
    opts.mode = mode;
    opts.readonly = readonly;
    opts.allow_setuid = allow_setuid;
    opts.config = cfg;
    return vs_add_prepare(st, &opts, error);
}

static void
test_harden_add_plan(void **state)
{
    Fixture *fx = *state;
    g_autofree char *dir = make_dir(fx, "harden");
    g_autoptr(VsConfig) refuse = vs_config_new_default();
    g_autoptr(GError) err = NULL;
    gboolean already = FALSE;
    VsAddJob *job;

    assert_true(vs_harden_is_protected(dir, &already, NULL));
    if (already) {
        print_message("skipped: %s is on a nosuid,nodev mount here\n", fx->tmp);
        skip();
    }
    /* virtiofs: the step, in the plan, before anything else is done */
    job = harden_prepare(fx, dir, VS_DRIVER_VIRTIOFS, VS_MODE_DEFAULT, FALSE, FALSE, NULL, &err);
    assert_no_gerror(err);
    assert_int_equal(job->harden, VS_HARDEN_VIRTIOFS_ROOT);
    assert_true(job->plan.protect);
    assert_non_null(strstr(job->description, "again with nosuid,nodev"));
    assert_null(strstr(job->config_metadata.xml, "setuid"));
    vs_add_job_free(job);
    /* 9p squash (the 9p default): the step */
    job = harden_prepare(fx, dir, VS_DRIVER_9P, VS_MODE_DEFAULT, FALSE, FALSE, NULL, &err);
    assert_no_gerror(err);
    assert_int_equal(job->harden, VS_HARDEN_9P_SQUASH);
    assert_true(job->plan.protect);
    vs_add_job_free(job);
    /* 9p mapped, read-only: no step; mapped says why */
    job = harden_prepare(fx, dir, VS_DRIVER_9P, VS_MODE_MAPPED, FALSE, FALSE, NULL, &err);
    assert_no_gerror(err);
    assert_false(job->plan.protect);
    assert_non_null(strstr(job->description, "xattrs"));
    vs_add_job_free(job);
    job = harden_prepare(fx, dir, VS_DRIVER_9P, VS_MODE_SQUASH, TRUE, FALSE, NULL, &err);
    assert_no_gerror(err);
    assert_false(job->plan.protect);
    vs_add_job_free(job);
    /* --allow-setuid: no step, a warning line, recorded for the hook */
    job = harden_prepare(fx, dir, VS_DRIVER_VIRTIOFS, VS_MODE_DEFAULT, FALSE, TRUE, NULL, &err);
    assert_no_gerror(err);
    assert_false(job->plan.protect);
    assert_true(job->harden_allowed);
    assert_non_null(strstr(job->description, "Warning: "));
    assert_non_null(strstr(job->config_metadata.xml, "setuid=\"allow\""));
    vs_add_job_free(job);
    /* setuid-shares=refuse: refused with the commands */
    refuse->setuid_shares = VS_SETUID_SHARES_REFUSE;
    job = harden_prepare(fx, dir, VS_DRIVER_VIRTIOFS, VS_MODE_DEFAULT, FALSE, FALSE, refuse, &err);
    assert_null(job);
    assert_vs_error(err, VS_ERROR_POLICY);
    assert_non_null(strstr(err->message, "mount --rbind"));
}

static void
test_harden_remove(void **state)
{
    Fixture *fx = *state;
    g_autofree char *fstab = g_build_filename(fx->tmp, "fstab", NULL);
    g_autofree char *lines = NULL;
    g_autoptr(GError) err = NULL;
    VsRemoveJob *job;

    g_setenv("VIRT_SHARE_FSTAB", fstab, TRUE);
    /* Not virt-share's (no lines): left alone. */
    {
        g_autoptr(VsDomainState) st = load_state(fx->running);
        pretend_system(st);
        job = vs_remove_prepare(st, "fast", &err);
        assert_no_gerror(err);
        assert_false(job->unprotect);
        assert_false(job->keep_protection);
        vs_remove_job_free(job);
    }
    {
        g_autofree char *fast = vs_harden_fstab_lines("/srv/virt-share-test/fast");
        g_autofree char *docs = vs_harden_fstab_lines("/usr/share");
        lines = g_strconcat(fast, docs, NULL);
    }
    assert_true(g_file_set_contents(fstab, lines, -1, NULL));
    /* virtiofs leaves at once, and no other domain shares the folder: undone */
    {
        g_autoptr(VsDomainState) st = load_state(fx->running);
        pretend_system(st);
        job = vs_remove_prepare(st, "fast", &err);
        assert_no_gerror(err);
        assert_true(job->unprotect);
        vs_remove_job_free(job);
    }
    /* 9p stays in the running guest until it stops: kept */
    {
        g_autoptr(VsDomainState) st = load_state(fx->running);
        pretend_system(st);
        job = vs_remove_prepare(st, "docs", &err);
        assert_no_gerror(err);
        assert_false(job->unprotect);
        assert_true(job->keep_protection);
        vs_remove_job_free(job);
    }
    g_unsetenv("VIRT_SHARE_FSTAB");
}

/* ---- a Windows guest: add refuses before anything changes ---- */

/* A scripted agent (vs_agent_set_transport) of a Windows guest: qemu-ga's
 * own guest-get-osinfo, nothing disabled, every other command a success. */
static char *
windows_agent(virDomain *dom, const char *request, VsAgentFault *fault, GError **error)
{
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *req;
    const char *execute;
    const char *ret = "{}";

    assert_true(json_parser_load_from_data(p, request, -1, NULL));
    req = json_node_get_object(json_parser_get_root(p));
    execute = json_object_get_string_member(req, "execute");
    if (g_str_equal(execute, "guest-info"))
        ret = "{\"version\": \"8.0\", \"supported_commands\": []}";
    else if (g_str_equal(execute, "guest-get-osinfo"))
        ret = "{\"name\": \"Microsoft Windows\", \"pretty-name\": \"Windows 11 Pro\", "
              "\"kernel-release\": \"22621\", \"id\": \"mswindows\", \"machine\": \"x86_64\"}";
    else if (strstr(execute, "exec") || strstr(execute, "file"))
        fail_msg("%s reached a Windows guest", execute);
    return g_strdup_printf("{\"return\": %s, \"id\": \"%s\"}", ret,
                           json_object_get_string_member(req, "id"));
}

/* A live add (virtiofs, mounted now), a 9p add that waits for a restart
 * and its dry run: each refused with the guest system error, and neither
 * the definition nor the running domain changed by a byte. */
static void
test_add_refuses_windows(void **state)
{
    Fixture *fx = *state;
    g_autofree char *dir = make_dir(fx, "for windows");
    g_autofree char *before_i = inactive_xml(fx->running);
    g_autofree char *before_l = live_xml(fx->running);
    const VsDriver drivers[] = { VS_DRIVER_VIRTIOFS, VS_DRIVER_9P, VS_DRIVER_9P };

    vs_agent_set_transport(windows_agent);
    for (guint i = 0; i < G_N_ELEMENTS(drivers); i++) {
        g_autoptr(VsDomainState) st = load_state(fx->running);
        g_autoptr(VsAddJob) job = NULL;
        g_autoptr(GError) err = NULL;
        g_autofree char *after_i = NULL;
        g_autofree char *after_l = NULL;
        VsAddOptions opts = { .source = dir, .driver = drivers[i] };
        VsRunOptions ropts;

        vs_run_options_init(&ropts);
        ropts.force = TRUE;                 /* only the guest is asked */
        ropts.dry_run = i == 2;
        job = vs_add_prepare(st, &opts, &err);
        assert_no_gerror(err);
        assert_int_equal(job->plan.live, drivers[i] == VS_DRIVER_VIRTIOFS);
        assert_false(vs_run_add(st, job, &ropts, &err));
        assert_vs_error(err, VS_ERROR_GUEST_OS);
        assert_non_null(strstr(err->message, "Windows 11 Pro"));
        assert_false(job->did_define);
        assert_false(job->did_attach);
        after_i = inactive_xml(fx->running);
        after_l = live_xml(fx->running);
        assert_text_equal(before_i, after_i, "definition after a refused add");
        assert_text_equal(before_l, after_l, "running domain after a refused add");
    }
    vs_agent_set_transport(NULL);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_lookup),
        T(test_state_running),
        T(test_state_stopped),
        T(test_state_domain_gone),
        T(test_add_prepare_bad_input),
        T(test_add_prepare_ok),
        T(test_add_prepare_system_target),
        T(test_define_is_observable),
        T(test_add_apply_rollback_virtiofs),
        T(test_add_apply_rollback_with_metadata),
        T(test_metadata_forget_leaves_no_trace),
        T(test_add_apply_fails_9p),
        T(test_add_rollback_failure_reported),
        T(test_remove_prepare),
        T(test_remove_apply_fails),
        T(test_metadata_round_trip),
        T(test_metadata_stopped),
        T(test_record_mount_and_umount),
        T(test_record_keeps_others),
        T(test_record_apply_failure_restores),
        T(test_harden_add_plan),
        T(test_harden_remove),
        T(test_add_refuses_windows),
    };
#undef T

    return cmocka_run_group_tests_name("driver", tests, NULL, NULL);
}
