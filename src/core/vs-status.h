/* vs-status.h: where a share is (definition, running domain, guest mount), and
 * the drift between them. */
#pragma once

#include <glib.h>

#include "vs-enum.h"

#include "vs-add.h"
#include "vs-run.h"

/* The device side, from where the share is and whether the domain runs. */
typedef enum {
    VS_DEVICE_DEFINED,          /* in the definition of a stopped domain */
    VS_DEVICE_PENDING_RESTART,  /* in the definition, not yet in the running domain */
    VS_DEVICE_ATTACHED,         /* in both */
    VS_DEVICE_PENDING_STOP,     /* removed from the definition, still attached */
    VS_DEVICE_LAST
} VsDeviceState;

/* The guest side. */
typedef enum {
    VS_GUEST_NA,                /* not attached to a running guest */
    VS_GUEST_UNKNOWN,           /* the guest agent cannot tell */
    VS_GUEST_NOT_MOUNTED,
    VS_GUEST_MOUNTED,
    VS_GUEST_LAST
} VsGuestState;

/* The guest agent, as vs_status_collect met it. */
typedef enum {
    VS_AGENT_NA,                /* not asked: the domain does not run */
    VS_AGENT_OK,
    VS_AGENT_UNAVAILABLE,       /* asked, no usable answer (agent_error says why) */
    VS_AGENT_LAST
} VsAgentState;

typedef struct {
    VsShare *share;
    VsDeviceState device;
    VsGuestState guest;
    char *mount_point;          /* where it is mounted, if it is */
    char *mount_options;
} VsShareStatus;

void vs_status_free(VsShareStatus *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsShareStatus, vs_status_free)

/* @persistent: the domain has a persistent definition (else it is transient). */
VsDeviceState vs_status_device(VsWhere where, gboolean running, gboolean persistent);
/* "defined", "pending-restart", "attached", "pending-stop"; "n/a", "unknown",
 * "not-mounted", "mounted". */
VS_ENUM_DECL(vs_device_state);
VS_ENUM_DECL(vs_guest_state);
/* "n/a", "ok", "unavailable" */
VS_ENUM_DECL(vs_agent_state);
VsAgentState vs_status_agent(gboolean running, const char *agent_error);
/* Attached to the running guest but not mounted there, and not removed
 * (pending stop: remove unmounted it on purpose): mounting it is what is
 * missing.  The doctor's not-mounted finding and the desktop's Mount. */
gboolean vs_status_wants_mount(const VsShareStatus *st);
/* Can remove take the share away now?  Not a 9p share that is only in the
 * running domain: it leaves when the domain stops. */
gboolean vs_status_can_remove(const VsShareStatus *st);
/* Does the running domain (@running) wait for a shutdown and a start before
 * a share of @statuses appears? */
gboolean vs_status_restart_pending(GPtrArray *statuses, gboolean running);
/* One translated line for people: e.g. "pending restart", "attached, not mounted". */
const char *vs_status_summary(VsDeviceState device, VsGuestState guest);

/* The status of every share of the domain; asks the guest agent about mounts
 * when the domain runs (*@agent_error tells why the guest state is unknown). */
GPtrArray *vs_status_collect(VsDomainState *state, char **agent_error);
