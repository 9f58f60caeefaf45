/* vs-plan.h: decide, from facts about a domain, how a share goes in. */
#pragma once

#include <glib.h>

#include "vs-share.h"

/* What is known about the domain before anything changes. */
typedef struct {
    gboolean running;           /* active (running or paused) */
    gboolean persistent;        /* has a persistent definition */
    gboolean live_shared_mem;   /* the running QEMU has shared memory */
    gboolean live_acpi;         /* the running QEMU has ACPI (PCI hot-plug) */
    gboolean config_shared_mem; /* the persistent definition has shared memory */
    /* From the hypervisor's domain capabilities; FALSE when unknown, so an
     * unknown hypervisor is tried and left to refuse. */
    gboolean no_9p;             /* no 9p filesystem driver (e.g. RHEL's QEMU) */
    gboolean no_virtiofs;       /* no virtiofs filesystem driver */
    gboolean no_memfd;          /* no memfd memory backing */
    const char *no_virtiofs_why;/* translated reason when no_virtiofs comes from
                                 * something other than the capabilities, or NULL */
    /* libvirt takes <readonly/> on virtiofs (from VS_VIRTIOFS_RO_MIN_LIBVIRT;
     * domain capabilities do not say, so the daemon's version does). */
    gboolean virtiofs_ro;
} VsPlanFacts;

/* libvirt 9.0 refuses read-only virtiofs ("virtiofs does not yet support
 * read-only mode"); 11.0.0 passes <readonly/> on to virtiofsd --readonly
 * (measured: works on 11.3 with the Rust virtiofsd). */
#define VS_VIRTIOFS_RO_MIN_LIBVIRT 11000000

typedef struct {
    VsDriver driver;            /* resolved: 9p or virtiofs */
    VsMode mode;                /* resolved */
    gboolean live;              /* attach to the running domain now */
    gboolean config;            /* attach to the persistent definition */
    gboolean add_shared_memory; /* add memfd shared memory to the definition first */
    gboolean restart_needed;    /* the share appears only after a restart */
    /* Set by vs_add_prepare, not by vs_plan_decide: mount the folder again
     * with nosuid,nodev first (vs-harden.h). */
    gboolean protect;
} VsPlan;

/* Resolve driver and mode, and where to attach.  Errors: UNSUPPORTED for a
 * combination that cannot work (e.g. virtiofs + squash, 9p on a transient
 * running domain). */
gboolean vs_plan_decide(const VsPlanFacts *facts, VsDriver driver, VsMode mode,
                        gboolean readonly, VsPlan *plan, GError **error);

/* Do @a and @b make the same change (driver, mode, where, memory, restart)? */
gboolean vs_plan_equal(const VsPlan *a, const VsPlan *b);

/* One translated sentence saying what the plan does. */
char *vs_plan_describe(const VsPlan *plan, const char *domain);
