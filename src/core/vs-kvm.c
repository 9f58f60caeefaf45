/* vs-kvm.c: a /dev/kvm that makes libvirt probe QEMU again on every
 * capabilities lookup (see vs-kvm.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vs-i18n.h"
#include "vs-kvm.h"

/* The finding of each verdict that has one. */
static const VsFindingCode vs_kvm_codes[] = {
    [VS_KVM_QEMU_DENIED] = VS_FINDING_KVM_QEMU_DENIED,
    [VS_KVM_NOT_WORKING] = VS_FINDING_KVM_NOT_WORKING,
};
G_STATIC_ASSERT(G_N_ELEMENTS(vs_kvm_codes) == VS_KVM_LAST);

VsKvmVerdict
vs_kvm_decide(const VsKvmFacts *facts)
{
    /* The probe finds KVM exactly when it works for root; the cache check
     * expects KVM exactly when QEMU's user may open the node. */
    if (!facts->chardev || facts->qemu_can_open == facts->works)
        return VS_KVM_CONSISTENT;
    return facts->works ? VS_KVM_QEMU_DENIED : VS_KVM_NOT_WORKING;
}

/* Does KVM work through the node at @path: as QEMU needs it, an API
 * version of 12 and a VM that can be created (and is closed at once)? */
static gboolean
vs_kvm_works(const char *path, char **why)
{
    int fd, version, vm, err;

    do
        fd = open(path, O_RDWR | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        err = errno;
        *why = g_strdup_printf(_("it cannot be opened: %s"), g_strerror(err));
        return FALSE;
    }
    version = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION) {
        err = errno;
        close(fd);
        *why = version < 0 ?
               g_strdup_printf(_("KVM_GET_API_VERSION failed: %s"), g_strerror(err)) :
               g_strdup_printf(_("KVM API version %d instead of %d"), version, KVM_API_VERSION);
        return FALSE;
    }
    do
        vm = ioctl(fd, KVM_CREATE_VM, 0);
    while (vm < 0 && errno == EINTR);
    err = errno;
    close(fd);
    if (vm < 0) {
        *why = g_strdup_printf(_("KVM_CREATE_VM failed: %s"), g_strerror(err));
        return FALSE;
    }
    close(vm);
    return TRUE;
}

gboolean
vs_kvm_probe(const char *path, const VsIdentity *id, VsKvmFacts *facts, char **why)
{
    g_autofree char *reason = NULL;
    g_autofree char *handle = NULL;
    struct stat st;
    int node, access_err;

    memset(facts, 0, sizeof(*facts));
    if (geteuid() != 0)
        return FALSE;
    /* One handle for every question: the node cannot change between them,
     * and a path under /proc/PID/root (a socket= URI) needs no right of
     * QEMU's user to that process.  Not there (or not reachable): no node. */
    node = open(path, O_PATH | O_CLOEXEC);
    if (node < 0)
        return TRUE;
    if (fstat(node, &st) < 0 || !S_ISCHR(st.st_mode)) {
        close(node);
        return TRUE;
    }
    facts->chardev = TRUE;
    handle = g_strdup_printf("/proc/self/fd/%d", node);
    /* As libvirt's check: read and write, for QEMU's uid, gid and groups. */
    access_err = vs_perm_access_as(id, handle, R_OK | W_OK);
    facts->qemu_can_open = access_err == 0;
    facts->works = vs_kvm_works(handle, &reason);
    close(node);
    if (why)
        *why = g_steal_pointer(&reason);
    return access_err >= 0;
}

VsFinding *
vs_kvm_finding(VsKvmVerdict verdict, const char *node, const VsIdentity *id, const char *why)
{
    VsFinding *f;

    if (verdict == VS_KVM_CONSISTENT || (guint)verdict >= VS_KVM_LAST)
        return NULL;
    /* No fix, not even a command: who may use KVM is the host's policy. */
    f = g_new0(VsFinding, 1);
    f->severity = VS_SEVERITY_WARNING;
    f->code = vs_kvm_codes[verdict];
    f->path = g_strdup(node);
    f->fix = VS_FIX_NONE;
    if (verdict == VS_KVM_QEMU_DENIED)
        f->message = g_strdup_printf(_("libvirt probes QEMU again on every capabilities lookup "
                                       "(seconds each): %s works, but QEMU's user %s cannot "
                                       "open it, while libvirt probes with root's file access. "
                                       "Give QEMU's user access as Debian's udev rule does "
                                       "(mode 0660, group kvm, QEMU's user in group kvm), or "
                                       "remove the node if KVM must not be used; virt-share "
                                       "does not change it (the host's policy)"),
                                     node, id->user);
    else
        f->message = g_strdup_printf(_("libvirt probes QEMU again on every capabilities lookup "
                                       "(seconds each): QEMU's user %s can open %s, but KVM "
                                       "does not work behind it (%s), so the probe finds no "
                                       "KVM while libvirt's cache check expects it. Remove the "
                                       "node, or load a kvm module that works (kvm_intel, "
                                       "kvm_amd); virt-share does not change it (the host's "
                                       "policy)"),
                                     id->user, node, why ? why : "?");
    return f;
}
