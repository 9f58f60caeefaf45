/* vs-doctor.h: why a share is not usable, as data.
 *
 * For the domain: the identity QEMU runs as and what else decides access
 * (security drivers, qemu.conf); for the host the daemon runs on, when it
 * is this one: a /dev/kvm that keeps libvirt probing QEMU; for each share: findings (VsFinding: code,
 * severity, translated message, the command that fixes it, whether
 * vs_doctor_run can apply that fix).  Front ends only format the report. */
#pragma once

#include <glib.h>

#include "vs-agent.h"
#include "vs-identity.h"
#include "vs-add.h"
#include "vs-perm.h"
#include "vs-status.h"

typedef struct {
    VsShareStatus *status;      /* where the share is, as status reports it */
    VsShare *share;             /* status->share */
    GPtrArray *findings;        /* VsFinding, what is left after the fixes */
    GPtrArray *fixed;           /* VsAclChange: the ACL entries applied, read back */
    gboolean protected_now;     /* --fix mounted the folder again nosuid,nodev
                                 * (finding "setuid-unprotected") */
} VsDoctorShare;

typedef struct {
    char *domain;
    VsIdentity identity;        /* who QEMU runs as, and where that was found */
    char *security_models;      /* "dac, selinux": the running domain's seclabels, or NULL */
    gboolean labels_may_deny;   /* SELinux or AppArmor in force */
    gboolean dynamic_ownership_off; /* dynamic_ownership = 0 in qemu.conf */
    VsAgentState agent;
    char *agent_error;          /* why the guest side is unknown, or NULL */
    gboolean guest_checked;     /* the guest side could be examined (domain running) */
    VsGuestOs *guest_os;        /* the guest's system as its agent tells it, or NULL */
    GPtrArray *host_findings;   /* VsFinding about the host the daemon runs on (/dev/kvm),
                                 * for qemu:///system on this host only */
    GPtrArray *findings;        /* VsFinding about the domain: guest agent missing,
                                 * the guest not Linux, a command mounting needs
                                 * disabled, not running */
    GPtrArray *shares;          /* VsDoctorShare */
    guint errors;               /* ERROR findings left (host, domain and shares) */
    guint warnings;             /* WARNING findings (host, domain and shares) */
} VsDoctorReport;

/* The verdict under @report, one translated sentence for every front end:
 * never "no problem" under a warning or with the guest unchecked.  NULL when
 * errors are left (each says what is wrong). */
const char *vs_doctor_summary(const VsDoctorReport *report);

void vs_doctor_report_free(VsDoctorReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsDoctorReport, vs_doctor_report_free)

typedef struct {
    gboolean fix;               /* apply the fixes of ERROR findings, then check again */
    const VsConfig *config;     /* with fix: the host path policy the fixes keep to; also
                                 * setuid-shares (NULL: the built-in default) */
    const char *qemu_conf;      /* NULL: vs_identity_qemu_conf_path(NULL) */
} VsDoctorOptions;

/* Examine every share of the domain, or only the one @what names (a tag or
 * a folder, vs_domain_state_find_share).  Errors: the share is unknown, the
 * QEMU identity cannot be told, a fix failed. */
VsDoctorReport *vs_doctor_run(VsDomainState *state, const char *what,
                              const VsDoctorOptions *opts, GError **error);

/* The guest-side finding of one share's status (not mounted, waiting for a
 * restart, a small msize), or NULL when there is nothing to say. */
VsFinding *vs_doctor_guest_finding(const char *domain, const VsShareStatus *st);

/* Can vs_doctor_run (with fix) apply @finding's fix? */
gboolean vs_doctor_fixable(const VsFinding *finding);
