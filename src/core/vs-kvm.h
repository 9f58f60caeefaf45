/* vs-kvm.h: a /dev/kvm that makes libvirt probe QEMU again on every
 * capabilities lookup.
 *
 * libvirt (9.0, qemuProcessQMPLaunch) probes QEMU as QEMU's user but keeps
 * CAP_DAC_OVERRIDE for it, so the probe finds KVM whenever KVM works for
 * root; its cache check (virQEMUCapsKVMUsable) asks whether QEMU's user may
 * open /dev/kvm read-write, without the override.  When the two disagree the
 * cached capabilities never look valid and every lookup (domcapabilities,
 * define, version) probes QEMU again: seconds each. */
#pragma once

#include <glib.h>

#include "vs-identity.h"
#include "vs-perm.h"

/* What was found about the node, as the decision takes it. */
typedef struct {
    gboolean chardev;           /* the node is a character device */
    gboolean qemu_can_open;     /* QEMU's user may open it read-write */
    gboolean works;             /* root can create a VM through it */
} VsKvmFacts;

typedef enum {
    VS_KVM_CONSISTENT,          /* probe and cache check agree: nothing to say */
    VS_KVM_QEMU_DENIED,         /* KVM works, QEMU's user cannot open the node */
    VS_KVM_NOT_WORKING,         /* QEMU's user can open the node, KVM does not work */
    VS_KVM_LAST
} VsKvmVerdict;


/* Does libvirt's capability cache go stale at once with this node?  Pure. */
VsKvmVerdict vs_kvm_decide(const VsKvmFacts *facts);

/* Find the facts about the node at @path (as this process sees it) for
 * QEMU's user @id.  Needs root (KVM is tried as root, QEMU's access asked
 * of the kernel as @id); FALSE when not root.  No node: chardev FALSE.
 * @why (may be NULL): when KVM does not work, what failed (translated). */
gboolean vs_kvm_probe(const char *path, const VsIdentity *id, VsKvmFacts *facts, char **why);

/* The finding for @verdict (NULL for VS_KVM_CONSISTENT): a warning with no
 * fix, since who may use /dev/kvm is the host's policy.  @node: the path as
 * the daemon names it; @why: from vs_kvm_probe, or NULL. */
VsFinding *vs_kvm_finding(VsKvmVerdict verdict, const char *node, const VsIdentity *id,
                          const char *why);
