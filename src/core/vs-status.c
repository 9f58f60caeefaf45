/* vs-status.c: where a share is, and the drift between definition, running
 * domain and guest. */
#include <config.h>

#include "vs-agent.h"
#include "vs-guest.h"
#include "vs-i18n.h"
#include "vs-status.h"
#include "vs-text.h"

void
vs_status_free(VsShareStatus *st)
{
    if (!st)
        return;
    vs_share_free(st->share);
    g_free(st->mount_point);
    g_free(st->mount_options);
    g_free(st);
}

VsDeviceState
vs_status_device(VsWhere where, gboolean running, gboolean persistent)
{
    if (!running)
        return VS_DEVICE_DEFINED;
    /* A transient domain has no definition to be removed from. */
    if ((where & VS_WHERE_LIVE) && ((where & VS_WHERE_CONFIG) || !persistent))
        return VS_DEVICE_ATTACHED;
    if (where & VS_WHERE_LIVE)
        return VS_DEVICE_PENDING_STOP;
    return VS_DEVICE_PENDING_RESTART;
}

VS_ENUM_IMPL(vs_device_state, VS_DEVICE_LAST,
             "defined", "pending-restart", "attached", "pending-stop")

VS_ENUM_IMPL(vs_guest_state, VS_GUEST_LAST,
             "n/a", "unknown", "not-mounted", "mounted")

VS_ENUM_IMPL(vs_agent_state, VS_AGENT_LAST,
             "n/a", "ok", "unavailable")

VsAgentState
vs_status_agent(gboolean running, const char *agent_error)
{
    if (!running)
        return VS_AGENT_NA;
    return agent_error ? VS_AGENT_UNAVAILABLE : VS_AGENT_OK;
}

gboolean
vs_status_wants_mount(const VsShareStatus *st)
{
    return st->guest == VS_GUEST_NOT_MOUNTED && st->device != VS_DEVICE_PENDING_STOP;
}

gboolean
vs_status_can_remove(const VsShareStatus *st)
{
    const VsShare *s = st->share;

    /* Only in the running domain (pending stop): removing it now means
     * detaching it live, which 9p cannot do; it goes when the domain stops. */
    return (s->where & VS_WHERE_CONFIG) || !(s->where & VS_WHERE_LIVE) ||
           s->driver == VS_DRIVER_VIRTIOFS;
}

gboolean
vs_status_restart_pending(GPtrArray *statuses, gboolean running)
{
    for (guint i = 0; running && statuses && i < statuses->len; i++) {
        if (((const VsShareStatus *)g_ptr_array_index(statuses, i))->device ==
            VS_DEVICE_PENDING_RESTART)
            return TRUE;
    }
    return FALSE;
}

const char *
vs_status_summary(VsDeviceState device, VsGuestState guest)
{
    switch (device) {
    case VS_DEVICE_DEFINED:
        return _("defined; appears when the domain starts");
    case VS_DEVICE_PENDING_RESTART:
        return _("pending restart: in the definition, not in the running domain");
    case VS_DEVICE_PENDING_STOP:
        return guest == VS_GUEST_MOUNTED ?
            _("mounted, but removed from the definition (gone at the next stop)") :
            _("removed from the definition, attached until the domain stops");
    case VS_DEVICE_ATTACHED:
    case VS_DEVICE_LAST:
        break;
    }
    switch (guest) {
    case VS_GUEST_MOUNTED:
        return _("mounted");
    case VS_GUEST_NOT_MOUNTED:
        return _("attached, not mounted (run 'virt-share mount')");
    case VS_GUEST_UNKNOWN:
    case VS_GUEST_NA:
    case VS_GUEST_LAST:
        break;
    }
    return _("attached; guest mount state unknown (no guest agent)");
}

GPtrArray *
vs_status_collect(VsDomainState *state, char **agent_error)
{
    g_autoptr(GPtrArray) shares = vs_domain_state_shares(state);
    g_autoptr(GPtrArray) mounts = NULL;
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)vs_status_free);

    *agent_error = NULL;
    if (state->running) {
        g_autoptr(GError) error = NULL;
        if (!(mounts = vs_guest_mounts(state->dom, &error)))
            *agent_error = g_strdup(error->message);
    }
    for (guint i = 0; i < shares->len; i++) {
        VsShareStatus *st = g_new0(VsShareStatus, 1);
        VsGuestMount *m;

        st->share = g_steal_pointer(&shares->pdata[i]);
        st->device = vs_status_device(st->share->where, state->running, state->persistent);
        if (!(st->share->where & VS_WHERE_LIVE))
            st->guest = VS_GUEST_NA;
        else if (!mounts)
            st->guest = VS_GUEST_UNKNOWN;
        else if ((m = vs_guest_find_mount(mounts, st->share->tag))) {
            st->guest = VS_GUEST_MOUNTED;
            /* guest text, shown in the terminal and in JSON */
            st->mount_point = vs_text_sanitize(m->target, -1);
            st->mount_options = vs_text_sanitize(m->options, -1);
        } else {
            st->guest = VS_GUEST_NOT_MOUNTED;
        }
        g_ptr_array_add(out, st);
    }
    return out;
}
