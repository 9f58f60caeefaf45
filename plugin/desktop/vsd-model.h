/* vsd-model.h: what the desktop program reads from libvirt and does to it.
 *
 * Everything here blocks and touches no widget: it runs in worker threads,
 * each with a libvirt connection of its own. */
#pragma once

#include <glib.h>

#include "vs-perm.h"
#include "vs-plan.h"
#include "vs-run.h"
#include "vs-status.h"

/* One domain as the window shows it. */
typedef struct {
    char *name;
    gboolean running;
    gboolean paused;
    char *agent_error;          /* why the guest side is unknown, or NULL */
    /* the command that installs the agent in it, where its family is known
     * (vs_guest_family_of_domain), or NULL */
    const char *agent_install;
    GPtrArray *shares;          /* VsShareStatus */
} VsdDomain;

typedef struct {
    char *uri;                  /* as asked ("" = default) */
    char *resolved_uri;         /* what libvirt connected to */
    GPtrArray *domains;         /* VsdDomain, by name */
} VsdSnapshot;

void vsd_snapshot_free(VsdSnapshot *snap);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsdSnapshot, vsd_snapshot_free)

VsdSnapshot *vsd_snapshot_load(const char *uri, GError **error);

typedef enum {
    VSD_OP_ADD_PREPARE,         /* plan only: fills description/plan */
    VSD_OP_ADD,                 /* apply, if the plan is still the one shown */
    VSD_OP_REMOVE,
    VSD_OP_MOUNT,
    VSD_OP_UMOUNT,
    VSD_OP_DOCTOR,              /* fills findings */
    VSD_OP_FIX,                 /* apply @fix, then as DOCTOR */
    VSD_OP_RESTART,             /* restart the VM, mount its shares (pending restart) */
} VsdOpKind;

typedef enum {
    VSD_FIX_NONE,
    VSD_FIX_DOCTOR,             /* the core's fix (ACL entries for QEMU's user) */
    VSD_FIX_MOUNT,              /* attached but not mounted: mount it */
    VSD_FIX_REMOUNT,            /* mounted with a small msize: mount it again */
    VSD_FIX_START,              /* the domain is not running: start it, wait for its agent */
    VSD_FIX_PROTECT,            /* the folder allows setuid and devices: the core's nosuid,nodev mount */
    VSD_FIX_LAST
} VsdFixKind;

/* A doctor finding and the share it is about (tag and source NULL: about
 * the domain, e.g. its guest agent, or with host about the host). */
typedef struct {
    gboolean host;              /* about the host the daemon runs on (/dev/kvm) */
    char *tag;
    char *source;
    VsFinding *finding;
    VsdFixKind fix;
} VsdFinding;

void vsd_finding_free(VsdFinding *f);

typedef struct {
    VsdOpKind kind;
    char *uri;
    char *domain;
    char *tag;                  /* remove, mount, umount; NULL: all (mount/umount);
                                 * ADD: the new share's, once added */
    /* add */
    char *source;
    char *target;
    VsDriver driver;            /* VS_DRIVER_AUTO: the configured default */
    VsMode mode;                /* VS_MODE_DEFAULT: the configured default */
    gboolean readonly;
    gboolean persist;
    gboolean restart;
    VsPlan shown_plan;          /* ADD: the plan the user agreed to */
    /* fix */
    VsdFinding *fix;
    /* progress, called from the worker thread */
    VsNotifyFunc notify;
    gpointer notify_data;
    /* results */
    char *description;          /* ADD_PREPARE */
    VsPlan plan;                /* ADD_PREPARE, ADD */
    char *qemu_user;            /* ADD_PREPARE, DOCTOR: who QEMU runs as (owns what 9p writes) */
    gboolean virtiofs_offer;    /* ADD_PREPARE: automatic chose 9p for a shut-off VM,
                                 * and the core would share it with virtiofs (adding
                                 * shared memory), which keeps owners */
    char *identity;             /* DOCTOR: who QEMU runs as, what else decides access */
    char *summary;              /* DOCTOR: the verdict (vs_doctor_summary), or NULL */
    GPtrArray *findings;        /* DOCTOR: VsdFinding */
} VsdOp;

VsdOp *vsd_op_new(VsdOpKind kind, const char *uri, const char *domain);
void vsd_op_free(VsdOp *op);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsdOp, vsd_op_free)

gboolean vsd_op_run(VsdOp *op, GError **error);
