/* vs-doctor.c: why a share is not usable, as data (see vs-doctor.h). */
#include <config.h>

#include <string.h>

#include "vs-agent.h"
#include "vs-caps.h"
#include "vs-defaults.h"
#include "vs-doctor.h"
#include "vs-error.h"
#include "vs-domxml.h"
#include "vs-guest.h"
#include "vs-harden.h"
#include "vs-i18n.h"
#include "vs-kvm.h"
#include "vs-path.h"
#include "vs-policy.h"
#include "vs-status.h"
#include "vs-xml.h"

static void
vs_doctor_share_free(VsDoctorShare *ds)
{
    vs_status_free(ds->status);
    g_ptr_array_unref(ds->findings);
    g_ptr_array_unref(ds->fixed);
    g_free(ds);
}

void
vs_doctor_report_free(VsDoctorReport *report)
{
    if (!report)
        return;
    g_free(report->domain);
    vs_identity_clear(&report->identity);
    g_free(report->security_models);
    g_free(report->agent_error);
    vs_agent_guest_os_free(report->guest_os);
    g_clear_pointer(&report->host_findings, g_ptr_array_unref);
    g_clear_pointer(&report->findings, g_ptr_array_unref);
    g_clear_pointer(&report->shares, g_ptr_array_unref);
    g_free(report);
}

gboolean
vs_doctor_fixable(const VsFinding *finding)
{
    return finding->fix != VS_FIX_NONE;
}

static VsFinding *
vs_finding_new(VsFindingCode code, char *message, char *fix_command)
{
    VsFinding *f = g_new0(VsFinding, 1);

    f->severity = VS_SEVERITY_WARNING;
    f->code = code;
    f->message = message;
    f->fix_command = fix_command;
    return f;
}

/* The msize a 9p mount uses, from its options; 0 when not given. */
static guint64
vs_mount_msize(const char *options)
{
    const char *m = options ? strstr(options, "msize=") : NULL;

    return m ? g_ascii_strtoull(m + strlen("msize="), NULL, 10) : 0;
}

VsFinding *
vs_doctor_guest_finding(const char *domain, const VsShareStatus *st)
{
    const char *tag = st->share->tag;
    guint64 msize;

    if (st->device == VS_DEVICE_PENDING_RESTART)
        /* The command stays untranslated (JSON prints it): the message says when. */
        return vs_finding_new(VS_FINDING_PENDING_RESTART,
                              g_strdup(_("in the definition but not in the running domain: "
                                         "restart the domain, then mount it")),
                              g_strdup_printf("virt-share mount %s %s", domain, tag));
    if (vs_status_wants_mount(st))
        return vs_finding_new(VS_FINDING_NOT_MOUNTED, g_strdup(_("attached but not mounted in the guest")),
                              g_strdup_printf("virt-share mount %s %s", domain, tag));
    if (st->guest != VS_GUEST_MOUNTED || st->share->driver != VS_DRIVER_9P)
        return NULL;
    msize = vs_mount_msize(st->mount_options);
    if (!msize || msize >= VS_9P_MSIZE)
        return NULL;
    return vs_finding_new(VS_FINDING_SMALL_MSIZE,
                          g_strdup_printf(_("mounted with msize=%lu: large reads and writes are "
                                            "slow (virt-share uses %d)"),
                                          (unsigned long)msize, VS_9P_MSIZE),
                          g_strdup_printf("virt-share umount %s %s && virt-share mount %s %s",
                                          domain, tag, domain, tag));
}

/* The security drivers of the running domain (its <seclabel>s) and
 * qemu.conf's dynamic_ownership: what else decides access. */
static void
vs_doctor_security(VsDoctorReport *report, VsDomainState *state, const char *qemu_conf)
{
    g_autoptr(GPtrArray) labels = state->live_doc ?
        vs_xml_find(state->live_doc, NULL, "/domain/seclabel") : g_ptr_array_new();
    g_autoptr(GString) models = g_string_new(NULL);
    g_autofree char *conf = NULL;
    g_autofree char *dynamic = NULL;

    for (guint i = 0; i < labels->len; i++) {
        g_autofree char *model = vs_xml_prop(g_ptr_array_index(labels, i), "model");
        if (model)
            g_string_append_printf(models, "%s%s", models->len ? ", " : "", model);
    }
    if (models->len) {
        report->labels_may_deny = strstr(models->str, "selinux") ||
                                  strstr(models->str, "apparmor");
        report->security_models = g_string_free(g_steal_pointer(&models), FALSE);
    }
    if (g_file_get_contents(vs_identity_qemu_conf_path(qemu_conf), &conf, NULL, NULL))
        dynamic = vs_identity_qemu_conf_get(conf, "dynamic_ownership");
    report->dynamic_ownership_off = g_strcmp0(dynamic, "0") == 0;
}

/* The host the system daemon runs on, when its files can be seen from here
 * (qemu:///system, also through socket=; never remote, never a session
 * daemon, which probes QEMU as its own user): a /dev/kvm that keeps libvirt
 * probing QEMU on every capabilities lookup.  No libvirt call: the doctor
 * stays fast.  libvirt probes and checks for qemu.conf's user, not for a
 * domain's label. */
static void
vs_doctor_host(VsDoctorReport *report, VsDomainState *state, const char *qemu_conf)
{
    const VsUriInfo *info = vs_domain_state_uri_info(state);
    g_autofree char *node = NULL;
    g_autofree char *why = NULL;
    g_auto(VsIdentity) id = { 0 };
    VsKvmFacts facts;
    VsFinding *f;

    if (!info || info->remote || info->session || g_strcmp0(info->driver, "qemu") != 0 ||
        g_strcmp0(info->path, "/system") != 0)
        return;
    if (!(node = vs_caps_emulator_path_here(vs_domain_state_uri(state), "/dev/kvm")) ||
        !vs_identity_from_docs(NULL, NULL, FALSE, qemu_conf, &id, NULL) ||
        !vs_kvm_probe(node, &id, &facts, &why))
        return;
    if ((f = vs_kvm_finding(vs_kvm_decide(&facts), "/dev/kvm", &id, why)))
        g_ptr_array_add(report->host_findings, f);
}

static guint
vs_count(GPtrArray *findings, VsSeverity severity)
{
    guint n = 0;

    for (guint i = 0; i < findings->len; i++)
        n += ((VsFinding *)g_ptr_array_index(findings, i))->severity == severity;
    return n;
}

/* A fix failed: never leave unsaid what was changed before it. */
static void
vs_doctor_fix_failed(VsDoctorShare *ds, GError **error)
{
    g_autoptr(GString) done = g_string_new(NULL);

    if (!ds->fixed->len)
        return;
    for (guint i = 0; i < ds->fixed->len; i++) {
        g_autofree char *command = vs_perm_acl_change_command(g_ptr_array_index(ds->fixed, i));
        g_string_append_printf(done, "%s%s", i ? "; " : "", command);
    }
    g_prefix_error(error, _("after applying %s: "), done->str);
}

/* Apply the fixes of the ERROR findings (only where the host path policy
 * @cfg allows), then check again: what is left.  A folder behind a parent
 * QEMU cannot search is only checked once that parent is fixed, so the
 * check that follows a fix may find more to fix: a few rounds (parents,
 * then the folder) reach every fixable finding. */
static gboolean
vs_doctor_fix(VsDoctorShare *ds, const VsIdentity *id, const VsConfig *cfg, GError **error)
{
    guint applied_before;

    for (guint round = 0; round < 3; round++) {
        applied_before = ds->fixed->len;
        for (guint i = 0; i < ds->findings->len; i++) {
            VsFinding *f = g_ptr_array_index(ds->findings, i);
            VsAclChange *applied = NULL;

            if (f->severity != VS_SEVERITY_ERROR || !vs_doctor_fixable(f))
                continue;
            if (!vs_perm_fix(f, id, cfg, &applied, error)) {
                vs_doctor_fix_failed(ds, error);
                return FALSE;
            }
            g_ptr_array_add(ds->fixed, applied);
        }
        g_ptr_array_set_size(ds->findings, 0);
        vs_perm_check(ds->share, id, ds->findings);
        if (ds->fixed->len == applied_before)
            break;
    }
    return TRUE;
}

/* What the guest side needs, as add and mount need it: an agent that
 * answers, with none of the commands mounting uses disabled.  On a domain
 * that is not running nothing of the guest can be asked: say so, and what
 * happens at start. */
static void
vs_doctor_guest(VsDoctorReport *report, VsDomainState *state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GHashTable) disabled = NULL;
    const char *blocked;
    VsFinding *f;

    if (!state->running) {
        f = vs_finding_new(VS_FINDING_NOT_RUNNING,
                           g_strdup_printf(_("domain '%s' is not running: its guest agent, "
                                             "the commands mounting needs and the mounts "
                                             "cannot be checked now. At start the shares "
                                             "appear in the guest; those with a recorded "
                                             "mount point are mounted by 'virt-share watch' "
                                             "when it runs, the others by 'virt-share mount'"),
                                           state->name),
                           /* Untranslated, as every command (JSON prints it). */
                           g_strdup_printf("virt-share mount %s  # after starting the domain",
                                           state->name));
        g_ptr_array_add(report->findings, f);
        return;
    }
    report->guest_checked = TRUE;
    if (!(disabled = vs_agent_disabled_commands(state->dom, &err))) {
        /* Untranslated, as every command; only where the family is known. */
        const char *install = vs_guest_family_agent_install(vs_guest_family_of_domain(
            state->config_doc ? state->config_doc : state->live_doc));

        f = vs_finding_new(VS_FINDING_AGENT_UNAVAILABLE,
                           g_strdup_printf(_("no share can be mounted in the guest, nor its "
                                             "mount state read: %s"), err->message),
                           install ? g_strdup_printf("%s  # in the guest", install) : NULL);
        f->severity = VS_SEVERITY_ERROR;
        g_ptr_array_add(report->findings, f);
        return;
    }
    /* A broken answer leaves the system unknown here: the commands
     * mounting needs are still worth checking. */
    if (!vs_agent_osinfo(state->dom, &report->guest_os, &err))
        g_debug("%s: guest system unknown: %s", state->name, err->message);
    g_clear_error(&err);
    if (!vs_guest_os_check(report->guest_os, &err)) {
        f = vs_finding_new(VS_FINDING_GUEST_OS_UNSUPPORTED, g_strdup(err->message), NULL);
        f->severity = VS_SEVERITY_ERROR;
        g_ptr_array_add(report->findings, f);
        return;
    }
    if ((blocked = vs_guest_blocked_command(disabled))) {
        f = vs_finding_new(VS_FINDING_AGENT_COMMAND_DISABLED,
                           g_strdup_printf(_("the guest agent has '%s' disabled, which "
                                             "mounting needs, so no share can be mounted in "
                                             "the guest: remove it from qemu-ga's "
                                             "--block-rpcs (or add it to the allow-list in "
                                             "/etc/sysconfig/qemu-ga) in the guest"), blocked),
                           NULL);
        f->severity = VS_SEVERITY_ERROR;
        g_ptr_array_add(report->findings, f);
    }
}

/* A share whose guest writes land as root or QEMU's user in a folder whose
 * mount allows setuid programs and device files: made by virt-share with
 * --allow-setuid, before it protected folders, by virt-manager or by hand.
 * An error unless the protection was knowingly left out (--allow-setuid
 * recorded, setuid-shares=allow): then a warning.  --fix protects it. */
static gboolean
vs_doctor_harden(VsDomainState *state, VsDoctorShare *ds, const VsDoctorOptions *opts,
                 GError **error)
{
    g_autoptr(GHashTable) records = vs_domxml_mount_records(state->live_doc ? state->live_doc
                                                                             : state->config_doc);
    const VsMountRecord *rec = g_hash_table_lookup(records, ds->share->tag);
    VsHardenNeed need = vs_add_harden_need(state, ds->share);
    gboolean protected_now = FALSE, allowed;
    VsHardenDone done;
    VsFinding *f;

    /* A folder that cannot be read has its own findings (missing, access). */
    if (!vs_harden_needed(need) ||
        !vs_harden_is_protected(ds->share->source, &protected_now, NULL) || protected_now)
        return TRUE;
    allowed = (rec && rec->allow_setuid) ||
              (opts->config && opts->config->setuid_shares == VS_SETUID_SHARES_ALLOW);
    if (opts->fix && !allowed) {
        g_autofree char *resolved = vs_path_host_dir_resolve(ds->share->source, error);

        /* A mount changes the whole tree below: only where the host path
         * policy allows sharing (never /usr made nosuid for a share of it made
         * by hand), and only the folder the definition names itself (the
         * fstab line and the hook go by that name). */
        if (!resolved || !vs_policy_check(opts->config, resolved, error) ||
            !vs_policy_check_handle(opts->config, resolved, error)) {
            g_prefix_error(error, _("%s is not mounted again with nosuid,nodev: "),
                           ds->share->source);
            return FALSE;
        }
        if (strcmp(resolved, ds->share->source) != 0) {
            g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                        _("%s is not mounted again with nosuid,nodev: it leads to %s; share "
                          "that folder by its own path"), ds->share->source, resolved);
            return FALSE;
        }
        if (!vs_harden_protect(resolved, NULL, &done, error))
            return FALSE;
        ds->protected_now = TRUE;
        return TRUE;
    }
    f = vs_finding_new(VS_FINDING_SETUID_UNPROTECTED,
                       g_strdup_printf(_("the mount of %s allows setuid programs and device "
                                         "files, and %s: any host user can run a setuid "
                                         "program the guest's root leaves there%s"),
                                       ds->share->source, vs_harden_need_describe(need),
                                       allowed ? _(" (left so on purpose: --allow-setuid or "
                                                   "setuid-shares=allow)") : ""),
                       vs_harden_fix_commands(ds->share->source));
    f->severity = allowed ? VS_SEVERITY_WARNING : VS_SEVERITY_ERROR;
    f->path = g_strdup(ds->share->source);
    f->fix = VS_FIX_NOSUID_MOUNT;
    g_ptr_array_add(ds->findings, f);
    return TRUE;
}

/* Takes @st. */
static VsDoctorShare *
vs_doctor_share(VsDoctorReport *report, VsDomainState *state, VsShareStatus *st,
                const VsDoctorOptions *opts, GError **error)
{
    VsDoctorShare *ds = g_new0(VsDoctorShare, 1);
    VsFinding *guest;

    ds->status = st;
    ds->share = st->share;
    ds->findings = g_ptr_array_new_with_free_func((GDestroyNotify)vs_finding_free);
    ds->fixed = g_ptr_array_new_with_free_func((GDestroyNotify)vs_perm_acl_change_free);
    vs_perm_check(ds->share, &report->identity, ds->findings);
    if (opts->fix && vs_count(ds->findings, VS_SEVERITY_ERROR) &&
        !vs_doctor_fix(ds, &report->identity, opts->config, error)) {
        vs_doctor_share_free(ds);
        return NULL;
    }
    if (!vs_doctor_harden(state, ds, opts, error)) {
        vs_doctor_fix_failed(ds, error);
        vs_doctor_share_free(ds);
        return NULL;
    }
    if ((guest = vs_doctor_guest_finding(report->domain, st)))
        g_ptr_array_add(ds->findings, guest);
    report->errors += vs_count(ds->findings, VS_SEVERITY_ERROR);
    report->warnings += vs_count(ds->findings, VS_SEVERITY_WARNING);
    return ds;
}

VsDoctorReport *
vs_doctor_run(VsDomainState *state, const char *what, const VsDoctorOptions *opts,
              GError **error)
{
    g_autoptr(VsDoctorReport) report = g_new0(VsDoctorReport, 1);
    g_autoptr(VsShare) only = NULL;
    g_autoptr(GPtrArray) all = NULL;

    if (what && !(only = vs_domain_state_find_share(state, what, error)))
        return NULL;
    report->domain = g_strdup(state->name);
    report->shares = g_ptr_array_new_with_free_func((GDestroyNotify)vs_doctor_share_free);
    report->findings = g_ptr_array_new_with_free_func((GDestroyNotify)vs_finding_free);
    report->host_findings = g_ptr_array_new_with_free_func((GDestroyNotify)vs_finding_free);
    if (!vs_domain_state_identity(state, opts->qemu_conf, &report->identity, error))
        return NULL;
    if (opts->fix && !opts->config) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("no host path policy given for the fixes"));
        return NULL;
    }
    vs_doctor_security(report, state, opts->qemu_conf);
    vs_doctor_host(report, state, opts->qemu_conf);
    vs_doctor_guest(report, state);
    report->errors = vs_count(report->host_findings, VS_SEVERITY_ERROR) +
                     vs_count(report->findings, VS_SEVERITY_ERROR);
    report->warnings = vs_count(report->host_findings, VS_SEVERITY_WARNING) +
                       vs_count(report->findings, VS_SEVERITY_WARNING);
    all = vs_status_collect(state, &report->agent_error);
    report->agent = vs_status_agent(state->running, report->agent_error);

    for (guint i = 0; i < all->len; i++) {
        VsShareStatus *st = g_ptr_array_index(all, i);
        VsDoctorShare *ds;

        if (only && g_strcmp0(st->share->tag, only->tag) != 0)
            continue;
        if (!(ds = vs_doctor_share(report, state, g_steal_pointer(&all->pdata[i]), opts, error)))
            return NULL;
        g_ptr_array_add(report->shares, ds);
    }
    return g_steal_pointer(&report);
}

const char *
vs_doctor_summary(const VsDoctorReport *r)
{
    if (r->errors)
        return NULL;
    if (!r->guest_checked)
        return _("No error found on the host; the guest could not be checked (the domain is "
                 "not running).");
    if (r->warnings)
        return ngettext("No error found, but see the warning above.",
                        "No error found, but see the warnings above.", r->warnings);
    return _("No problem found.");
}
