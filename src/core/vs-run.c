/* vs-run.c: a job carried out with the guest's steps (see vs-run.h). */
#include <config.h>

#include <libvirt/virterror.h>
#include <unistd.h>

#include "vs-agent.h"
#include "vs-defaults.h"
#include "vs-domxml.h"
#include "vs-error.h"
#include "vs-guest.h"
#include "vs-identity.h"
#include "vs-i18n.h"
#include "vs-domain.h"
#include "vs-lock.h"
#include "vs-path.h"
#include "vs-perm.h"
#include "vs-run.h"
#include "vs-xml.h"

void
vs_run_options_init(VsRunOptions *ropts)
{
    memset(ropts, 0, sizeof(*ropts));
    ropts->mount = TRUE;
    ropts->timeout_ms = VS_DEFAULT_TIMEOUT_MS;
}

static void
vs_notify_va(VsNotifyFunc func, gpointer data, const char *fmt, va_list args)
{
    g_autofree char *msg = NULL;

    if (!func)
        return;
    msg = g_strdup_vprintf(fmt, args);
    func(msg, data);
}

static void G_GNUC_PRINTF(2, 3)
vs_notify(const VsRunOptions *ropts, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vs_notify_va(ropts->notify, ropts->notify_data, fmt, args);
    va_end(args);
}

/* A warning: the share works (or the change went through) but not all of
 * it; front ends show these even when asked to be quiet. */
static void G_GNUC_PRINTF(2, 3)
vs_warn(const VsRunOptions *ropts, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vs_notify_va(ropts->warn ? ropts->warn : ropts->notify, ropts->notify_data, fmt, args);
    va_end(args);
}

/* The guest is ready for @driver: agent answers, the system is Linux (or
 * cannot be told), the commands we need are not disabled, the kernel knows
 * the file system (loaded, unless a dry run). */
static gboolean
vs_guest_preflight(virDomain *dom, VsDriver driver, const VsRunOptions *ropts, GError **error)
{
    g_autoptr(GHashTable) disabled = NULL;
    g_autoptr(VsGuestOs) os = NULL;
    gboolean has = FALSE;
    const char *blocked;

    /* guest-info fails like guest-ping when the agent is not there: no ping. */
    if (!(disabled = vs_agent_disabled_commands(dom, error)))
        return FALSE;
    /* Before the disabled commands: on Windows no command list helps. */
    if (!vs_agent_osinfo(dom, &os, error) || !vs_guest_os_check(os, error))
        return FALSE;
    if ((blocked = vs_guest_blocked_command(disabled))) {
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                    _("the guest agent has '%s' disabled, which mounting needs: remove it "
                      "from qemu-ga's --block-rpcs (or add it to the allow-list in "
                      "/etc/sysconfig/qemu-ga) in the guest"), blocked);
        return FALSE;
    }
    if (!ropts->dry_run)
        return vs_guest_ensure_fs(dom, driver, ropts->timeout_ms, error);
    if (!vs_guest_has_fs(dom, driver, &has, error))
        return FALSE;
    if (!has)
        vs_notify(ropts, _("The guest kernel has no %s yet: add will load its module "
                           "(modprobe)."), vs_guest_fstype(driver));
    return TRUE;
}

/* A share a running guest gets at its next start needs no agent now, as
 * ever; but an agent that says the guest is not Linux is heard, before the
 * definition changes for a mount that could never happen. */
static gboolean
vs_guest_os_heard(virDomain *dom, GError **error)
{
    g_autoptr(VsGuestOs) os = NULL;
    g_autoptr(GError) agent_error = NULL;

    if (!vs_agent_osinfo(dom, &os, &agent_error)) {
        g_debug("guest system not checked: %s", agent_error->message);
        return TRUE;
    }
    return vs_guest_os_check(os, error);
}

/* vs_guest_preflight, once per file system type in @checked. */
static gboolean
vs_guest_preflight_once(GHashTable *checked, virDomain *dom, VsDriver driver,
                        const VsRunOptions *ropts, GError **error)
{
    const char *fstype = vs_guest_fstype(driver);

    if (g_hash_table_contains(checked, fstype))
        return TRUE;
    if (!vs_guest_preflight(dom, driver, ropts, error))
        return FALSE;
    g_hash_table_add(checked, (gpointer)fstype);
    return TRUE;
}

/* Mount the share just attached; undo the attach if that fails.  After a
 * restart (@restarted) a 9p device cannot leave the running guest again. */
static gboolean
vs_mount_or_undo(VsDomainState *state, VsAddJob *job, const VsRunOptions *ropts,
                 gboolean restarted, GError **error)
{
    g_autoptr(GError) mount_error = NULL;
    g_autoptr(GError) undo_error = NULL;

    if (vs_guest_mount(state->dom, job->share, ropts->timeout_ms, NULL, &mount_error)) {
        vs_notify(ropts, _("Mounted at %s in the guest."), job->share->target);
        return TRUE;
    }
    if (ropts->keep_device) {
        g_propagate_prefixed_error(error, g_steal_pointer(&mount_error),
                                   _("mount failed (device kept, as asked): "));
        return FALSE;
    }
    if (!vs_add_rollback(state, job, &undo_error)) {
        /* Never "removed again" when it was not. */
        g_propagate_prefixed_error(error, g_steal_pointer(&mount_error), "%s",
                                   _("mount failed: "));
        vs_error_incomplete(error, undo_error);
        return FALSE;
    }
    g_propagate_prefixed_error(error, g_steal_pointer(&mount_error), "%s",
                               restarted ?
                               _("mount failed; the share was removed from the definition "
                                 "again (the running guest keeps the device until it stops): ")
                               : _("mount failed, the share was removed again: "));
    return FALSE;
}

/* Shut the domain down and start it again, then wait for its agent;
 * *@restarted (may be NULL) tells whether it was started again. */
static gboolean
vs_restart_wait_agent(VsDomainState *state, const VsRunOptions *ropts, gboolean *restarted,
                      GError **error)
{
    gint64 t0 = g_get_monotonic_time();

    if (!vs_domain_restart(state->dom, ropts->timeout_ms, ropts->force, error))
        return FALSE;
    if (restarted)
        *restarted = TRUE;
    if (!vs_agent_wait(state->dom, ropts->timeout_ms, error))
        return FALSE;
    vs_notify(ropts, _("Domain restarted, guest agent up after %.1f s."),
              (g_get_monotonic_time() - t0) / 1e6);
    return TRUE;
}

/* A restart failed: start the domain again if the failure left it stopped;
 * say so in @error when that fails too. */
static void
vs_start_again(VsDomainState *state, GError **error)
{
    if (virDomainIsActive(state->dom) == 0 && virDomainCreate(state->dom) < 0) {
        g_autoptr(GError) start_error = g_error_new(VS_ERROR, VS_ERROR_INCOMPLETE,
                                                    _("domain '%s' is left shut off: starting "
                                                      "it again failed: %s"), state->name,
                                                    virGetLastErrorMessage());
        vs_error_incomplete(error, start_error);
    }
}

/* A restart for the share failed: restore the definition, and start the
 * domain again if the failure left it stopped; say what could not be done. */
static void
vs_restart_undo(VsDomainState *state, VsAddJob *job, GError **error)
{
    g_autoptr(GError) undo_error = NULL;

    if (!vs_add_rollback(state, job, &undo_error))
        vs_error_incomplete(error, undo_error);
    vs_start_again(state, error);
}


/* The doctor's host-side checks, before anything changes: refuse a share that
 * cannot work (QEMU cannot reach or write the folder, passthrough without
 * root, mapped without xattrs).  Only for QEMU domains whose QEMU user we can
 * tell; anything else is left to the hypervisor. */
static gboolean
vs_host_preflight(VsDomainState *state, VsAddJob *job, const VsRunOptions *ropts,
                  GError **error)
{
    xmlDoc *doc = state->live_doc ? state->live_doc : state->config_doc;
    g_autofree char *virttype = vs_xml_prop(xmlDocGetRootElement(doc), "type");
    g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func((GDestroyNotify)vs_finding_free);
    g_autoptr(GError) id_error = NULL;
    g_autofree char *text = NULL;
    g_auto(VsIdentity) id = { 0 };

    if (ropts->force || (g_strcmp0(virttype, "qemu") != 0 && g_strcmp0(virttype, "kvm") != 0))
        return TRUE;
    if (!vs_domain_state_identity(state, NULL, &id, &id_error)) {
        vs_warn(ropts, _("Warning: permissions not checked: %s"), id_error->message);
        return TRUE;
    }
    if (vs_perm_check(job->share, &id, findings))
        return TRUE;
    text = vs_perm_errors_text(findings);
    g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                _("this share would not work (QEMU runs as %s, from %s):%s\n"
                  "Nothing was changed. Fix the above (or run 'virt-share doctor' after adding "
                  "with --force)."), id.user, id.origin, text);
    return FALSE;
}

/* After a restart the running guest has the 9p device until it stops, even
 * when the add is undone: its folder keeps the nosuid,nodev mount (and its
 * fstab lines), which a rollback would otherwise take away. */
static void
vs_run_keep_protection(VsAddJob *job, const VsRunOptions *ropts)
{
    /* --keep-device: nothing is undone, the share and its protection stay. */
    if (ropts->keep_device || (!job->did_protect.mounted && !job->did_protect.fstab_added))
        return;
    memset(&job->did_protect, 0, sizeof(job->did_protect));
    vs_warn(ropts, _("Warning: %s stays mounted with nosuid,nodev (and in %s): the running "
                     "guest keeps the share until it stops; 'umount' it and delete its "
                     "virt-share lines there after that."),
            job->share->source, vs_harden_fstab_path());
}

/* --persist: the guest's /etc/fstab gets the share (nofail), so the guest
 * mounts it at every boot by itself.  A failure here leaves a working share
 * behind, so it is a warning, not a rollback. */
static void
vs_persist(VsDomainState *state, VsAddJob *job, const VsRunOptions *ropts)
{
    g_autoptr(GError) error = NULL;

    if (!ropts->persist)
        return;
    if (virDomainIsActive(state->dom) != 1) {
        vs_warn(ropts, _("Warning: not persisted: the guest is not running; run add again "
                           "with --persist once it runs"));
        return;
    }
    if (vs_guest_fstab_add(state->dom, job->share, &error))
        vs_notify(ropts, _("Added to the guest's /etc/fstab (with nofail; the original is "
                           "kept as /etc/fstab.virt-share.bak)."));
    else
        vs_warn(ropts, _("Warning: could not add the share to the guest's /etc/fstab: %s"),
                  error->message);
}

gboolean
vs_run_add_check(VsDomainState *state, VsAddJob *job, const VsRunOptions *ropts,
                 GError **error)
{
    gboolean mount_now = ropts->mount && job->plan.live;
    gboolean restart = ropts->mount && ropts->restart && job->plan.restart_needed;

    if (!vs_host_preflight(state, job, ropts, error))
        return FALSE;
    /* mount(2) needs root (CAP_SYS_ADMIN): a libvirt-group user learns it
     * here, also from a dry run, with what an admin can run instead. */
    if (job->plan.protect && geteuid() != 0) {
        g_autofree char *fix = vs_harden_fix_commands(job->share->source);
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("%s must first be mounted again with nosuid,nodev (%s), which needs "
                      "root. Nothing was changed. Run add as root, or have an admin run: %s "
                      "(or add with --allow-setuid and accept that risk)"),
                    job->share->source, vs_harden_need_describe(job->harden), fix);
        return FALSE;
    }
    /* Check the guest before changing anything. */
    if (mount_now || restart)
        return vs_guest_preflight(state->dom, job->share->driver, ropts, error);
    return !ropts->mount || !state->running || vs_guest_os_heard(state->dom, error);
}

gboolean
vs_run_add(VsDomainState *state, VsAddJob *job, const VsRunOptions *ropts, GError **error)
{
    gboolean mount_now = ropts->mount && job->plan.live;
    gboolean restart = ropts->mount && ropts->restart && job->plan.restart_needed;

    if (!vs_run_add_check(state, job, ropts, error))
        return FALSE;
    if (ropts->dry_run)
        return TRUE;

    if (!vs_add_apply(state, job, error))
        return FALSE;
    if (job->plan.protect)
        vs_notify(ropts, _("Mounted %s again with nosuid,nodev (kept in %s)."),
                  job->share->source, vs_harden_fstab_path());
    if (job->plan.live)
        vs_notify(ropts, _("Attached %s share '%s' (tag %s) to the running domain."),
                  vs_driver_to_string(job->share->driver), job->share->source, job->share->tag);
    else
        vs_notify(ropts, _("Attached %s share '%s' (tag %s) to the persistent definition."),
                  vs_driver_to_string(job->share->driver), job->share->source, job->share->tag);

    if (mount_now) {
        if (!vs_mount_or_undo(state, job, ropts, FALSE, error))
            return FALSE;
        vs_persist(state, job, ropts);
        return TRUE;
    }

    if (restart) {
        g_autoptr(VsDomainState) fresh = NULL;
        g_autoptr(GError) others_error = NULL;
        gboolean restarted = FALSE;

        vs_notify(ropts, _("Restarting domain '%s' so that the share appears…"), state->name);
        if (!vs_restart_wait_agent(state, ropts, &restarted, error)) {
            g_autoptr(GError) undo_error = NULL;

            if (!restarted) {
                vs_restart_undo(state, job, error);
                return FALSE;
            }
            vs_run_keep_protection(job, ropts);
            if (!ropts->keep_device && !vs_add_rollback(state, job, &undo_error))
                vs_error_incomplete(error, undo_error);
            return FALSE;
        }
        {
            /* Kept whatever the mount does (vs_run_keep_protection). */
            VsHardenDone protected_by_add = job->did_protect;

            memset(&job->did_protect, 0, sizeof(job->did_protect));
            if (!vs_mount_or_undo(state, job, ropts, TRUE, error)) {
                job->did_protect = protected_by_add;
                vs_run_keep_protection(job, ropts);
                return FALSE;
            }
        }
        /* The other shares come back as after 'virt-share restart'; a failure
         * there is only a warning: this share works. */
        if ((fresh = vs_domain_state_load(state->dom, &others_error)))
            vs_run_mount_managed(fresh, job->share->tag, ropts, NULL);
        else
            vs_warn(ropts, _("Warning: %s"), others_error->message);
        vs_persist(state, job, ropts);
        return TRUE;
    }

    if (state->running && ropts->mount)
        vs_persist(state, job, ropts);
    if (job->plan.restart_needed && ropts->mount)
        vs_notify(ropts, _("It will be mounted at %s once the domain is shut down and started "
                           "again (a reboot inside the guest is not enough): run "
                           "'virt-share restart %s'."),
                  job->share->target, state->name);
    else if (!state->running && ropts->mount)
        vs_notify(ropts, _("Start the domain, then run 'virt-share mount %s' to mount it at %s."),
                  state->name, job->share->target);
    return TRUE;
}

/* After the device went: the folder's nosuid,nodev mount, when it was only
 * for this share.  The share is gone, so a failure is a warning: a nosuid
 * mount left behind takes nothing away from anyone. */
static void
vs_run_remove_harden(VsRemoveJob *job, const VsRunOptions *ropts)
{
    g_autoptr(GError) error = NULL;
    gboolean undone = FALSE;

    if (job->keep_protection) {
        vs_notify(ropts, _("%s stays mounted with nosuid,nodev while the running guest keeps "
                           "the share (until it stops); after that, 'umount' it and delete "
                           "its virt-share lines in %s."),
                  job->share->source, vs_harden_fstab_path());
        return;
    }
    if (!job->unprotect)
        return;
    if (!vs_harden_unprotect(job->share->source, NULL, &undone, &error))
        vs_warn(ropts, _("Warning: %s is still mounted with nosuid,nodev: %s"),
                job->share->source, error->message);
    else if (undone)
        vs_notify(ropts, _("No other domain shares %s: its nosuid,nodev mount and its lines "
                           "in %s are gone."), job->share->source, vs_harden_fstab_path());
}

gboolean
vs_run_remove(VsDomainState *state, VsRemoveJob *job, const VsRunOptions *ropts,
              GError **error)
{
    g_autoptr(GError) detach_error = NULL;
    gboolean was_mounted = FALSE;
    gboolean agent_up = FALSE;

    if (job->share->where & VS_WHERE_LIVE) {
        g_autoptr(GError) agent_error = NULL;

        if (!vs_agent_ping(state->dom, &agent_error)) {
            /* No agent: the device still goes; say that the guest may hold a stale mount. */
            vs_warn(ropts, _("Warning: not unmounted in the guest: %s"), agent_error->message);
        } else if (!vs_guest_umount(state->dom, job->share->tag, &was_mounted,
                                    ropts->timeout_ms, error)) {
            g_prefix_error(error, _("cannot unmount the share in the guest (nothing was "
                                    "changed): "));
            return FALSE;
        } else {
            if (was_mounted)
                vs_notify(ropts, _("Unmounted '%s' in the guest."), job->share->tag);
            agent_up = TRUE;
        }
    }
    /* INCOMPLETE: the device went, but its mount point record stayed. */
    if (!vs_remove_apply(state, job, &detach_error) &&
        detach_error->code != VS_ERROR_INCOMPLETE) {
        if (was_mounted) {
            g_autoptr(GError) left = g_error_new(VS_ERROR, VS_ERROR_INCOMPLETE,
                                                 _("the share is still attached, but it was "
                                                   "unmounted in the guest: 'virt-share mount "
                                                   "%s %s' mounts it again"),
                                                 state->name, job->share->tag);
            vs_error_incomplete(&detach_error, left);
        }
        g_propagate_error(error, g_steal_pointer(&detach_error));
        return FALSE;
    }
    /* Only now that the device is gone: a detach that fails must leave the
     * guest's fstab as it was. */
    if (agent_up) {
        gboolean removed = FALSE;
        g_autoptr(GError) fstab_error = NULL;

        if (!vs_guest_fstab_remove(state->dom, job->share->tag, &removed, &fstab_error))
            vs_warn(ropts, _("Warning: could not update the guest's /etc/fstab: %s"),
                      fstab_error->message);
        else if (removed)
            vs_notify(ropts, _("Removed it from the guest's /etc/fstab."));
    }
    if (detach_error) {
        g_propagate_error(error, g_steal_pointer(&detach_error));
        return FALSE;
    }
    vs_run_remove_harden(job, ropts);
    return TRUE;
}

char *
vs_run_default_target(const VsShare *share)
{
    g_autofree char *target = NULL;

    if (share->target)
        return g_strdup(share->target);
    if (g_path_is_absolute(share->tag) && vs_path_guest_default_target_check(share->tag, NULL))
        return g_strdup(share->tag);
    /* The tag comes from the domain XML: only a plain name may become a
     * directory under /mnt ("../../etc" must not become /etc, nor "a\x1b[2J"
     * or a name that is not UTF-8 a mount point). */
    if (!*share->tag || strchr(share->tag, '/'))
        return NULL;
    target = g_build_filename("/mnt", share->tag, NULL);
    return vs_path_guest_validate(target, NULL) ? g_steal_pointer(&target) : NULL;
}

/* The live shares named by @tag (all when NULL); NOT_FOUND if none. */
static GPtrArray *
vs_live_shares(VsDomainState *state, const char *tag, GError **error)
{
    g_autoptr(GPtrArray) all = NULL;
    GPtrArray *live = g_ptr_array_new_with_free_func((GDestroyNotify)vs_share_free);

    if (!state->running) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID, _("domain '%s' is not running"),
                    state->name);
        g_ptr_array_unref(live);
        return NULL;
    }
    all = vs_domain_state_shares(state);
    for (guint i = 0; i < all->len; i++) {
        VsShare *share = g_ptr_array_index(all, i);
        if ((share->where & VS_WHERE_LIVE) && (!tag || g_strcmp0(tag, share->tag) == 0))
            g_ptr_array_add(live, g_steal_pointer(&all->pdata[i]));
    }
    if (tag && live->len == 0) {
        g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND,
                    _("domain '%s' has no share with tag '%s' attached to the running guest"),
                    state->name, tag);
        g_ptr_array_unref(live);
        return NULL;
    }
    return live;
}

/* Record the mount points of @shares (their target) for the watcher, with
 * @automount; after the guest side is done, so a failure there records
 * nothing.  A share removed from the definition of a persistent domain (it
 * stays attached until the domain stops) is not recorded: it is on its way out. */
static gboolean
vs_run_record(VsDomainState *state, GPtrArray *shares, gboolean automount,
              const VsRunOptions *ropts, GError **error)
{
    g_autoptr(GHashTable) records = g_hash_table_new(g_str_hash, g_str_equal);
    VsRecordJob job;
    gboolean ok;

    for (guint i = 0; i < shares->len; i++) {
        VsShare *share = g_ptr_array_index(shares, i);

        if (share->target && (!state->persistent || (share->where & VS_WHERE_CONFIG)))
            g_hash_table_insert(records, share->tag, share->target);
    }
    vs_metadata_record_prepare(state, records, automount, &job);
    if (!job.config_metadata.change && !job.live_metadata.change)
        return TRUE;
    ok = vs_metadata_record_apply(state, &job, error);
    vs_metadata_record_clear(&job);
    if (!ok) {
        g_prefix_error(error, automount ? _("mounted in the guest, but the mount points could "
                                            "not be recorded for 'virt-share watch' (the "
                                            "records are as they were): ")
                                        : _("unmounted in the guest, but 'virt-share watch' "
                                            "could not be told to leave the shares alone (the "
                                            "records are as they were): "));
        return FALSE;
    }
    vs_notify(ropts, automount ? _("Recorded: 'virt-share watch' mounts them again at every "
                                   "guest boot.")
                               : _("Recorded: 'virt-share watch' leaves them unmounted at "
                                   "the next boots; 'virt-share mount' mounts them again."));
    return TRUE;
}

gboolean
vs_run_mount(VsDomainState *state, const char *tag, const char *target,
             const VsRunOptions *ropts, GError **error)
{
    g_autoptr(GPtrArray) shares = vs_live_shares(state, tag, error);
    g_autoptr(GHashTable) checked = g_hash_table_new(g_str_hash, g_str_equal);

    if (!shares)
        return FALSE;
    if (target && !vs_path_guest_validate(target, error))
        return FALSE;
    if (shares->len == 0) {
        vs_notify(ropts, _("Domain '%s' has no shares attached."), state->name);
        return TRUE;
    }
    for (guint i = 0; i < shares->len; i++) {
        VsShare *share = g_ptr_array_index(shares, i);
        g_autofree char *mount_point = target ? g_strdup(target) : vs_run_default_target(share);
        gboolean already;

        if (!vs_guest_preflight_once(checked, state->dom, share->driver, ropts, error))
            return FALSE;
        g_free(share->target);
        share->target = g_steal_pointer(&mount_point);
        if (!vs_guest_mount(state->dom, share, ropts->timeout_ms, &already, error)) {
            g_prefix_error(error, _("share '%s': "), share->tag);
            return FALSE;
        }
        if (already)
            vs_notify(ropts, _("'%s' (%s) is already mounted at %s."), share->tag, share->source,
                      share->target);
        else
            vs_notify(ropts, _("Mounted '%s' (%s) at %s."), share->tag, share->source,
                      share->target);
    }
    return vs_run_record(state, shares, TRUE, ropts, error);
}

gboolean
vs_run_umount(VsDomainState *state, const char *tag, const VsRunOptions *ropts, GError **error)
{
    g_autoptr(GPtrArray) shares = vs_live_shares(state, tag, error);

    if (!shares)
        return FALSE;
    if (!vs_agent_ping(state->dom, error))
        return FALSE;
    for (guint i = 0; i < shares->len; i++) {
        VsShare *share = g_ptr_array_index(shares, i);
        gboolean was_mounted;

        if (!vs_guest_umount(state->dom, share->tag, &was_mounted, ropts->timeout_ms, error))
            return FALSE;
        if (was_mounted)
            vs_notify(ropts, _("Unmounted '%s'."), share->tag);
        else if (tag)
            vs_notify(ropts, _("'%s' was not mounted."), share->tag);
    }
    /* An explicit umount: the watcher must not mount it again at the next
     * boot.  The mount point stays recorded, for 'virt-share mount'. */
    return vs_run_record(state, shares, FALSE, ropts, error);
}

gboolean
vs_run_restart(VsDomainState *state, const VsRunOptions *ropts, GError **error)
{
    g_autoptr(VsDomainState) fresh = NULL;
    gboolean restarted = FALSE;

    if (!state->running) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID, _("domain '%s' is not running"),
                    state->name);
        return FALSE;
    }
    vs_notify(ropts, _("Restarting domain '%s'…"), state->name);
    if (!vs_restart_wait_agent(state, ropts, &restarted, error)) {
        if (restarted)
            g_prefix_error(error, _("domain '%s' was restarted, but: "), state->name);
        else
            vs_start_again(state, error);
        return FALSE;
    }
    /* The running domain now has the devices of the definition. */
    if (!(fresh = vs_domain_state_load(state->dom, error)))
        return FALSE;
    return vs_run_mount_managed(fresh, NULL, ropts, error);
}

/* Is @share still to be mounted: live, with a mount point, not unmounted by
 * hand?  For a caller without the domain lock (ropts->unlocked), read again
 * under the lock, which is held only for that read: a guest that answers
 * slowly or keeps reconnecting never keeps a command waiting, and what a
 * command changed meanwhile wins. */
static gboolean
vs_run_still_wanted(VsDomainState *state, const VsShare *share, const VsRunOptions *ropts,
                    GError **error)
{
    g_autoptr(VsLock) lock = NULL;
    g_autoptr(VsDomainState) fresh = NULL;
    g_autoptr(GPtrArray) shares = NULL;

    if (!ropts->unlocked)
        return TRUE;
    if (!(lock = vs_lock_domain(state->dom, ropts->timeout_ms, error)) ||
        !(fresh = vs_domain_state_load(state->dom, error)))
        return FALSE;
    shares = vs_domain_state_shares(fresh);
    for (guint i = 0; i < shares->len; i++) {
        const VsShare *now = g_ptr_array_index(shares, i);

        if (g_strcmp0(now->tag, share->tag) == 0)
            return (now->where & VS_WHERE_LIVE) && !now->no_automount &&
                   g_strcmp0(now->target, share->target) == 0;
    }
    return FALSE;
}

/* Mount @share unless a command changed it meanwhile (vs_run_still_wanted,
 * before and after the guest's steps, which run without the lock).  A mount
 * that a command made unwanted while it ran is taken back. */
static gboolean
vs_run_mount_one(VsDomainState *state, GHashTable *checked, const VsShare *share,
                 const VsRunOptions *ropts, gboolean *mounted, GError **error)
{
    g_autoptr(GError) wanted_error = NULL;
    gboolean was_mounted = FALSE;

    *mounted = FALSE;
    if (!vs_run_still_wanted(state, share, ropts, &wanted_error)) {
        if (!wanted_error)
            return TRUE;    /* removed or unmounted by a command: nothing to do */
        g_propagate_error(error, g_steal_pointer(&wanted_error));
        return FALSE;
    }
    if (!vs_guest_preflight_once(checked, state->dom, share->driver, ropts, error) ||
        !vs_guest_mount(state->dom, share, ropts->timeout_ms, NULL, error))
        return FALSE;
    if (vs_run_still_wanted(state, share, ropts, &wanted_error)) {
        *mounted = TRUE;
        return TRUE;
    }
    if (!vs_guest_umount(state->dom, share->tag, &was_mounted, ropts->timeout_ms, error))
        return FALSE;
    vs_notify(ropts, _("%s: '%s' was changed by another virt-share while it was being "
                       "mounted; unmounted it again"), state->name, share->tag);
    return TRUE;
}

gboolean
vs_run_mount_managed(VsDomainState *state, const char *skip_tag, const VsRunOptions *ropts,
                     GError **error)
{
    g_autoptr(GPtrArray) shares = vs_domain_state_shares(state);
    g_autoptr(GHashTable) checked = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) mounts = NULL;
    g_autoptr(GPtrArray) failed = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) first_error = NULL;
    g_autoptr(GError) agent_error = NULL;
    g_autofree char *names = NULL;

    for (guint i = 0; i < shares->len; i++) {
        VsShare *share = g_ptr_array_index(shares, i);
        g_autoptr(GError) mount_error = NULL;

        /* target and no_automount come from one record, the running
         * domain's first (vs_domain_state_shares) */
        if (!(share->where & VS_WHERE_LIVE) || !share->target || share->no_automount ||
            g_strcmp0(share->tag, skip_tag) == 0)
            continue;
        if (agent_error) {
            /* The agent itself failed: asking again for each share would
             * only wait out its timeout once more per share. */
            mount_error = g_error_copy(agent_error);
        } else {
            gboolean mounted = FALSE;

            /* Read once; a failed read is that share's failure, and the next
             * one reads again unless the agent itself failed (below).  Without
             * the lock a command may have mounted one meanwhile: read each time. */
            if (!mounts || ropts->unlocked) {
                g_clear_pointer(&mounts, g_ptr_array_unref);
                mounts = vs_guest_mounts(state->dom, &mount_error);
            }
            if (mounts && vs_guest_find_mount(mounts, share->tag))
                continue;   /* already mounted: nothing to say */
            if (mounts &&
                vs_run_mount_one(state, checked, share, ropts, &mounted, &mount_error)) {
                if (mounted)
                    vs_notify(ropts, _("%s: mounted '%s' at %s"), state->name, share->tag,
                              share->target);
                continue;
            }
            /* VS_ERROR_AGENT is about the agent, not this share (a command
             * that fails in the guest is VS_ERROR_GUEST, one that hangs
             * VS_ERROR_TIMEOUT): the same for every share that follows. */
            if (g_error_matches(mount_error, VS_ERROR, VS_ERROR_AGENT))
                agent_error = g_error_copy(mount_error);
        }
        /* One share that cannot be mounted must not keep the others unmounted. */
        vs_warn(ropts, _("Warning: %s: could not mount '%s' again: %s"), state->name, share->tag,
                mount_error->message);
        g_ptr_array_add(failed, g_strdup_printf("'%s'", share->tag));
        if (!first_error)
            first_error = g_steal_pointer(&mount_error);
    }
    if (failed->len == 0)
        return TRUE;
    g_ptr_array_add(failed, NULL);
    names = g_strjoinv(", ", (char **)failed->pdata);
    /* The first failure's code: the exit status of 'restart' says what went wrong. */
    g_set_error(error, first_error->domain, first_error->code,
                ngettext("could not mount share %s", "could not mount shares %s",
                         failed->len - 1), names);
    return FALSE;
}
