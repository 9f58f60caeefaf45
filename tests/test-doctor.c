/* test-doctor.c: the qemu.conf reader, DAC labels, the "tag or folder?"
 * resolver, the doctor report, the /dev/kvm check and the device state of a
 * transient domain, on
 * domain documents built here (no libvirt daemon: the state is filled by
 * hand, without a virDomain). */
#include <config.h>

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vs-test-util.h"

#include "vs-agent.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-doctor.h"
#include "vs-identity.h"
#include "vs-kvm.h"
#include "vs-add.h"
#include "vs-remove.h"
#include "vs-status.h"
#include "vs-xml.h"

/* ---- qemu.conf: one reader, comments allowed after a value ---- */

static void
test_qemu_conf_comments(void **state)
{
    const char *conf =
        "# user = \"commented\"\n"
        "user = \"root\" # QEMU as root, for passthrough\n"
        "group = 'kvm'# no space before the comment\n"
        "dynamic_ownership = 0  # do not relabel\n"
        "security_driver = [ \"none\" ]\n"
        "remember_owner = 1 trailing-garbage\n";
    g_autofree char *user = NULL;
    g_autofree char *group = NULL;
    g_autofree char *dynamic = vs_identity_qemu_conf_get(conf, "dynamic_ownership");
    g_autofree char *remember = vs_identity_qemu_conf_get(conf, "remember_owner");
    g_autofree char *driver = vs_identity_qemu_conf_get(conf, "security_driver");

    vs_identity_qemu_conf_parse(conf, &user, &group);
    assert_string_equal(user, "root");
    assert_string_equal(group, "kvm");
    assert_string_equal(dynamic, "0");
    /* Not a value followed by a comment: not read. */
    assert_null(remember);
    assert_null(driver);
}

static void
test_qemu_conf_last_wins(void **state)
{
    g_autofree char *user = vs_identity_qemu_conf_get("user = \"a\"\n#user = \"b\"\n  user=\"c\"\n",
                                                      "user");
    g_autofree char *none = vs_identity_qemu_conf_get("username = \"x\"\nuser_x = \"y\"\n", "user");

    assert_string_equal(user, "c");
    assert_null(none);
}

/* The identity from qemu.conf reads the commented line right. */
static void
test_identity_from_commented_conf(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vs-doctor-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "qemu.conf", NULL);
    g_auto(VsIdentity) id = { 0 };
    g_autoptr(GError) err = NULL;

    assert_true(g_file_set_contents(path, "user = \"root\" # comment\n", -1, NULL));
    assert_true(vs_identity_from_docs(NULL, NULL, FALSE, path, &id, &err));
    assert_no_gerror(err);
    assert_string_equal(id.user, "root");
    assert_int_equal(id.uid, 0);
    g_unlink(path);
    g_rmdir(dir);
}

/* ---- DAC labels: +UID without a group never means the root group ---- */

static void
test_label_uid_without_group(void **state)
{
    g_auto(VsIdentity) id = { 0 };
    g_autoptr(GError) err = NULL;
    g_autofree char *label = NULL;
    struct passwd *pw = getpwnam("nobody");
    guint32 n;

    /* A user: its primary group. */
    if (pw) {
        label = g_strdup_printf("+%u", (unsigned)pw->pw_uid);
        assert_true(vs_identity_parse_label(label, &id, &err));
        assert_int_equal(id.gid, pw->pw_gid);
        g_clear_pointer(&label, g_free);
    }
    /* A number with a group of the same number but no user: that group. */
    for (n = 1; n < 60000 && (getpwuid(n) || !getgrgid(n)); n++)
        ;
    if (n < 60000) {
        label = g_strdup_printf("+%u", n);
        assert_true(vs_identity_parse_label(label, &id, &err));
        assert_no_gerror(err);
        assert_int_equal(id.uid, n);
        assert_int_equal(id.gid, n);
        g_clear_pointer(&label, g_free);
    }
    /* Neither: an error, not gid 0. */
    for (n = 4242; getpwuid(n) || getgrgid(n); n++)
        ;
    label = g_strdup_printf("+%u", n);
    assert_false(vs_identity_parse_label(label, &id, &err));
    assert_vs_error(err, VS_ERROR_INVALID);
    g_clear_error(&err);
    /* With a group, as before. */
    assert_true(vs_identity_parse_label("+0:+0", &id, &err));
    assert_int_equal(id.gid, 0);
}

/* ---- "tag or folder?": one resolver ---- */

typedef struct {
    char *tmp;          /* scratch directory, the current directory during the test */
    char *old_cwd;
    VsDomainState *state;
} Fixture;

static const char domain_xml[] =
    "<domain type='test'><name>dom</name><devices>"
    "<filesystem type='mount' accessmode='squash'><source dir='%s/data'/>"
    "<target dir='other'/></filesystem>"
    "<filesystem type='mount' accessmode='squash'><source dir='/usr/share'/>"
    "<target dir='data'/></filesystem>"
    "<filesystem type='mount' accessmode='squash'><source dir='%s/plain'/>"
    "<target dir='plaintag'/></filesystem>"
    "</devices></domain>";

static int
setup(void **state)
{
    Fixture *fx = g_new0(Fixture, 1);
    g_autofree char *xml = NULL;
    g_autofree char *data = NULL;
    g_autofree char *plain = NULL;
    g_autofree char *link = NULL;

    fx->tmp = g_dir_make_tmp("vs-resolve-XXXXXX", NULL);
    fx->old_cwd = g_get_current_dir();
    data = g_build_filename(fx->tmp, "data", NULL);
    plain = g_build_filename(fx->tmp, "plain", NULL);
    link = g_build_filename(fx->tmp, "link", NULL);
    assert_int_equal(g_mkdir(data, 0755), 0);
    assert_int_equal(g_mkdir(plain, 0755), 0);
    assert_int_equal(symlink(data, link), 0);
    assert_int_equal(chdir(fx->tmp), 0);

    xml = g_strdup_printf(domain_xml, fx->tmp, fx->tmp);
    fx->state = g_new0(VsDomainState, 1);
    fx->state->name = g_strdup("dom");
    fx->state->persistent = TRUE;
    fx->state->config_xml = g_strdup(xml);
    fx->state->config_doc = vs_xml_parse(xml, "test", NULL);
    assert_non_null(fx->state->config_doc);
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *fx = *state;
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", fx->tmp);

    assert_int_equal(chdir(fx->old_cwd), 0);
    assert_int_equal(system(cmd), 0);
    vs_domain_state_free(fx->state);
    g_free(fx->tmp);
    g_free(fx->old_cwd);
    g_free(fx);
    return 0;
}

static void
assert_resolves(VsDomainState *st, const char *what, const char *want_tag)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VsShare) share = vs_domain_state_find_share(st, what, &err);

    assert_no_gerror(err);
    assert_non_null(share);
    assert_string_equal(share->tag, want_tag);
}

static void
test_resolve(void **state)
{
    Fixture *fx = *state;
    g_autoptr(GError) err = NULL;
    g_autofree char *abs_data = g_build_filename(fx->tmp, "data", NULL);

    /* ./data is a directory here: the folder, as add takes it, not the tag 'data'. */
    assert_resolves(fx->state, "data", "other");
    assert_resolves(fx->state, "./data", "other");
    assert_resolves(fx->state, abs_data, "other");
    /* Symbolic links are resolved. */
    assert_resolves(fx->state, "link", "other");
    assert_resolves(fx->state, "./link/", "other");
    /* Tags. */
    assert_resolves(fx->state, "plaintag", "plaintag");
    assert_resolves(fx->state, "other", "other");
    assert_resolves(fx->state, "/usr/share", "data");
    /* A directory here that no share has: then a tag of that name. */
    assert_int_equal(chdir("/usr"), 0);
    assert_resolves(fx->state, "data", "data");
    assert_resolves(fx->state, "share", "data");
    assert_null(vs_domain_state_find_share(fx->state, "nothing", &err));
    assert_vs_error(err, VS_ERROR_NOT_FOUND);
    assert_int_equal(chdir(fx->tmp), 0);
}

/* remove and doctor use the same resolver. */
static void
test_remove_and_doctor_resolve(void **state)
{
    Fixture *fx = *state;
    g_autoptr(GError) err = NULL;
    g_autoptr(VsRemoveJob) job = vs_remove_prepare(fx->state, "data", &err);
    g_autoptr(VsDoctorReport) report = NULL;
    VsDoctorOptions opts = { 0 };

    assert_no_gerror(err);
    assert_string_equal(job->share->tag, "other");

    report = vs_doctor_run(fx->state, "link", &opts, &err);
    assert_no_gerror(err);
    assert_int_equal(report->shares->len, 1);
    assert_string_equal(((VsDoctorShare *)g_ptr_array_index(report->shares, 0))->share->tag,
                        "other");
    g_clear_pointer(&report, vs_doctor_report_free);
    report = vs_doctor_run(fx->state, NULL, &opts, &err);
    assert_no_gerror(err);
    assert_int_equal(report->shares->len, 3);
    assert_null(vs_doctor_run(fx->state, "nothing", &opts, &err));
    assert_vs_error(err, VS_ERROR_NOT_FOUND);
}

/* ---- the guest side: a running guest whose agent blocks guest-exec, or
 * that runs Windows ---- */

/* A scripted agent (vs_agent_set_transport): guest-info lists guest-exec
 * as disabled when agent_blocks_exec; guest-get-osinfo answers agent_osinfo
 * (NULL: refused, as by an agent without the command); nothing else
 * answers. */
static gboolean agent_blocks_exec;
static const char *agent_osinfo;
static gboolean agent_dead;         /* not connected: every command fails so */

static char *
scripted_agent(virDomain *dom, const char *request, VsAgentFault *fault, GError **error)
{
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *req;
    const char *execute;
    const char *ret = NULL;

    if (agent_dead) {
        *fault = VS_AGENT_FAULT_UNRESPONSIVE;
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT, "not connected");
        return NULL;
    }
    assert_true(json_parser_load_from_data(p, request, -1, NULL));
    req = json_node_get_object(json_parser_get_root(p));
    execute = json_object_get_string_member(req, "execute");
    if (g_str_equal(execute, "guest-info"))
        ret = agent_blocks_exec ?
            "{\"version\": \"8.0\", \"supported_commands\": [{\"name\": \"guest-ping\", "
            "\"enabled\": true}, {\"name\": \"guest-exec\", \"enabled\": false}]}" :
            "{\"version\": \"8.0\", \"supported_commands\": []}";
    else if (g_str_equal(execute, "guest-get-osinfo"))
        ret = agent_osinfo;
    if (ret)
        return g_strdup_printf("{\"return\": %s, \"id\": \"%s\"}", ret,
                               json_object_get_string_member(req, "id"));
    *fault = VS_AGENT_FAULT_FAILED;
    g_set_error(error, VS_ERROR, VS_ERROR_AGENT, "command disabled");
    return NULL;
}

/* doctor on the fixture's definition, now running, with the scripted
 * agent set as given: the guest was checked and *@only is its one finding,
 * an error. */
static VsDoctorReport *
doctor_running_guest(Fixture *fx, gboolean dead, gboolean blocks_exec, const char *osinfo,
                     VsFinding **only)
{
    g_autoptr(GError) err = NULL;
    VsDoctorReport *report;
    VsDoctorOptions opts = { 0 };

    agent_dead = dead;
    agent_blocks_exec = blocks_exec;
    agent_osinfo = osinfo;
    fx->state->running = TRUE;
    fx->state->live_doc = xmlCopyDoc(fx->state->config_doc, 1);
    vs_agent_set_transport(scripted_agent);
    report = vs_doctor_run(fx->state, NULL, &opts, &err);
    vs_agent_set_transport(NULL);
    assert_no_gerror(err);
    assert_true(report->guest_checked);
    assert_int_equal(report->findings->len, 1);
    *only = g_ptr_array_index(report->findings, 0);
    assert_int_equal((*only)->severity, VS_SEVERITY_ERROR);
    assert_true(report->errors >= 1);
    return report;
}

static void
test_doctor_guest_exec_blocked(void **state)
{
    g_autoptr(VsDoctorReport) report = NULL;
    VsFinding *f;

    report = doctor_running_guest(*state, FALSE, TRUE, NULL, &f);
    assert_string_equal(vs_finding_code_to_string(f->code), "agent-command-disabled");
    assert_non_null(strstr(f->message, "'guest-exec'"));
    assert_null(report->guest_os);
}

/* A Windows guest: its system is the finding (what it would need, said
 * once), even where a command mounting needs is disabled too. */
static void
test_doctor_windows_guest(void **state)
{
    g_autoptr(VsDoctorReport) report = NULL;
    VsFinding *f;

    report = doctor_running_guest(*state, FALSE, TRUE,
                                  "{\"id\": \"mswindows\", \"pretty-name\": "
                                  "\"Windows 11 Pro\", \"kernel-release\": \"22621\"}", &f);
    assert_string_equal(vs_finding_code_to_string(f->code), "guest-os-unsupported");
    assert_non_null(strstr(f->message, "WinFsp"));
    assert_non_null(report->guest_os);
    assert_string_equal(report->guest_os->id, "mswindows");
}

/* No agent answers: the finding names the command that installs one, for
 * the family virt-install recorded (libosinfo metadata), and none without. */
static void
test_doctor_agent_install_hint(void **state)
{
    Fixture *fx = *state;
    const char *xml =
        "<domain type='test'><name>dom</name><metadata>"
        "<libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/libvirt/domain/1.0'>"
        "<libosinfo:os id='http://fedoraproject.org/fedora/40'/></libosinfo:libosinfo>"
        "</metadata><devices/></domain>";
    g_autoptr(VsDoctorReport) report = NULL;
    g_autoptr(VsDoctorReport) plain = NULL;
    VsFinding *f;

    plain = doctor_running_guest(fx, TRUE, FALSE, NULL, &f);
    assert_string_equal(vs_finding_code_to_string(f->code), "agent-unavailable");
    assert_null(f->fix_command);
    xmlFreeDoc(fx->state->live_doc);
    xmlFreeDoc(fx->state->config_doc);
    fx->state->config_doc = vs_xml_parse(xml, "test", NULL);
    report = doctor_running_guest(fx, TRUE, FALSE, NULL, &f);
    assert_string_equal(vs_finding_code_to_string(f->code), "agent-unavailable");
    assert_string_equal(f->fix_command, "dnf install qemu-guest-agent  # in the guest");
    assert_false(vs_doctor_fixable(f));
}

/* The guest-side finding for every device and guest state: a share that
 * was removed (pending stop) and is not mounted is as the user left it, so
 * the doctor offers no mount for it. */
static void
test_doctor_guest_finding_states(void **state)
{
    VsShare share = { .tag = (char *)"vs-t", .driver = VS_DRIVER_9P };

    for (int d = 0; d < VS_DEVICE_LAST; d++) {
        for (int g = 0; g < VS_GUEST_LAST; g++) {
            VsShareStatus st = { .share = &share, .device = d, .guest = g };
            g_autoptr(VsFinding) f = vs_doctor_guest_finding("dom", &st);
            const char *want = NULL;

            if (d == VS_DEVICE_PENDING_RESTART)
                want = "pending-restart";
            else if (g == VS_GUEST_NOT_MOUNTED && d != VS_DEVICE_PENDING_STOP)
                want = "not-mounted";
            if (!want) {
                assert_null(f);
                continue;
            }
            assert_non_null(f);
            assert_string_equal(vs_finding_code_to_string(f->code), want);
            assert_string_equal(f->fix_command, "virt-share mount dom vs-t");
        }
    }
    /* msize: only a 9p mount below virt-share's msize */
    {
        VsShareStatus st = { .share = &share, .device = VS_DEVICE_PENDING_STOP,
                             .guest = VS_GUEST_MOUNTED,
                             .mount_options = (char *)"rw,msize=8192,trans=virtio" };
        g_autoptr(VsFinding) f = vs_doctor_guest_finding("dom", &st);
        g_autoptr(VsFinding) none = NULL;

        assert_non_null(f);
        assert_string_equal(vs_finding_code_to_string(f->code), "small-msize");
        st.mount_options = (char *)"rw,trans=virtio";
        none = vs_doctor_guest_finding("dom", &st);
        assert_null(none);
    }
}

/* A stopped domain: nothing of the guest is asked, and the report says so
 * (a warning, not an error: nothing is known to be wrong). */
static void
test_doctor_stopped(void **state)
{
    Fixture *fx = *state;
    g_autoptr(GError) err = NULL;
    g_autoptr(VsDoctorReport) report = NULL;
    VsDoctorOptions opts = { 0 };
    VsFinding *f;

    report = vs_doctor_run(fx->state, "plaintag", &opts, &err);
    assert_no_gerror(err);
    assert_false(report->guest_checked);
    assert_int_equal(report->findings->len, 1);
    f = g_ptr_array_index(report->findings, 0);
    assert_string_equal(vs_finding_code_to_string(f->code), "not-running");
    assert_int_equal(f->severity, VS_SEVERITY_WARNING);
}

/* A shared folder that is gone: said so, with no ACL fix on a path that
 * does not exist. */
static void
test_doctor_missing_folder(void **state)
{
    Fixture *fx = *state;
    g_autoptr(GError) err = NULL;
    g_autoptr(VsDoctorReport) report = NULL;
    g_autofree char *plain = g_build_filename(fx->tmp, "plain", NULL);
    VsDoctorOptions opts = { 0 };
    VsDoctorShare *ds;
    VsFinding *f;

    assert_int_equal(rmdir(plain), 0);
    report = vs_doctor_run(fx->state, "plaintag", &opts, &err);
    assert_no_gerror(err);
    ds = g_ptr_array_index(report->shares, 0);
    assert_int_equal(ds->findings->len, 1);
    f = g_ptr_array_index(ds->findings, 0);
    assert_string_equal(vs_finding_code_to_string(f->code), "source-missing");
    assert_int_equal(f->severity, VS_SEVERITY_ERROR);
    assert_null(f->fix_command);
    assert_false(vs_doctor_fixable(f));
    assert_int_equal(report->errors, 1);   /* not also "cannot enter" its parent */
    assert_int_equal(vs_error_exit_code(&(GError){ VS_ERROR, VS_ERROR_PROBLEMS, NULL }),
                     VS_EXIT_PROBLEMS);
}

/* The doctor looks at /dev/kvm only for qemu:///system on this host, and
 * reports what the probe and the decision say, as a warning about the host. */
static void
test_doctor_host_scope(void **state)
{
    Fixture *fx = *state;
    const char *const elsewhere[] = { "test:///default", "qemu:///session",
                                      "qemu+ssh://host.example/system", "qemu:///embed?root=/x",
                                      NULL };
    g_autofree char *conf = g_build_filename(fx->tmp, "qemu.conf", NULL);
    VsDoctorOptions opts = { .qemu_conf = conf };
    g_auto(VsIdentity) id = { 0 };
    VsKvmFacts facts;
    guint expected;

    assert_true(g_file_set_contents(conf, "user = \"nobody\"\n", -1, NULL));
    for (const char *const *uri = elsewhere;; uri++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VsDoctorReport) report = NULL;

        free(fx->state->uri);
        vs_uri_info_free(fx->state->uri_info);
        fx->state->uri = strdup(*uri ? *uri : "qemu:///system");
        fx->state->uri_info = vs_uri_info_parse(fx->state->uri, NULL);
        fx->state->uri_read = TRUE;
        report = vs_doctor_run(fx->state, "plaintag", &opts, &err);
        assert_no_gerror(err);
        if (*uri) {
            assert_int_equal(report->host_findings->len, 0);
            continue;
        }
        /* This machine's /dev/kvm, whatever it is: the doctor says what the
         * probe and the decision say, for qemu.conf's user. */
        assert_true(vs_identity_from_docs(NULL, NULL, FALSE, conf, &id, NULL));
        expected = vs_kvm_probe("/dev/kvm", &id, &facts, NULL) &&
                   vs_kvm_decide(&facts) != VS_KVM_CONSISTENT;
        assert_int_equal(report->host_findings->len, expected);
        for (guint i = 0; i < report->host_findings->len; i++) {
            VsFinding *f = g_ptr_array_index(report->host_findings, i);
            assert_int_equal(f->severity, VS_SEVERITY_WARNING);
            assert_false(vs_doctor_fixable(f));
        }
        break;
    }
    g_unlink(conf);
}

/* ---- a transient running domain: its shares are attached, not pending-stop ---- */

static void
test_transient_device_state(void **state)
{
    g_autoptr(VsDomainState) st = g_new0(VsDomainState, 1);
    g_autoptr(GPtrArray) shares = NULL;
    g_autoptr(GPtrArray) status = NULL;
    g_autofree char *agent_error = NULL;
    VsShare *share;

    assert_int_equal(vs_status_device(VS_WHERE_LIVE, TRUE, FALSE), VS_DEVICE_ATTACHED);
    assert_int_equal(vs_status_device(VS_WHERE_LIVE, TRUE, TRUE), VS_DEVICE_PENDING_STOP);
    assert_int_equal(vs_status_device(VS_WHERE_LIVE | VS_WHERE_CONFIG, TRUE, TRUE),
                     VS_DEVICE_ATTACHED);
    assert_int_equal(vs_status_device(VS_WHERE_CONFIG, TRUE, TRUE), VS_DEVICE_PENDING_RESTART);

    st->name = g_strdup("transient");
    st->live_xml = g_strdup("<domain type='test'><name>transient</name><devices>"
                            "<filesystem type='mount' accessmode='squash'>"
                            "<source dir='/usr/share'/><target dir='docs'/></filesystem>"
                            "</devices></domain>");
    st->live_doc = vs_xml_parse(st->live_xml, "test", NULL);
    st->running = TRUE;
    st->persistent = FALSE;
    shares = vs_domain_state_shares(st);
    assert_int_equal(shares->len, 1);
    share = g_ptr_array_index(shares, 0);
    assert_false(share->persistent);
    assert_int_equal(vs_status_device(share->where, share->running, share->persistent),
                     VS_DEVICE_ATTACHED);
    /* status: no guest agent to ask (no virDomain), the device side is what counts. */
    st->running = FALSE;
    status = vs_status_collect(st, &agent_error);
    assert_int_equal(((VsShareStatus *)g_ptr_array_index(status, 0))->device, VS_DEVICE_DEFINED);
}

/* The status answers the front ends ask instead of deriving them. */
static void
test_status_answers(void **state)
{
    g_autoptr(VsShare) share = vs_share_new();
    VsShareStatus st = { .share = share };
    g_autoptr(GPtrArray) all = g_ptr_array_new();

    share->driver = VS_DRIVER_9P;
    share->where = VS_WHERE_LIVE;           /* pending stop */
    assert_false(vs_status_can_remove(&st));
    share->driver = VS_DRIVER_VIRTIOFS;     /* detached live */
    assert_true(vs_status_can_remove(&st));
    share->driver = VS_DRIVER_9P;
    share->where = VS_WHERE_CONFIG | VS_WHERE_LIVE;
    assert_true(vs_status_can_remove(&st));

    st.device = VS_DEVICE_ATTACHED;
    g_ptr_array_add(all, &st);
    assert_false(vs_status_restart_pending(all, TRUE));
    st.device = VS_DEVICE_PENDING_RESTART;
    assert_true(vs_status_restart_pending(all, TRUE));
    assert_false(vs_status_restart_pending(all, FALSE));
}

/* One verdict for the CLI and the window: never "no problem" under a
 * warning or with the guest unchecked, nothing under an error. */
static void
test_doctor_summary(void **state)
{
    VsDoctorReport r = { .guest_checked = TRUE };

    assert_string_equal(vs_doctor_summary(&r), "No problem found.");
    r.warnings = 1;
    assert_null(strstr(vs_doctor_summary(&r), "No problem"));
    r.warnings = 0;
    r.guest_checked = FALSE;
    assert_null(strstr(vs_doctor_summary(&r), "No problem"));
    r.errors = 1;
    assert_null(vs_doctor_summary(&r));
}

/* ---- /dev/kvm: libvirt's probe and its cache check must agree ---- */

/* Every combination against the rule as libvirt 9.0 behaves: its probe
 * (QEMU's user with root's file access) finds KVM when it works; its cache
 * check expects KVM when QEMU's user may open the node; they differ: stale. */
static void
test_kvm_decide_all(void **state)
{
    for (guint bits = 0; bits < 8; bits++) {
        VsKvmFacts facts = { .chardev = !!(bits & 1), .qemu_can_open = !!(bits & 2),
                             .works = !!(bits & 4) };
        VsKvmVerdict expected = VS_KVM_CONSISTENT;

        if (facts.chardev && facts.works && !facts.qemu_can_open)
            expected = VS_KVM_QEMU_DENIED;
        else if (facts.chardev && !facts.works && facts.qemu_can_open)
            expected = VS_KVM_NOT_WORKING;
        assert_int_equal(vs_kvm_decide(&facts), expected);
    }
    /* The written-out cases, the oracle above could share a mistake. */
    assert_int_equal(vs_kvm_decide(&(VsKvmFacts){ TRUE, FALSE, TRUE }), VS_KVM_QEMU_DENIED);
    assert_int_equal(vs_kvm_decide(&(VsKvmFacts){ TRUE, TRUE, FALSE }), VS_KVM_NOT_WORKING);
    assert_int_equal(vs_kvm_decide(&(VsKvmFacts){ TRUE, TRUE, TRUE }), VS_KVM_CONSISTENT);
    assert_int_equal(vs_kvm_decide(&(VsKvmFacts){ TRUE, FALSE, FALSE }), VS_KVM_CONSISTENT);
    assert_int_equal(vs_kvm_decide(&(VsKvmFacts){ FALSE, TRUE, FALSE }), VS_KVM_CONSISTENT);
    assert_int_equal(vs_kvm_decide(&(VsKvmFacts){ FALSE, FALSE, TRUE }), VS_KVM_CONSISTENT);
}

/* The findings: warnings with no fix, their codes from the one enum table. */
static void
test_kvm_finding(void **state)
{
    VsIdentity id = { .uid = 64055, .gid = 107, .user = (char *)"libvirt-qemu" };
    g_autoptr(VsFinding) denied = vs_kvm_finding(VS_KVM_QEMU_DENIED, "/dev/kvm", &id, NULL);
    g_autoptr(VsFinding) broken = vs_kvm_finding(VS_KVM_NOT_WORKING, "/dev/kvm", &id,
                                                 "KVM_CREATE_VM failed: x");

    assert_null(vs_kvm_finding(VS_KVM_CONSISTENT, "/dev/kvm", &id, NULL));
    assert_null(vs_kvm_finding(VS_KVM_LAST, "/dev/kvm", &id, NULL));
    assert_string_equal(vs_finding_code_to_string(denied->code), "kvm-qemu-denied");
    assert_string_equal(vs_finding_code_to_string(broken->code), "kvm-not-working");
    assert_int_equal(vs_finding_code_from_string("kvm-not-working"), VS_FINDING_KVM_NOT_WORKING);
    for (VsFinding **f = (VsFinding *[]){ denied, broken, NULL }; *f; f++) {
        assert_int_equal((*f)->severity, VS_SEVERITY_WARNING);
        assert_string_equal((*f)->path, "/dev/kvm");
        assert_null((*f)->fix_command);
        assert_false(vs_doctor_fixable(*f));
        assert_non_null(strstr((*f)->message, "libvirt-qemu"));
        assert_non_null(strstr((*f)->message, "/dev/kvm"));
    }
    assert_non_null(strstr(broken->message, "KVM_CREATE_VM failed: x"));
}

/* The probing part, on nodes that are not KVM (needs root: else it says
 * it cannot tell). */
static void
test_kvm_probe(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("vs-kvm-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "file", NULL);
    g_autofree char *node = g_build_filename(dir, "node", NULL);
    g_autofree char *missing = g_build_filename(dir, "missing", NULL);
    struct passwd *pw = getpwnam("nobody");
    VsIdentity id = { .uid = pw ? pw->pw_uid : 65534, .gid = pw ? pw->pw_gid : 65534,
                      .user = (char *)"nobody" };
    VsKvmFacts facts;
    g_autofree char *why = NULL;

    if (geteuid() != 0) {
        assert_false(vs_kvm_probe("/dev/null", &id, &facts, NULL));
        g_rmdir(dir);
        skip();
    }
    assert_true(vs_kvm_probe(missing, &id, &facts, NULL));
    assert_false(facts.chardev);
    assert_true(g_file_set_contents(file, "", 0, NULL));
    assert_true(vs_kvm_probe(file, &id, &facts, NULL));
    assert_false(facts.chardev);
    /* /dev/null: anyone opens it, it answers no KVM ioctl. */
    assert_true(vs_kvm_probe("/dev/null", &id, &facts, &why));
    assert_true(facts.chardev);
    assert_true(facts.qemu_can_open);
    assert_false(facts.works);
    assert_non_null(strstr(why, "KVM_GET_API_VERSION"));
    assert_int_equal(vs_kvm_decide(&facts), VS_KVM_NOT_WORKING);
    /* A 0600 root node: QEMU's user cannot open it (asked of the kernel). */
    if (mknod(node, S_IFCHR | 0600, makedev(1, 3)) == 0) {
        assert_true(vs_kvm_probe(node, &id, &facts, NULL));
        assert_true(facts.chardev);
        assert_false(facts.qemu_can_open);
        assert_false(facts.works);
        assert_int_equal(vs_kvm_decide(&facts), VS_KVM_CONSISTENT);
        g_unlink(node);
    }
    g_unlink(file);
    g_rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qemu_conf_comments),
        cmocka_unit_test(test_qemu_conf_last_wins),
        cmocka_unit_test(test_identity_from_commented_conf),
        cmocka_unit_test(test_label_uid_without_group),
        cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_and_doctor_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_doctor_guest_exec_blocked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_doctor_windows_guest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_doctor_agent_install_hint, setup, teardown),
        cmocka_unit_test(test_doctor_guest_finding_states),
        cmocka_unit_test(test_status_answers),
        cmocka_unit_test(test_doctor_summary),
        cmocka_unit_test_setup_teardown(test_doctor_stopped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_doctor_missing_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_doctor_host_scope, setup, teardown),
        cmocka_unit_test(test_transient_device_state),
        cmocka_unit_test(test_kvm_decide_all),
        cmocka_unit_test(test_kvm_finding),
        cmocka_unit_test(test_kvm_probe),
    };

    vs_conn_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
