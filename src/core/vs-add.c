/* vs-add.c: add a share to a libvirt domain (see vs-add.h). */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vs-caps.h"
#include "vs-conn.h"
#include "vs-domxml.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-identity.h"
#include "vs-add.h"
#include "vs-path.h"
#include "vs-policy.h"
#include "vs-tag.h"
#include "vs-userns.h"
#include "vs-xml.h"

/* One difference for vs_add_existing: "--mode mapped (it has squash)". */
static void G_GNUC_PRINTF(2, 3)
vs_differs(GString *diff, const char *fmt, ...)
{
    va_list args;

    if (diff->len)
        g_string_append(diff, ", ");
    va_start(args, fmt);
    g_string_append_vprintf(diff, fmt, args);
    va_end(args);
}

static gboolean
vs_strv_same(char **a, char **b)
{
    return g_strv_equal((const char *const *)(a ? a : (char *[]){ NULL }),
                        (const char *const *)(b ? b : (char *[]){ NULL }));
}

/* @given with the configuration's defaults, for every front end alike: a
 * driver or mode left open (auto) is the configured one, which may be auto
 * too.  The one place they are applied (prepare and the --exist-ok match). */
static VsAddOptions
vs_add_options_resolve(const VsAddOptions *given)
{
    VsAddOptions resolved = *given;

    if (given->config && resolved.driver == VS_DRIVER_AUTO)
        resolved.driver = given->config->driver;
    if (given->config && resolved.mode == VS_MODE_DEFAULT)
        resolved.mode = given->config->mode;
    return resolved;
}

VsShare *
vs_add_existing(VsDomainState *state, const VsAddOptions *given, GError **error)
{
    VsAddOptions resolved = vs_add_options_resolve(given);
    const VsAddOptions *opts = &resolved;
    g_autoptr(GPtrArray) shares = vs_domain_state_shares(state);
    g_autofree char *real = vs_path_host_dir_resolve(opts->source, error);
    g_autoptr(GString) diff = g_string_new(NULL);
    g_autoptr(GHashTable) records = NULL;
    const VsMountRecord *rec;
    const VsShare *s = NULL;
    const char *target;
    VsDriver driver = opts->driver;
    VsMode mode = opts->mode;

    if (!real)
        return NULL;
    for (guint i = 0; i < shares->len && !s; i++) {
        const VsShare *share = g_ptr_array_index(shares, i);
        /* Only in the running domain of a persistent one: removed already,
         * gone at the next stop. */
        gboolean present = (share->where & VS_WHERE_CONFIG) || !state->persistent;

        if (present && vs_share_has_folder(share, opts->source, real))
            s = share;
    }
    if (!s)
        return NULL;
    if (mode == VS_MODE_DEFAULT)
        mode = vs_share_mode_default_for(s->driver);
    target = opts->target ? opts->target : real;
    records = vs_domxml_mount_records(state->live_doc ? state->live_doc : state->config_doc);
    rec = g_hash_table_lookup(records, s->tag);
    if (opts->tag && g_strcmp0(opts->tag, s->tag) != 0)
        vs_differs(diff, _("--tag %s (it has %s)"), opts->tag, s->tag);
    /* A share without a recorded mount point (made by virt-manager) differs
     * only from a --target given. */
    if (s->target ? g_strcmp0(target, s->target) != 0 : opts->target != NULL)
        vs_differs(diff, _("--target %s (it has %s)"), target,
                   s->target ? s->target : _("no recorded mount point"));
    if (driver != VS_DRIVER_AUTO && driver != s->driver)
        vs_differs(diff, _("--driver %s (it has %s)"), vs_driver_to_string(driver),
                   vs_driver_to_string(s->driver));
    if (mode != s->mode)
        vs_differs(diff, _("--mode %s (it has %s)"), vs_mode_to_string(mode),
                   vs_mode_to_string(s->mode));
    if (opts->readonly != s->readonly)
        vs_differs(diff, opts->readonly ? _("--readonly (it is writable)")
                                        : _("no --readonly (it is read-only)"));
    if (!vs_strv_same(opts->uid_map, s->uid_map) || !vs_strv_same(opts->gid_map, s->gid_map))
        vs_differs(diff, _("--uid-map/--gid-map (other id maps)"));
    /* Recorded only where the folder needed the protection it opts out of. */
    if (rec && rec->allow_setuid && !opts->allow_setuid)
        vs_differs(diff, _("no --allow-setuid (it was added with it)"));
    if (diff->len) {
        g_set_error(error, VS_ERROR, VS_ERROR_EXISTS,
                    _("'%s' is already shared with domain '%s' (tag '%s') with other options: "
                      "%s; remove it first to change them"), real, state->name, s->tag,
                    diff->str);
        return NULL;
    }
    return vs_share_copy(s);
}

void
vs_add_job_free(VsAddJob *job)
{
    if (!job)
        return;
    vs_share_free(job->share);
    g_free(job->device_xml);
    g_free(job->define_xml);
    g_free(job->config_metadata.xml);
    g_free(job->live_metadata.xml);
    g_free(job->description);
    g_free(job);
}

/* virtiofs under a session daemon older than libvirt 10.0.0, or where this
 * user may not create the user namespace virtiofsd needs: refused by libvirt
 * or virtiofsd only at attach time, so say it before anything changes. */
static void
vs_plan_session(VsDomainState *state, VsPlanFacts *facts)
{
    const VsUriInfo *uri = vs_domain_state_uri_info(state);
    unsigned long version;

    if (!uri || !uri->session || facts->no_virtiofs)
        return;
    version = vs_domain_state_libvirt(state);
    if (version >= VS_VIRTIOFS_SESSION_MIN_LIBVIRT) {
        /* The daemon is this host's (a remote one runs this code there). */
        int err = uri->remote || geteuid() == 0 ? 0 : vs_userns_probe();

        if (err) {
            facts->no_virtiofs = TRUE;
            facts->no_virtiofs_why = vs_userns_refusal(err);
        }
        return;
    }
    if (version == 0)
        return;
    facts->no_virtiofs = TRUE;
    facts->no_virtiofs_why = _("virtiofs needs libvirt 10.0.0 or later under qemu:///session "
                               "(older daemons refuse it: \"virtiofs is not yet supported in "
                               "session mode\"); use --driver 9p, or qemu:///system");
}

/* The domain facts, and the hypervisor's capabilities only when they can
 * change the plan (vs-caps.h: asking can cost seconds). */
static void
vs_plan_facts(VsDomainState *state, const VsAddOptions *opts, VsPlanFacts *facts)
{
    memset(facts, 0, sizeof(*facts));
    /* The daemon's version (over a remote connection too). */
    facts->virtiofs_ro = vs_domain_state_libvirt(state) >= VS_VIRTIOFS_RO_MIN_LIBVIRT;
    facts->running = state->running;
    facts->persistent = state->persistent;
    facts->live_shared_mem = state->live_doc && vs_domxml_has_shared_memory(state->live_doc);
    facts->live_acpi = state->live_doc && vs_domxml_has_acpi(state->live_doc);
    facts->config_shared_mem = state->config_doc &&
                               vs_domxml_has_shared_memory(state->config_doc);
    if (vs_caps_needed(facts, vs_caps_known_from_domain(state->config_doc, state->live_doc),
                       opts->driver, opts->mode, opts->readonly))
        vs_caps_fill(virDomainGetConnect(state->dom),
                     state->live_doc ? state->live_doc : state->config_doc,
                     vs_domain_state_uri(state), vs_domain_state_libvirt(state), facts);
    vs_plan_session(state, facts);
}

/* --uid-map/--gid-map: virtiofs <idmap>, which needs libvirt >= 10.0.0 and
 * an unprivileged virtiofsd (qemu:///session); 9p has nothing of the kind. */
static gboolean
vs_add_check_idmap(VsDomainState *state, const VsAddOptions *opts, VsShare *share,
                   GError **error)
{
    unsigned long version;
    const VsUriInfo *uri;
    guint32 host, guest;

    if (!opts->uid_map && !opts->gid_map)
        return TRUE;
    for (guint k = 0; k < 2; k++) {
        GStrv map = k == 0 ? opts->uid_map : opts->gid_map;
        for (guint i = 0; map && map[i]; i++) {
            if (!vs_share_idmap_entry_parse(map[i], &host, &guest, error))
                return FALSE;
        }
    }
    if (share->driver != VS_DRIVER_VIRTIOFS) {
        g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                    _("9p cannot map ids: with --mode squash every file belongs to QEMU's "
                      "user on the host, with --mode mapped the guest's owners are kept in "
                      "xattrs; for a real uid/gid map use --driver virtiofs"));
        return FALSE;
    }
    version = vs_domain_state_libvirt(state);
    if (version < VS_IDMAP_MIN_LIBVIRT) {
        g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                    _("id maps for virtiofs need libvirt 10.0.0 or later (and a virtiofsd "
                      "that supports them); this libvirt is %lu.%lu.%lu"),
                    version / 1000000, version / 1000 % 1000, version % 1000);
        return FALSE;
    }
    /* virtiofsd maps ids only when it runs unprivileged; libvirt runs it as
     * root for qemu:///system, where it refuses ("uid_map can only be used by
     * unprivileged user") and the attach fails late with a chardev error. */
    uri = vs_domain_state_uri_info(state);
    if (uri && g_strcmp0(uri->path, "/system") == 0) {
        g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                    _("--uid-map/--gid-map cannot work on a %s:///system connection: libvirt "
                      "runs virtiofsd as root there, and virtiofsd maps ids only when it runs "
                      "unprivileged; use a domain of qemu:///session (virt-share -c "
                      "qemu:///session) for id maps"), uri->driver);
        return FALSE;
    }
    share->uid_map = g_strdupv(opts->uid_map);
    share->gid_map = g_strdupv(opts->gid_map);
    return TRUE;
}

/* The definition with shared memory added in *@xml, or NULL when it has it. */
static gboolean
vs_shared_memory_definition(VsDomainState *state, char **xml, GError **error)
{
    g_autoptr(xmlDoc) doc = xmlCopyDoc(state->config_doc, 1);
    gboolean changed;

    *xml = NULL;
    if (!vs_domxml_ensure_shared_memory(doc, &changed, error))
        return FALSE;
    if (changed)
        *xml = vs_xml_doc_to_string(doc);
    return TRUE;
}

VsHardenNeed
vs_add_harden_need(VsDomainState *state, const VsShare *share)
{
    const VsUriInfo *uri = vs_domain_state_uri_info(state);
    VsHardenUri kind = uri ? vs_harden_uri_kind(uri->remote, uri->driver, uri->path)
                           : VS_HARDEN_URI_OTHER;
    g_auto(VsIdentity) id = { 0 };
    uid_t uid = 0;

    /* QEMU's user matters only for 9p passthrough; unknown counts as root. */
    if (kind == VS_HARDEN_URI_SYSTEM && share->driver == VS_DRIVER_9P &&
        share->mode == VS_MODE_PASSTHROUGH && vs_domain_state_identity(state, NULL, &id, NULL))
        uid = id.uid;
    return vs_harden_need(share->driver, share->mode, share->readonly, kind, uid);
}

/* Does the folder need the nosuid,nodev mount, and lacks it: protect it
 * (plan.protect), refuse (setuid-shares=refuse), or leave it, warned
 * (--allow-setuid, setuid-shares=allow). */
static gboolean
vs_add_harden_prepare(VsDomainState *state, const VsAddOptions *opts, VsAddJob *job,
                      GError **error)
{
    VsSetuidShares policy = opts->config ? opts->config->setuid_shares
                                         : VS_SETUID_SHARES_PROTECT;
    gboolean protected_now = FALSE;

    job->harden = vs_add_harden_need(state, job->share);
    if (!vs_harden_needed(job->harden))
        return TRUE;
    if (!vs_harden_is_protected(job->share->source, &protected_now, error))
        return FALSE;
    if (protected_now)
        return TRUE;
    if (opts->allow_setuid || policy == VS_SETUID_SHARES_ALLOW) {
        job->harden_allowed = TRUE;
        return TRUE;
    }
    if (policy == VS_SETUID_SHARES_REFUSE) {
        g_autofree char *fix = vs_harden_fix_commands(job->share->source);
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    _("refusing to share %s: its mount allows setuid programs and device "
                      "files, and %s (setuid-shares=refuse in %s). Nothing was changed. To "
                      "protect it: %s"),
                    job->share->source, vs_harden_need_describe(job->harden),
                    opts->config && opts->config->path ? opts->config->path : vs_config_path(),
                    fix);
        return FALSE;
    }
    job->plan.protect = TRUE;
    return TRUE;
}

/* The plan's lines about the folder's mount. */
static void
vs_add_harden_describe(VsAddJob *job, const VsAddOptions *opts)
{
    g_autofree char *attach = job->description;

    if (opts->allow_setuid && !vs_harden_needed(job->harden))
        job->description = g_strdup_printf(_("%s\n--allow-setuid changes nothing for this "
                                             "share: %s"),
                                           attach, vs_harden_need_describe(job->harden));
    else if (job->plan.protect)
        job->description = g_strdup_printf(_("%s\nMount %s again with nosuid,nodev, so that "
                                             "programs the guest's root makes there cannot be "
                                             "setuid or device files for host users (kept in "
                                             "%s)"),
                                           attach, job->share->source, vs_harden_fstab_path());
    else if (job->harden_allowed)
        job->description = g_strdup_printf(_("%s\nWarning: %s stays mounted as it is, allowing "
                                             "setuid programs and device files: %s, and any "
                                             "host user can run what the guest's root leaves "
                                             "there (--allow-setuid or setuid-shares=allow)"),
                                           attach, job->share->source,
                                           vs_harden_need_describe(job->harden));
    else if (job->harden == VS_HARDEN_MAPPED)
        job->description = g_strdup_printf("%s\n%s", attach,
                                           vs_harden_need_describe(job->harden));
    else
        job->description = g_steal_pointer(&attach);
}

VsAddJob *
vs_add_prepare(VsDomainState *state, const VsAddOptions *given, GError **error)
{
    VsAddOptions resolved = vs_add_options_resolve(given);
    const VsAddOptions *opts = &resolved;
    g_autoptr(VsAddJob) job = g_new0(VsAddJob, 1);
    g_autoptr(GHashTable) taken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    xmlDoc *docs[] = { state->config_doc, state->live_doc };
    VsPlanFacts facts;
    VsShare *share;

    job->share = share = vs_share_new();
    share->domain = g_strdup(state->name);
    share->readonly = opts->readonly;
    share->source = vs_path_host_dir_resolve(opts->source, error);
    if (!share->source)
        return NULL;
    {
        g_autoptr(VsConfig) builtin = opts->config ? NULL : vs_config_new_default();
        const VsConfig *cfg = opts->config ? opts->config : builtin;
        if (!vs_policy_check(cfg, share->source, error) ||
            !vs_policy_check_handle(cfg, share->source, error))
            return NULL;
    }
    share->target = g_strdup(opts->target ? opts->target : share->source);
    if (!vs_path_guest_validate(share->target, error))
        return NULL;

    vs_plan_facts(state, opts, &facts);
    /* Only virtiofs maps ids: an id map without a driver asks for it, so that
     * where it cannot work the reason is virtiofs's, not "9p cannot map". */
    if (!vs_plan_decide(&facts,
                        opts->driver == VS_DRIVER_AUTO && (opts->uid_map || opts->gid_map)
                            ? VS_DRIVER_VIRTIOFS : opts->driver,
                        opts->mode, opts->readonly, &job->plan, error))
        return NULL;
    share->driver = job->plan.driver;
    share->mode = job->plan.mode;

    for (guint i = 0; i < G_N_ELEMENTS(docs); i++) {
        if (docs[i]) {
            g_autoptr(GHashTable) tags = vs_domxml_tags(docs[i]);
            GHashTableIter iter;
            gpointer key;

            g_hash_table_iter_init(&iter, tags);
            while (g_hash_table_iter_next(&iter, &key, NULL))
                g_hash_table_add(taken, g_strdup(key));
        }
    }
    if (opts->tag) {
        if (!vs_tag_validate(opts->tag, share->driver, error))
            return NULL;
        share->tag = g_strdup(opts->tag);
    } else {
        share->tag = vs_tag_generate(share->source, taken);
    }
    for (guint i = 0; i < G_N_ELEMENTS(docs); i++) {
        if (docs[i] && !vs_domxml_check_unique(docs[i], share, error))
            return NULL;
    }
    /* An explicit --target may go anywhere but "/"; the default (the host
     * path) not over the guest's own directories.  After the duplicate
     * checks: "already shared" says more. */
    if (!opts->target && !vs_path_guest_default_target_check(share->target, error))
        return NULL;

    if (!vs_add_check_idmap(state, opts, share, error))
        return NULL;
    if (!vs_add_harden_prepare(state, opts, job, error))
        return NULL;

    job->device_xml = vs_share_to_device_xml(share, error);
    if (!job->device_xml)
        return NULL;
    if (job->plan.add_shared_memory && state->config_doc &&
        !vs_shared_memory_definition(state, &job->define_xml, error))
        return NULL;
    /* Only the option is the share's own choice: setuid-shares=allow is read
     * again by the hook, and may change. */
    if (job->plan.config)
        vs_metadata_change(state->config_doc, share->tag, share->target,
                           job->harden_allowed && opts->allow_setuid, &job->config_metadata);
    if (job->plan.live)
        vs_metadata_change(state->live_doc, share->tag, share->target,
                           job->harden_allowed && opts->allow_setuid, &job->live_metadata);
    job->description = vs_plan_describe(&job->plan, state->name);
    vs_add_harden_describe(job, opts);
    return g_steal_pointer(&job);
}

static void
vs_undo_left(GString *left, const char *what, const char *why)
{
    g_string_append_printf(left, "\n  - %s: %s", what, why ? why : _("unknown error"));
}

gboolean
vs_add_rollback(VsDomainState *state, VsAddJob *job, GError **error)
{
    g_autoptr(GString) left = g_string_new(NULL);

    /* In reverse order, every step tried even when one fails. */
    if (job->did_live_metadata) {
        g_autoptr(GHashTable) records = vs_domxml_mount_records(state->live_doc);
        VsMetadataChange before = { TRUE, vs_domxml_metadata_format(records) };
        g_autoptr(GError) step = NULL;

        if (!vs_metadata_apply(state, &before, VIR_DOMAIN_AFFECT_LIVE, &step))
            vs_undo_left(left, _("the mount point recorded in the running domain"),
                         step->message);
        g_free(before.xml);
    }
    if (job->did_attach && job->plan.live)
        g_debug("libvirt: virDomainDetachDeviceFlags(%s, live): undo", state->name);
    if (job->did_attach && job->plan.live &&
        virDomainDetachDeviceFlags(state->dom, job->device_xml, VIR_DOMAIN_AFFECT_LIVE) < 0)
        vs_undo_left(left, _("the device is still attached to the running domain"),
                     virGetLastErrorMessage());
    /* Restoring the saved definition also restores memoryBacking, metadata
     * and any address or controller libvirt added with the device. */
    if ((job->did_attach && job->plan.config) || job->did_define) {
        g_autoptr(GError) step = NULL;
        if (!vs_domain_state_define(state, state->config_xml, &step))
            vs_undo_left(left, _("the persistent definition keeps the change"), step->message);
    }
    if (job->did_protect.mounted || job->did_protect.fstab_added) {
        g_autoptr(GError) step = NULL;
        if (!vs_harden_undo(job->share->source, NULL, &job->did_protect, &step))
            vs_undo_left(left, _("the folder's nosuid,nodev mount"), step->message);
    }
    job->did_live_metadata = job->did_attach = job->did_define = FALSE;
    if (left->len) {
        g_set_error(error, VS_ERROR, VS_ERROR_INCOMPLETE,
                    _("could not undo everything for share '%s' (tag %s) of domain '%s':%s"),
                    job->share->source, job->share->tag, state->name, left->str);
        return FALSE;
    }
    return TRUE;
}

/* @error is set: undo what was done, adding to @error what could not be. */
static gboolean
vs_add_fail(VsDomainState *state, VsAddJob *job, GError **error)
{
    g_autoptr(GError) undo_error = NULL;

    if (!vs_add_rollback(state, job, &undo_error))
        vs_error_incomplete(error, undo_error);
    return FALSE;
}

gboolean
vs_add_apply(VsDomainState *state, VsAddJob *job, GError **error)
{
    unsigned int flags = (job->plan.live ? VIR_DOMAIN_AFFECT_LIVE : 0) |
                         (job->plan.config ? VIR_DOMAIN_AFFECT_CONFIG : 0);

    /* Before anything is attached: the guest never sees the folder unprotected. */
    if (job->plan.protect &&
        !vs_harden_protect(job->share->source, NULL, &job->did_protect, error))
        return FALSE;
    if (job->define_xml) {
        if (!vs_domain_state_define(state, job->define_xml, error))
            return vs_add_fail(state, job, error);
        job->did_define = TRUE;
    }

    g_debug("libvirt: virDomainAttachDeviceFlags(%s, flags %u): %s", state->name, flags,
            job->device_xml);
    if (virDomainAttachDeviceFlags(state->dom, job->device_xml, flags) < 0) {
        vs_conn_set_error(error, _("cannot attach the share"));
        return vs_add_fail(state, job, error);
    }
    job->did_attach = TRUE;

    if (!vs_metadata_apply(state, &job->config_metadata, VIR_DOMAIN_AFFECT_CONFIG, error) ||
        !vs_metadata_apply(state, &job->live_metadata, VIR_DOMAIN_AFFECT_LIVE, error))
        return vs_add_fail(state, job, error);
    job->did_live_metadata = job->live_metadata.change;
    job->share->where = (job->plan.live ? VS_WHERE_LIVE : 0) |
                        (job->plan.config ? VS_WHERE_CONFIG : 0);
    return TRUE;
}
