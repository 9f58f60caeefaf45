/* vs-finding.c: findings about a share, its domain or the host. */
#include <config.h>

#include "vs-finding.h"

void
vs_finding_free(VsFinding *f)
{
    if (!f)
        return;
    g_free(f->code);
    g_free(f->path);
    g_free(f->message);
    g_free(f->fix_command);
    g_free(f);
}

VsFinding *
vs_finding_copy(const VsFinding *f)
{
    VsFinding *copy = g_memdup2(f, sizeof(*f));

    copy->code = g_strdup(f->code);
    copy->path = g_strdup(f->path);
    copy->message = g_strdup(f->message);
    copy->fix_command = g_strdup(f->fix_command);
    return copy;
}

VS_ENUM_IMPL(vs_severity, VS_SEVERITY_LAST,
             "info", "warning", "error")
