/* vs-run.h: a loaded domain's prepared add or remove (vs-add.h, vs-remove.h)
 * carried out with the guest's steps, and its shares mounted again:
 *
 * add:    plan -> preflight (agent, guest file system) -> attach ->
 *         [restart] -> mount; any failure undoes what was done.
 * remove: find -> unmount in the guest -> detach.
 * mount/umount: (re)mount shares that are attached but not mounted. */
#pragma once

#include <glib.h>

#include "vs-add.h"
#include "vs-remove.h"

typedef void (*VsNotifyFunc)(const char *message, gpointer user_data);

typedef struct {
    gboolean mount;         /* mount in the guest (add) */
    gboolean keep_device;   /* keep the device when the mount fails (add) */
    gboolean restart;       /* restart a running domain when the share cannot be hot-plugged */
    gboolean force;         /* skip the permission checks; with restart: destroy
                             * after the shutdown timeout */
    gboolean persist;       /* add: write an fstab line in the guest */
    gboolean dry_run;       /* add: only the checks (vs_run_add_check), change nothing */
    gboolean exist_ok;      /* add: the share there already with the same options is
                             * success; remove: an absent share is (vs-op.h) */
    guint timeout_ms;       /* agent, guest commands and shutdown */
    gboolean unlocked;      /* vs_run_mount_managed: the caller holds no domain lock
                             * (the watcher); it is taken only for short reads */
    VsNotifyFunc notify;    /* progress messages (translated), may be NULL */
    VsNotifyFunc warn;      /* warnings (translated, "Warning: ..."): NULL sends them
                             * to notify */
    gpointer notify_data;   /* for both */
} VsRunOptions;

void vs_run_options_init(VsRunOptions *ropts);

gboolean vs_run_add(VsDomainState *state, VsAddJob *job, const VsRunOptions *ropts,
                    GError **error);

/* Every check vs_run_add makes before it changes anything, and only those
 * (host permissions for QEMU's user; for a mount now or after --restart:
 * the guest agent answers, the commands mounting needs are not disabled,
 * the guest kernel has the file system).  With @ropts->dry_run nothing is
 * loaded in the guest either: a missing module is reported as what add will
 * do.  vs_run_add runs exactly this first; a dry run runs only this. */
gboolean vs_run_add_check(VsDomainState *state, VsAddJob *job, const VsRunOptions *ropts,
                          GError **error);

gboolean vs_run_remove(VsDomainState *state, VsRemoveJob *job, const VsRunOptions *ropts,
                       GError **error);

/* Mount the live shares of a running domain (all, or the one with @tag);
 * @target overrides the mount point (only with @tag).  Shares with no
 * recorded mount point go to the tag itself when it is an absolute path
 * (as virt-manager users tend to type one), else to /mnt/TAG.  When all are
 * mounted, records their mount points for the watcher (vs_metadata_record_*),
 * except for a share already removed from the definition; a failure there
 * leaves the records as they were. */
gboolean vs_run_mount(VsDomainState *state, const char *tag, const char *target,
                      const VsRunOptions *ropts, GError **error);

/* Mount the live shares with a recorded mount point (added by virt-share, or
 * mounted with vs_run_mount) that are not marked by vs_run_umount, not
 * mounted yet and not @skip_tag (may be NULL); everything else is skipped
 * quietly.  A share that fails is a warning naming it, and the others are
 * still tried; FALSE (with the failed shares named in @error) if any failed.
 * For 'virt-share restart', add --restart (the other shares) and the watcher. */
gboolean vs_run_mount_managed(VsDomainState *state, const char *skip_tag,
                              const VsRunOptions *ropts, GError **error);

/* Restart a running domain so that the shares pending a restart appear: a
 * shutdown the guest carries out (agent, else ACPI; @ropts->force destroys
 * it after @ropts->timeout_ms), a start, the agent, then vs_run_mount_managed
 * on the domain as it now runs. */
gboolean vs_run_restart(VsDomainState *state, const VsRunOptions *ropts, GError **error);

/* Unmount the live shares (all, or the one with @tag); then mark their
 * records so that vs_run_mount_managed leaves them alone. */
gboolean vs_run_umount(VsDomainState *state, const char *tag, const VsRunOptions *ropts,
                       GError **error);

/* The mount point used for @share when none was recorded: an absolute tag
 * itself, else /mnt/TAG; NULL when the tag is no plain name (then the user
 * must give --target). */
char *vs_run_default_target(const VsShare *share);
