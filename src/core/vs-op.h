/* vs-op.h: the API every front end calls (the CLI, the watcher, the desktop
 * program), by domain name:
 *
 *   the one loader: look the domain up -> lock it (changes only) -> read it;
 *   then find the share or plan the change (vs-add.h, vs-remove.h) -> run it
 *   (vs-run.h: attach, restart, mount; rollback), or ask the doctor.
 *
 * Progress goes to @ropts->notify; nothing is printed. */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "vs-doctor.h"
#include "vs-lock.h"
#include "vs-add.h"
#include "vs-run.h"

/* The one loader: look @name up the way virsh does (id, UUID, name) and read
 * it.  With @lock (may be NULL), take the domain's lock first, for at most
 * @timeout_ms, and keep it (*@lock) from reading to the end of a change. */
VsDomainState *vs_op_load(virConnect *conn, const char *name, VsLock **lock,
                          guint timeout_ms, GError **error);
/* The same, for a domain the caller has looked up already (the watcher,
 * by UUID). */
VsDomainState *vs_op_load_domain(virDomain *dom, VsLock **lock, guint timeout_ms,
                                 GError **error);

/* Plan an add and change nothing: add's dry run (vs_op_add with
 * @ropts->dry_run), every check add makes included, so that a review passes
 * only what add would pass.  The job has the plan, its description and the
 * device XML. */
VsAddJob *vs_op_add_plan(virConnect *conn, const char *domain, const VsAddOptions *opts,
                         const VsRunOptions *ropts, GError **error);

/* Add a share to @domain and mount it in the guest (as @ropts says); the
 * domain's lock is held for @ropts->timeout_ms at most.  With
 * @ropts->dry_run: plan and run every check add makes, change nothing
 * (vs_run_add_check), failing with the error add would fail with.  @ropts->notify first
 * gets the plan's description.  *@job_out (may be NULL) receives the job,
 * e.g. to tell whether a restart is still needed.  With @ropts->exist_ok a
 * share there already with the same options (vs_add_existing) is
 * success: the job has only that share and unchanged set. */
gboolean vs_op_add(virConnect *conn, const char *domain, const VsAddOptions *opts,
                   const VsRunOptions *ropts, VsAddJob **job_out, GError **error);

/* Unmount and detach the share @what names (a tag or a host folder,
 * vs_domain_state_find_share).  *@job_out (may be NULL) receives the job.
 * With @ropts->exist_ok a share that is not there (or only in the running
 * domain, 9p removed from the definition) is success, and *@job_out NULL. */
gboolean vs_op_remove(virConnect *conn, const char *domain, const char *what,
                      const VsRunOptions *ropts, VsRemoveJob **job_out, GError **error);

/* Mount the attached shares that are not mounted: all, or the one @what
 * names; @target (only with @what) overrides the mount point.  Then records
 * each mount point in the domain's metadata, so that the watcher mounts the
 * share again at every boot (also a share virt-manager or cockpit added).
 * Takes the domain's lock. */
gboolean vs_op_mount(virConnect *conn, const char *domain, const char *what, const char *target,
                     const VsRunOptions *ropts, GError **error);

/* Unmount all shares in the guest, or the one @what names; the devices stay.
 * Their records are marked so that the watcher leaves them unmounted (the
 * mount point stays recorded for a later mount).  Takes the domain's lock. */
gboolean vs_op_umount(virConnect *conn, const char *domain, const char *what,
                      const VsRunOptions *ropts, GError **error);

/* Restart the running @domain so that shares pending a restart appear, and
 * mount the shares virt-share manages (vs_run_restart).  Takes the domain's
 * lock, for @ropts->timeout_ms at most. */
gboolean vs_op_restart(virConnect *conn, const char *domain, const VsRunOptions *ropts,
                       GError **error);

/* The doctor's report on @domain's shares, or on the one @what names;
 * with @dopts->fix, after applying the fixes it can (vs-doctor.h). */
VsDoctorReport *vs_op_doctor(virConnect *conn, const char *domain, const char *what,
                             const VsDoctorOptions *dopts, GError **error);
