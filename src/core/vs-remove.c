/* vs-remove.c: remove a share from a libvirt domain (see vs-remove.h). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "vs-conn.h"
#include "vs-domain.h"
#include "vs-domxml.h"
#include "vs-error.h"
#include "vs-harden.h"
#include "vs-i18n.h"
#include "vs-remove.h"
#include "vs-xml.h"

void
vs_remove_job_free(VsRemoveJob *job)
{
    if (!job)
        return;
    vs_share_free(job->share);
    g_free(job->device_xml);
    g_free(job->config_metadata.xml);
    g_free(job->live_metadata.xml);
    g_free(job);
}

/* Does a domain of the connection other than @self have a share of @folder
 * (definition or running domain)?  When the domains cannot be read, yes:
 * the protection then stays. */
static gboolean
vs_remove_folder_shared_elsewhere(VsDomainState *self, const char *folder)
{
    virConnect *conn = virDomainGetConnect(self->dom);
    g_autoptr(GPtrArray) doms = vs_domain_list(conn, 0, NULL);
    g_autofree char *real = realpath(folder, NULL);
    char uuid[VIR_UUID_STRING_BUFLEN], own[VIR_UUID_STRING_BUFLEN];

    if (!doms || virDomainGetUUIDString(self->dom, own) < 0)
        return TRUE;
    for (guint i = 0; i < doms->len; i++) {
        virDomain *dom = g_ptr_array_index(doms, i);
        g_autoptr(VsDomainState) other = NULL;
        g_autoptr(GPtrArray) shares = NULL;

        if (virDomainGetUUIDString(dom, uuid) < 0)
            return TRUE;
        if (strcmp(uuid, own) == 0)
            continue;
        if (!(other = vs_domain_state_load(dom, NULL)))
            return TRUE;
        shares = vs_domain_state_shares(other);
        for (guint j = 0; j < shares->len; j++) {
            VsShare *share = g_ptr_array_index(shares, j);
            if (vs_share_has_folder(share, folder, real))
                return TRUE;
        }
    }
    return FALSE;
}

/* remove: undo the folder's nosuid,nodev mount when it is virt-share's (its
 * lines are in the host's fstab) and no other domain shares the folder. */
static void
vs_remove_harden(VsDomainState *state, VsRemoveJob *job)
{
    const VsUriInfo *uri = vs_domain_state_uri_info(state);
    gboolean ours = FALSE;

    if (!uri || vs_harden_uri_kind(uri->remote, uri->driver, uri->path) != VS_HARDEN_URI_SYSTEM ||
        !vs_harden_fstab_file_has(NULL, job->share->source, &ours, NULL) || !ours ||
        vs_remove_folder_shared_elsewhere(state, job->share->source))
        return;
    /* A 9p device stays in the running guest until it stops: so does the mount. */
    if (job->restart_needed)
        job->keep_protection = TRUE;
    else
        job->unprotect = TRUE;
}

VsRemoveJob *
vs_remove_prepare(VsDomainState *state, const char *what, GError **error)
{
    g_autoptr(VsRemoveJob) job = g_new0(VsRemoveJob, 1);
    g_autoptr(VsShare) found = vs_domain_state_find_share(state, what, error);
    xmlNode *config_fs, *live_fs, *fs;

    if (!found)
        return NULL;
    config_fs = state->config_doc ? vs_domxml_find_fs(state->config_doc, NULL, found->tag) : NULL;
    live_fs = state->live_doc ? vs_domxml_find_fs(state->live_doc, NULL, found->tag) : NULL;
    fs = live_fs ? live_fs : config_fs;
    if (!fs || !(job->share = vs_share_from_node(fs))) {
        g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND,
                    _("domain '%s' has no share with tag or host directory '%s'"),
                    state->name, what);
        return NULL;
    }
    job->share->domain = g_strdup(state->name);
    job->share->where = (config_fs ? VS_WHERE_CONFIG : 0) | (live_fs ? VS_WHERE_LIVE : 0);
    {
        g_autoptr(GHashTable) records = vs_domxml_mount_records(live_fs ? state->live_doc
                                                                        : state->config_doc);
        job->share->target = g_strdup(vs_domxml_mount_records_target(records, job->share->tag));
    }

    if (config_fs)
        job->flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (live_fs) {
        /* libvirt cannot hot-unplug 9p; it goes away when QEMU stops. */
        if (job->share->driver == VS_DRIVER_VIRTIOFS)
            job->flags |= VIR_DOMAIN_AFFECT_LIVE;
        else
            job->restart_needed = TRUE;
    }
    if (job->flags == 0) {
        g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                    _("share '%s' is already gone from the persistent definition of '%s'; "
                      "9p shares cannot be hot-unplugged, so it stays attached until the "
                      "domain stops"), job->share->tag, state->name);
        return NULL;
    }
    job->device_xml = vs_xml_node_to_string(fs);
    if (config_fs)
        vs_metadata_change(state->config_doc, job->share->tag, NULL, FALSE,
                           &job->config_metadata);
    /* Forget the mount point in the running domain too, also for a 9p share
     * that stays attached until the domain stops: it is no longer ours to
     * mount again (e.g. by the watcher after a guest reboot). */
    if (live_fs)
        vs_metadata_change(state->live_doc, job->share->tag, NULL, FALSE, &job->live_metadata);
    vs_remove_harden(state, job);
    return g_steal_pointer(&job);
}

gboolean
vs_remove_apply(VsDomainState *state, VsRemoveJob *job, GError **error)
{
    g_autoptr(GError) config_error = NULL;
    g_autoptr(GError) live_error = NULL;

    g_debug("libvirt: virDomainDetachDeviceFlags(%s, flags %u): %s", state->name, job->flags,
            job->device_xml);
    if (virDomainDetachDeviceFlags(state->dom, job->device_xml, job->flags) < 0) {
        vs_conn_set_error(error, _("cannot detach the share"));
        return FALSE;
    }
    vs_metadata_apply(state, &job->config_metadata, VIR_DOMAIN_AFFECT_CONFIG, &config_error);
    /* Forget the mount point in the running domain too, also for a 9p share
     * that stays attached until the domain stops: it is no longer ours to
     * mount again (e.g. by the watcher after a guest reboot). */
    vs_metadata_apply(state, &job->live_metadata, VIR_DOMAIN_AFFECT_LIVE, &live_error);
    if (config_error || live_error) {
        /* The device is gone, but the watcher would still try to mount it. */
        g_set_error(error, VS_ERROR, VS_ERROR_INCOMPLETE,
                    _("share '%s' was detached, but its recorded mount point could not be "
                      "forgotten (%s): %s"), job->share->tag,
                    config_error ? _("persistent definition") : _("running domain"),
                    (config_error ? config_error : live_error)->message);
        return FALSE;
    }
    return TRUE;
}
