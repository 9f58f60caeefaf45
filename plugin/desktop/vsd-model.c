/* vsd-model.c: reading domains and running share operations, off the main thread. */
#include <config.h>

#include "vs-agent.h"
#include "vs-config.h"
#include "vs-conn.h"
#include "vs-doctor.h"
#include "vs-domain.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-identity.h"
#include "vs-op.h"
#include "vsd-model.h"
#include "vs-guest.h"

/* TCG guests on a busy host take over a minute to boot (measured: 68 s). */
#define VSD_RESTART_TIMEOUT_MS (180 * 1000)

static void
vsd_domain_free(VsdDomain *d)
{
    g_free(d->name);
    g_free(d->agent_error);
    g_clear_pointer(&d->shares, g_ptr_array_unref);
    g_free(d);
}

void
vsd_snapshot_free(VsdSnapshot *snap)
{
    if (!snap)
        return;
    g_free(snap->uri);
    g_free(snap->resolved_uri);
    g_clear_pointer(&snap->domains, g_ptr_array_unref);
    g_free(snap);
}

static gint
vsd_domain_cmp(gconstpointer a, gconstpointer b)
{
    const VsdDomain *da = *(VsdDomain *const *)a, *db = *(VsdDomain *const *)b;

    return g_utf8_collate(da->name, db->name);
}

static VsdDomain *
vsd_domain_load(virDomain *dom)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VsDomainState) state = vs_domain_state_load(dom, &error);
    VsdDomain *d = g_new0(VsdDomain, 1);
    int st, reason;

    if (!state) {
        /* Gone between listing and reading: show it with the reason. */
        d->name = g_strdup(virDomainGetName(dom));
        d->agent_error = g_strdup(error->message);
        d->shares = g_ptr_array_new();
        return d;
    }
    d->name = g_strdup(state->name);
    d->running = state->running;
    d->paused = virDomainGetState(dom, &st, &reason, 0) == 0 && st == VIR_DOMAIN_PAUSED;
    d->shares = vs_status_collect(state, &d->agent_error);
    d->agent_install = vs_guest_family_agent_install(vs_guest_family_of_domain(
        state->config_doc ? state->config_doc : state->live_doc));
    return d;
}

static virConnect *
vsd_connect(const char *uri, GError **error)
{
    return vs_conn_open(uri && *uri ? uri : NULL, error);
}

VsdSnapshot *
vsd_snapshot_load(const char *uri, GError **error)
{
    g_autoptr(virConnect) conn = vsd_connect(uri, error);
    g_autoptr(GPtrArray) doms = NULL;
    g_autoptr(VsdSnapshot) snap = g_new0(VsdSnapshot, 1);

    if (!conn || !(doms = vs_domain_list(conn, 0, error)))
        return NULL;
    snap->uri = g_strdup(uri);
    snap->resolved_uri = virConnectGetURI(conn);
    snap->domains = g_ptr_array_new_with_free_func((GDestroyNotify)vsd_domain_free);
    for (guint i = 0; i < doms->len; i++)
        g_ptr_array_add(snap->domains, vsd_domain_load(g_ptr_array_index(doms, i)));
    g_ptr_array_sort(snap->domains, vsd_domain_cmp);
    return g_steal_pointer(&snap);
}

void
vsd_finding_free(VsdFinding *f)
{
    if (!f)
        return;
    g_free(f->tag);
    g_free(f->source);
    vs_finding_free(f->finding);
    g_free(f);
}

VsdOp *
vsd_op_new(VsdOpKind kind, const char *uri, const char *domain)
{
    VsdOp *op = g_new0(VsdOp, 1);

    op->kind = kind;
    op->uri = g_strdup(uri);
    op->domain = g_strdup(domain);
    return op;
}

void
vsd_op_free(VsdOp *op)
{
    if (!op)
        return;
    g_free(op->uri);
    g_free(op->domain);
    g_free(op->tag);
    g_free(op->source);
    g_free(op->target);
    vsd_finding_free(op->fix);
    g_free(op->description);
    g_free(op->qemu_user);
    g_free(op->identity);
    g_free(op->summary);
    g_clear_pointer(&op->findings, g_ptr_array_unref);
    g_free(op);
}

static void
vsd_op_ropts(VsdOp *op, VsRunOptions *ropts)
{
    vs_run_options_init(ropts);
    ropts->notify = op->notify;
    ropts->notify_data = op->notify_data;
}

/* Who QEMU runs as for @domain (the user that owns what 9p writes), or NULL. */
static char *
vsd_qemu_user(virConnect *conn, const char *domain)
{
    g_autoptr(VsDomainState) state = vs_op_load(conn, domain, NULL, 0, NULL);
    g_auto(VsIdentity) id = { 0 };

    if (!state || !vs_domain_state_identity(state, NULL, &id, NULL))
        return NULL;
    return g_strdup(id.user);
}

/* Automatic chose 9p for a shut-off VM: would the core take virtiofs,
 * adding shared memory, for the same folder?  Asked, not guessed. */
static gboolean
vsd_virtiofs_offer(const VsdOp *op, virConnect *conn, const VsAddOptions *opts,
                   const VsRunOptions *ropts)
{
    VsAddOptions alt = *opts;
    g_autoptr(VsAddJob) job = NULL;

    if (op->driver != VS_DRIVER_AUTO || op->mode != VS_MODE_DEFAULT ||
        op->plan.driver != VS_DRIVER_9P || op->plan.live || op->plan.restart_needed)
        return FALSE;
    alt.driver = VS_DRIVER_VIRTIOFS;
    alt.mode = VS_MODE_DEFAULT;
    job = vs_op_add_plan(conn, op->domain, &alt, ropts, NULL);
    return job && !job->plan.live && !job->plan.restart_needed;
}

/* Add: the plan only, or (VSD_OP_ADD) the change, which the core refuses
 * unless its plan under the domain's lock is the one the user saw. */
static gboolean
vsd_op_add(VsdOp *op, virConnect *conn, GError **error)
{
    g_autoptr(VsConfig) config = vs_config_load(NULL, error);
    g_autoptr(VsAddJob) job = NULL;
    VsAddOptions opts = { 0 };
    VsRunOptions ropts;

    if (!config)
        return FALSE;
    opts.config = config;
    opts.source = op->source;
    opts.target = op->target && *op->target ? op->target : NULL;
    opts.driver = op->driver;
    opts.mode = op->mode;
    opts.readonly = op->readonly;
    vsd_op_ropts(op, &ropts);
    if (op->kind == VSD_OP_ADD_PREPARE) {
        ropts.mount = TRUE;
        if (!(job = vs_op_add_plan(conn, op->domain, &opts, &ropts, error)))
            return FALSE;
        op->description = g_strdup(job->description);
        op->plan = job->plan;
        op->qemu_user = vsd_qemu_user(conn, op->domain);
        op->virtiofs_offer = vsd_virtiofs_offer(op, conn, &opts, &ropts);
        return TRUE;
    }
    opts.expect_plan = &op->shown_plan;
    ropts.mount = TRUE;
    ropts.restart = op->restart;
    /* The window does not wait: give a slow guest time to boot again. */
    if (op->restart)
        ropts.timeout_ms = VSD_RESTART_TIMEOUT_MS;
    ropts.persist = op->persist;
    if (!vs_op_add(conn, op->domain, &opts, &ropts, &job, error))
        return FALSE;
    op->plan = job->plan;
    g_free(op->tag);
    op->tag = g_strdup(job->share->tag);
    return TRUE;
}

/* How the program fixes a finding: the core's fix (ACL entries) for the
 * errors it can fix, a mount or a remount for the guest side, a start for
 * a domain that is not running (then the guest side can be checked).  A
 * guest agent that does not answer or has commands disabled is fixed in the
 * guest: no button. */
static VsdFixKind
vsd_fix_kind(const VsFinding *f)
{
    if (f->severity == VS_SEVERITY_ERROR && f->code == VS_FINDING_SETUID_UNPROTECTED &&
        vs_doctor_fixable(f))
        return VSD_FIX_PROTECT;
    if (f->severity == VS_SEVERITY_ERROR && vs_doctor_fixable(f))
        return VSD_FIX_DOCTOR;
    if (f->code == VS_FINDING_NOT_RUNNING)
        return VSD_FIX_START;
    if (f->code == VS_FINDING_NOT_MOUNTED)
        return VSD_FIX_MOUNT;
    if (f->code == VS_FINDING_SMALL_MSIZE)
        return VSD_FIX_REMOUNT;
    return VSD_FIX_NONE;
}

/* Move the findings of @from into @op, each about the host (@host), @share,
 * or else the domain, with the fix the window can offer for it. */
static void
vsd_op_take_findings(VsdOp *op, GPtrArray *from, gboolean host, const VsShare *share)
{
    while (from->len) {
        VsdFinding *f = g_new0(VsdFinding, 1);

        f->host = host;
        f->tag = share ? g_strdup(share->tag) : NULL;
        f->source = share ? g_strdup(share->source) : NULL;
        f->finding = g_ptr_array_steal_index(from, 0);
        f->fix = vsd_fix_kind(f->finding);
        g_ptr_array_add(op->findings, f);
    }
}

static void
vsd_op_take_report(VsdOp *op, VsDoctorReport *report)
{
    g_autoptr(GString) about = g_string_new(NULL);

    g_string_append_printf(about, _("QEMU runs as %s:%s (from %s)."), report->identity.user,
                           report->identity.group, report->identity.origin);
    if (report->labels_may_deny)
        g_string_append_printf(about, "\n%s", _("SELinux or AppArmor labels can deny access "
                                                "even where the permissions allow it."));
    if (report->dynamic_ownership_off)
        g_string_append_printf(about, "\n%s", _("dynamic_ownership = 0 in qemu.conf: libvirt "
                                                "does not relabel images."));
    /* The domain's findings say it better when there are any. */
    if (report->agent_error && report->findings->len == 0)
        g_string_append_printf(about, "\n%s %s", _("Guest agent:"), report->agent_error);
    op->identity = g_string_free(g_steal_pointer(&about), FALSE);
    op->summary = g_strdup(vs_doctor_summary(report));
    g_free(op->qemu_user);
    op->qemu_user = g_strdup(report->identity.user);
    op->findings = g_ptr_array_new_with_free_func((GDestroyNotify)vsd_finding_free);
    /* The host's and the domain's findings first: they decide about every share. */
    vsd_op_take_findings(op, report->host_findings, TRUE, NULL);
    vsd_op_take_findings(op, report->findings, FALSE, NULL);
    for (guint i = 0; i < report->shares->len; i++) {
        VsDoctorShare *ds = g_ptr_array_index(report->shares, i);

        vsd_op_take_findings(op, ds->findings, FALSE, ds->share);
    }
}

static gboolean
vsd_op_doctor(VsdOp *op, virConnect *conn, GError **error)
{
    VsDoctorOptions dopts = { 0 };
    g_autoptr(VsDoctorReport) report = vs_op_doctor(conn, op->domain, NULL, &dopts, error);

    if (!report)
        return FALSE;
    vsd_op_take_report(op, report);
    return TRUE;
}

/* Start the domain and wait for its guest agent, so that the check that
 * follows sees the guest side. */
static gboolean
vsd_op_start(VsdOp *op, virConnect *conn, GError **error)
{
    g_autoptr(virDomain) dom = vs_domain_lookup(conn, op->domain, error);

    if (!dom)
        return FALSE;
    if (virDomainIsActive(dom) == 0 && virDomainCreate(dom) < 0) {
        vs_conn_set_error(error, _("cannot start the domain"));
        return FALSE;
    }
    return vs_agent_wait(dom, VSD_RESTART_TIMEOUT_MS, error);
}

static gboolean
vsd_op_fix(VsdOp *op, virConnect *conn, GError **error)
{
    VsDoctorOptions dopts = { .fix = TRUE };
    g_autoptr(VsDoctorReport) report = NULL;
    g_autoptr(VsConfig) config = NULL;
    const char *tag = op->fix->tag;
    VsRunOptions ropts;

    vsd_op_ropts(op, &ropts);
    switch (op->fix->fix) {
    case VSD_FIX_DOCTOR:
    case VSD_FIX_PROTECT:
        /* The core applies the fixes of this share's errors, nothing more,
         * and only where the host path policy allows. */
        if (!(config = vs_config_load(NULL, error)))
            return FALSE;
        dopts.config = config;
        report = vs_op_doctor(conn, op->domain, tag, &dopts, error);
        return report != NULL;
    case VSD_FIX_REMOUNT:
        if (!vs_op_umount(conn, op->domain, tag, &ropts, error))
            return FALSE;
        /* fall through */
    case VSD_FIX_MOUNT:
        return vs_op_mount(conn, op->domain, tag, NULL, &ropts, error);
    case VSD_FIX_START:
        return vsd_op_start(op, conn, error);
    case VSD_FIX_NONE:
    case VSD_FIX_LAST:
        break;
    }
    g_set_error(error, VS_ERROR, VS_ERROR_INVALID, _("this finding has no fix"));
    return FALSE;
}

/* Each operation is the core's (vs-op.h), as the CLI runs it. */
gboolean
vsd_op_run(VsdOp *op, GError **error)
{
    g_autoptr(virConnect) conn = vsd_connect(op->uri, error);
    VsRunOptions ropts;

    if (!conn)
        return FALSE;
    vsd_op_ropts(op, &ropts);
    switch (op->kind) {
    case VSD_OP_ADD_PREPARE:
    case VSD_OP_ADD:
        return vsd_op_add(op, conn, error);
    case VSD_OP_REMOVE:
        return vs_op_remove(conn, op->domain, op->tag, &ropts, NULL, error);
    case VSD_OP_MOUNT:
        return vs_op_mount(conn, op->domain, op->tag, NULL, &ropts, error);
    case VSD_OP_UMOUNT:
        return vs_op_umount(conn, op->domain, op->tag, &ropts, error);
    case VSD_OP_DOCTOR:
        return vsd_op_doctor(op, conn, error);
    case VSD_OP_FIX:
        /* After a fix, the findings that are left. */
        return vsd_op_fix(op, conn, error) && vsd_op_doctor(op, conn, error);
    case VSD_OP_RESTART:
        /* The window does not wait: give a slow guest time to boot again. */
        ropts.timeout_ms = VSD_RESTART_TIMEOUT_MS;
        return vs_op_restart(conn, op->domain, &ropts, error);
    }
    g_assert_not_reached();
}
