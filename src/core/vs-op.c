/* vs-op.c: the front ends' API, by domain name (see vs-op.h). */
#include <config.h>

#include "vs-conn.h"
#include "vs-domain.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-lock.h"
#include "vs-op.h"

VsDomainState *
vs_op_load(virConnect *conn, const char *name, VsLock **lock, guint timeout_ms, GError **error)
{
    g_autoptr(virDomain) dom = vs_domain_lookup(conn, name, error);

    return dom ? vs_op_load_domain(dom, lock, timeout_ms, error) : NULL;
}

VsDomainState *
vs_op_load_domain(virDomain *dom, VsLock **lock, guint timeout_ms, GError **error)
{
    if (lock && !(*lock = vs_lock_domain(dom, timeout_ms, error)))
        return NULL;
    return vs_domain_state_load(dom, error);
}

/* The tag of the share @what names, or NULL for "all" when @what is NULL. */
static gboolean
vs_op_tag(VsDomainState *state, const char *what, char **tag, GError **error)
{
    g_autoptr(VsShare) share = NULL;

    *tag = NULL;
    if (!what)
        return TRUE;
    if (!(share = vs_domain_state_find_share(state, what, error)))
        return FALSE;
    *tag = g_steal_pointer(&share->tag);
    return TRUE;
}

VsAddJob *
vs_op_add_plan(virConnect *conn, const char *domain, const VsAddOptions *opts,
               const VsRunOptions *ropts, GError **error)
{
    VsRunOptions dry = *ropts;
    g_autoptr(VsAddJob) job = NULL;

    /* The dry run of add itself, so that a front end's review passes exactly
     * what add would pass. */
    dry.dry_run = TRUE;
    if (!vs_op_add(conn, domain, opts, &dry, &job, error))
        return NULL;
    return g_steal_pointer(&job);
}

gboolean
vs_op_add(virConnect *conn, const char *domain, const VsAddOptions *opts,
          const VsRunOptions *ropts, VsAddJob **job_out, GError **error)
{
    g_autoptr(VsLock) lock = NULL;
    /* A dry run changes nothing: no lock (it works on a read-only connection). */
    g_autoptr(VsDomainState) state = vs_op_load(conn, domain, ropts->dry_run ? NULL : &lock,
                                                ropts->timeout_ms, error);
    g_autoptr(VsAddJob) job = NULL;
    gboolean ok;

    if (!state)
        return FALSE;
    if (ropts->exist_ok) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VsShare) there = vs_add_existing(state, opts, &err);

        if (err) {
            g_propagate_error(error, g_steal_pointer(&err));
            return FALSE;
        }
        if (there) {
            job = g_new0(VsAddJob, 1);
            job->share = g_steal_pointer(&there);
            job->unchanged = TRUE;
            if (job_out)
                *job_out = g_steal_pointer(&job);
            return TRUE;
        }
    }
    if (!(job = vs_add_prepare(state, opts, error)))
        return FALSE;
    if (opts->expect_plan && !vs_plan_equal(&job->plan, opts->expect_plan)) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("domain '%s' changed since the plan was made; nothing was changed: "
                      "review the plan again"), state->name);
        return FALSE;
    }
    if (ropts->notify)
        ropts->notify(job->description, ropts->notify_data);
    ok = vs_run_add(state, job, ropts, error);
    /* Where the share is now (for a dry run: would be), as list reports it. */
    job->share->where = (job->plan.config ? VS_WHERE_CONFIG : 0) |
                        (job->plan.live || (job->plan.restart_needed && ropts->restart)
                         ? VS_WHERE_LIVE : 0);
    job->share->running = state->running;
    job->share->persistent = state->persistent;
    if (job_out)
        *job_out = g_steal_pointer(&job);
    return ok;
}

gboolean
vs_op_remove(virConnect *conn, const char *domain, const char *what, const VsRunOptions *ropts,
             VsRemoveJob **job_out, GError **error)
{
    g_autoptr(VsLock) lock = NULL;
    g_autoptr(VsDomainState) state = vs_op_load(conn, domain, &lock, ropts->timeout_ms, error);
    g_autoptr(VsRemoveJob) job = NULL;
    g_autoptr(GError) err = NULL;
    gboolean ok;

    if (job_out)
        *job_out = NULL;
    if (!state)
        return FALSE;
    if (!(job = vs_remove_prepare(state, what, &err))) {
        /* Gone from the definition but still attached (9p) counts as absent:
         * nothing more that remove could do now. */
        if (ropts->exist_ok && (g_error_matches(err, VS_ERROR, VS_ERROR_NOT_FOUND) ||
                                g_error_matches(err, VS_ERROR, VS_ERROR_UNSUPPORTED)))
            return TRUE;
        g_propagate_error(error, g_steal_pointer(&err));
        return FALSE;
    }
    ok = vs_run_remove(state, job, ropts, error);
    if (job_out)
        *job_out = g_steal_pointer(&job);
    return ok;
}

gboolean
vs_op_mount(virConnect *conn, const char *domain, const char *what, const char *target,
            const VsRunOptions *ropts, GError **error)
{
    /* Locked: mount records mount points in the metadata (vs_run_mount). */
    g_autoptr(VsLock) lock = NULL;
    g_autoptr(VsDomainState) state = vs_op_load(conn, domain, &lock, ropts->timeout_ms, error);
    g_autofree char *tag = NULL;

    if (!state || !vs_op_tag(state, what, &tag, error))
        return FALSE;
    return vs_run_mount(state, tag, target, ropts, error);
}

gboolean
vs_op_umount(virConnect *conn, const char *domain, const char *what, const VsRunOptions *ropts,
             GError **error)
{
    g_autoptr(VsLock) lock = NULL;
    g_autoptr(VsDomainState) state = vs_op_load(conn, domain, &lock, ropts->timeout_ms, error);
    g_autofree char *tag = NULL;

    if (!state || !vs_op_tag(state, what, &tag, error))
        return FALSE;
    return vs_run_umount(state, tag, ropts, error);
}

gboolean
vs_op_restart(virConnect *conn, const char *domain, const VsRunOptions *ropts, GError **error)
{
    g_autoptr(VsLock) lock = NULL;
    g_autoptr(VsDomainState) state = vs_op_load(conn, domain, &lock, ropts->timeout_ms, error);

    return state && vs_run_restart(state, ropts, error);
}

VsDoctorReport *
vs_op_doctor(virConnect *conn, const char *domain, const char *what,
             const VsDoctorOptions *dopts, GError **error)
{
    g_autoptr(VsDomainState) state = vs_op_load(conn, domain, NULL, 0, error);

    return state ? vs_doctor_run(state, what, dopts, error) : NULL;
}
