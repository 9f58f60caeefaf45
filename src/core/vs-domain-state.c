/* vs-domain-state.c: a snapshot of a libvirt domain and its shares. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "vs-conn.h"
#include "vs-domain-state.h"
#include "vs-domain.h"
#include "vs-domxml.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-xml.h"

void
vs_domain_state_free(VsDomainState *state)
{
    if (!state)
        return;
    if (state->dom)
        virDomainFree(state->dom);
    g_free(state->name);
    g_free(state->config_xml);
    g_free(state->live_xml);
    if (state->config_doc)
        xmlFreeDoc(state->config_doc);
    if (state->live_doc)
        xmlFreeDoc(state->live_doc);
    free(state->uri);
    vs_uri_info_free(state->uri_info);
    g_free(state);
}

const char *
vs_domain_state_uri(VsDomainState *state)
{
    if (!state->uri_read && state->dom) {
        state->uri_read = TRUE;
        state->uri = virConnectGetURI(virDomainGetConnect(state->dom));
        state->uri_info = state->uri ? vs_uri_info_parse(state->uri, NULL) : NULL;
    }
    return state->uri;
}

const VsUriInfo *
vs_domain_state_uri_info(VsDomainState *state)
{
    vs_domain_state_uri(state);
    return state->uri_info;
}

unsigned long
vs_domain_state_libvirt(VsDomainState *state)
{
    if (!state->libvirt_read && state->dom) {
        state->libvirt_read = TRUE;
        if (virConnectGetLibVersion(virDomainGetConnect(state->dom), &state->libvirt) < 0)
            state->libvirt = 0;
    }
    return state->libvirt;
}

VsDomainState *
vs_domain_state_load(virDomain *dom, GError **error)
{
    g_autoptr(VsDomainState) state = g_new0(VsDomainState, 1);
    g_autofree char *xml = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    int persistent;

    virDomainRef(dom);
    state->dom = dom;
    state->name = g_strdup(virDomainGetName(dom));
    vs_domain_state_uri(state);
    /* One call tells most (list reads every domain): the current XML has an
     * id only while the domain runs, and a domain that does not run is
     * persistent, so that XML is its definition. */
    if (!(xml = vs_domain_get_xml(dom, FALSE, error)) ||
        !(doc = vs_xml_parse(xml, _("the domain XML"), error)))
        return NULL;
    state->running = xmlHasProp(xmlDocGetRootElement(doc), BAD_CAST "id") != NULL;
    if (!state->running) {
        state->persistent = TRUE;
        state->config_xml = g_steal_pointer(&xml);
        state->config_doc = g_steal_pointer(&doc);
        return g_steal_pointer(&state);
    }
    state->live_xml = g_steal_pointer(&xml);
    state->live_doc = g_steal_pointer(&doc);
    if ((persistent = virDomainIsPersistent(dom)) < 0) {
        vs_conn_set_error(error, _("cannot read the domain state"));
        return NULL;
    }
    state->persistent = persistent;
    if (state->persistent) {
        state->config_xml = vs_domain_get_xml(dom, TRUE, error);
        if (!state->config_xml)
            return NULL;
        state->config_doc = vs_xml_parse(state->config_xml, _("the domain definition"), error);
        if (!state->config_doc)
            return NULL;
    }
    return g_steal_pointer(&state);
}

static void
vs_merge_shares(GPtrArray *all, xmlDoc *doc, VsWhere where, const VsDomainState *state)
{
    g_autoptr(GPtrArray) shares = NULL;
    g_autoptr(GHashTable) records = NULL;

    if (!doc)
        return;
    shares = vs_domxml_shares(doc);
    records = vs_domxml_mount_records(doc);
    for (guint i = 0; i < shares->len; i++) {
        VsShare *share = g_ptr_array_index(shares, i);
        VsShare *found = NULL;
        const VsMountRecord *rec;

        for (guint j = 0; j < all->len && !found; j++) {
            VsShare *other = g_ptr_array_index(all, j);
            if (g_strcmp0(other->tag, share->tag) == 0)
                found = other;
        }
        if (!found) {
            found = vs_share_copy(share);
            found->domain = g_strdup(state->name);
            found->running = state->running;
            found->persistent = state->persistent;
            g_ptr_array_add(all, found);
        }
        found->where |= where;
        if (!found->target && (rec = g_hash_table_lookup(records, share->tag))) {
            found->target = g_strdup(rec->target);
            found->no_automount = !rec->automount;
        }
    }
}

GPtrArray *
vs_domain_state_shares(VsDomainState *state)
{
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)vs_share_free);

    /* Live first: while running, its view (and mount points) is what counts. */
    vs_merge_shares(all, state->live_doc, VS_WHERE_LIVE, state);
    vs_merge_shares(all, state->config_doc, VS_WHERE_CONFIG, state);
    return all;
}

VsShare *
vs_domain_state_find_share(VsDomainState *state, const char *what, GError **error)
{
    g_autoptr(GPtrArray) shares = vs_domain_state_shares(state);
    g_autofree char *path = g_canonicalize_filename(what, NULL);
    g_autofree char *real = realpath(path, NULL);
    /* A bare word is a folder when there is one by that name here, as add takes it. */
    gboolean pathy = strchr(what, '/') || what[0] == '.' || g_file_test(path, G_FILE_TEST_IS_DIR);
    VsShare *by_tag = NULL;

    for (guint i = 0; i < shares->len; i++) {
        VsShare *share = g_ptr_array_index(shares, i);

        if (pathy && vs_share_has_folder(share, path, real))
            return vs_share_copy(share);
        if (!by_tag && g_strcmp0(share->tag, what) == 0)
            by_tag = share;
    }
    if (by_tag)
        return vs_share_copy(by_tag);
    g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND,
                _("domain '%s' has no share with tag or host directory '%s'"), state->name,
                what);
    return NULL;
}

gboolean
vs_domain_state_identity(VsDomainState *state, const char *qemu_conf, VsIdentity *id,
                         GError **error)
{
    const VsUriInfo *uri = vs_domain_state_uri_info(state);
    /* Only the path says session: "qemu+ssh://host/session" is someone else's. */
    gboolean session = uri && uri->session;

    return vs_identity_from_docs(state->live_doc, state->config_doc, session, qemu_conf, id,
                                 error);
}

gboolean
vs_domain_state_define(VsDomainState *state, const char *xml, GError **error)
{
    virDomain *dom;

    g_debug("libvirt: virDomainDefineXML(%s)", state->name);
    dom = virDomainDefineXML(virDomainGetConnect(state->dom), xml);

    if (!dom) {
        vs_conn_set_error(error, _("cannot update the domain definition"));
        return FALSE;
    }
    virDomainFree(dom);
    return TRUE;
}
