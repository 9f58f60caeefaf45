/* vs-finding.c: findings about a share, its domain or the host. */
#include <config.h>

#include "vs-finding.h"

void
vs_finding_free(VsFinding *f)
{
    if (!f)
        return;
    g_free(f->path);
    g_free(f->message);
    g_free(f->fix_command);
    g_free(f);
}

VsFinding *
vs_finding_copy(const VsFinding *f)
{
    VsFinding *copy = g_memdup2(f, sizeof(*f));

    copy->path = g_strdup(f->path);
    copy->message = g_strdup(f->message);
    copy->fix_command = g_strdup(f->fix_command);
    return copy;
}

VS_ENUM_IMPL(vs_severity, VS_SEVERITY_LAST,
             "info", "warning", "error")

VS_ENUM_IMPL(vs_finding_code, VS_FINDING_LAST,
             "kvm-qemu-denied", "kvm-not-working", "not-running", "agent-unavailable",
             "agent-command-disabled", "source-missing", "parent-search", "folder-read",
             "folder-write", "passthrough-unprivileged", "mapped-xattr", "mapped-modes",
             "squash-owner", "virtiofs-root", "cannot-check", "setuid-unprotected",
             "pending-restart", "not-mounted", "small-msize", "guest-os-unsupported")
