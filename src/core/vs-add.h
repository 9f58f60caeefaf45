/* vs-add.h: add a share to a libvirt domain.
 *
 * prepare reads the domain, validates and plans without changing anything
 * (all of the XML); apply carries the plan out, and a failure after the
 * first change is rolled back so the domain is left exactly as it was. */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>
#include <libxml/tree.h>

#include "vs-config.h"
#include "vs-conn.h"
#include "vs-domain-state.h"
#include "vs-harden.h"
#include "vs-metadata.h"
#include "vs-plan.h"
#include "vs-share.h"

typedef struct {
    const char *source;     /* host directory (absolute) */
    const char *target;     /* guest mount point; NULL: the same path as source */
    const char *tag;        /* NULL: generated from the source */
    VsDriver driver;        /* AUTO: the configured driver (which may be auto) */
    VsMode mode;            /* DEFAULT: the configured mode (which may be default) */
    gboolean readonly;
    const VsConfig *config; /* host path policy and defaults; NULL: built-in ones */
    GStrv uid_map;          /* "HOST:GUEST" entries, or NULL */
    GStrv gid_map;
    /* --allow-setuid: leave a folder that needs the nosuid,nodev mount
     * (vs-harden.h) as it is, recorded in the metadata for the hook. */
    gboolean allow_setuid;
    /* vs_op_add: the plan the user agreed to (a front end that showed one);
     * a different plan under the lock is refused and nothing changes.  NULL:
     * whatever the plan is. */
    const VsPlan *expect_plan;
} VsAddOptions;

/* libvirt maps ids for virtiofs (<idmap>) since this version. */
#define VS_IDMAP_MIN_LIBVIRT 10000000
/* A session daemon runs virtiofsd (unprivileged) since this version; older
 * ones refuse every virtiofs device, and no capability says so. */
#define VS_VIRTIOFS_SESSION_MIN_LIBVIRT 10000000

/* Everything apply will hand to libvirt is worked out by prepare, so that
 * the golden tests (tests/test-golden.c) see exactly what add/remove do. */
typedef struct {
    VsShare *share;         /* resolved share */
    VsPlan plan;
    char *device_xml;       /* the <filesystem> element that is attached */
    char *define_xml;       /* the definition defined first (shared memory
                             * added), or NULL */
    VsMetadataChange config_metadata;
    VsMetadataChange live_metadata;
    char *description;      /* translated, one line per step: what will happen */
    VsHardenNeed harden;    /* does the folder need nosuid,nodev, and why */
    gboolean harden_allowed;/* it does and lacks it, but --allow-setuid or setuid-shares=allow */
    /* what apply changed, for rollback */
    VsHardenDone did_protect;
    gboolean did_define;
    gboolean did_attach;
    gboolean did_live_metadata;
    /* add --exist-ok found @share there already, with these options: no change */
    gboolean unchanged;
} VsAddJob;

void vs_add_job_free(VsAddJob *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsAddJob, vs_add_job_free)

/* Does @share (driver and mode resolved) of this domain need the nosuid,nodev
 * mount of its folder (vs-harden.h), from the connection's URI and, for 9p
 * passthrough, the user QEMU runs as? */
VsHardenNeed vs_add_harden_need(VsDomainState *state, const VsShare *share);

/* add --exist-ok: the share of @opts->source already in @state (in the
 * definition, or in the running transient domain), when it has the options
 * @opts asks for (an unset driver, after the configured default, or tag
 * takes any; an unset mode the configured one, else the driver's default;
 * --persist is not compared: the guest's fstab is not read).  NULL without error when there is none; NULL with VS_ERROR_EXISTS
 * naming each option that differs. */
VsShare *vs_add_existing(VsDomainState *state, const VsAddOptions *opts, GError **error);

/* Validate and plan; changes nothing. */
VsAddJob *vs_add_prepare(VsDomainState *state, const VsAddOptions *opts, GError **error);
/* Carry out the plan; on failure undo what was done and return FALSE
 * (VS_ERROR_INCOMPLETE when that undo failed too). */
gboolean vs_add_apply(VsDomainState *state, VsAddJob *job, GError **error);
/* Undo a successful apply (used when a later step such as the guest mount
 * fails).  Every step is tried; FALSE (VS_ERROR_INCOMPLETE) names each one
 * that failed, so the user knows exactly what is left. */
gboolean vs_add_rollback(VsDomainState *state, VsAddJob *job, GError **error);
