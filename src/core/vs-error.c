/* vs-error.c: the error domain of the core library. */
#include <config.h>

#include "vs-error.h"

G_DEFINE_QUARK(virt-share-error-quark, vs_error)

VS_ENUM_IMPL(vs_error_code, VS_ERROR_LAST,
             "VS_ERROR_INVALID", "VS_ERROR_NOT_FOUND", "VS_ERROR_EXISTS",
             "VS_ERROR_UNSUPPORTED", "VS_ERROR_POLICY", "VS_ERROR_LIBVIRT",
             "VS_ERROR_AGENT", "VS_ERROR_GUEST", "VS_ERROR_TIMEOUT", "VS_ERROR_REMOTE",
             "VS_ERROR_DOMAIN_GONE", "VS_ERROR_INCOMPLETE", "VS_ERROR_PROBLEMS",
             "VS_ERROR_GUEST_OS")

int
vs_error_exit_code(const GError *error)
{
    if (!error)
        return VS_EXIT_OK;
    if (error->domain == G_OPTION_ERROR)
        return VS_EXIT_USAGE;
    if (error->domain != VS_ERROR)
        return VS_EXIT_FAILED;

    switch ((VsErrorCode)error->code) {
    case VS_ERROR_INVALID:
    case VS_ERROR_NOT_FOUND:
    case VS_ERROR_EXISTS:
    case VS_ERROR_UNSUPPORTED:
    case VS_ERROR_POLICY:
    case VS_ERROR_GUEST_OS:     /* refused before anything changed, like a bad combination */
        return VS_EXIT_USAGE;
    case VS_ERROR_LIBVIRT:
    case VS_ERROR_AGENT:
    case VS_ERROR_GUEST:
    case VS_ERROR_TIMEOUT:
    case VS_ERROR_REMOTE:
    case VS_ERROR_DOMAIN_GONE:
    case VS_ERROR_LAST:
        break;
    case VS_ERROR_INCOMPLETE:
        return VS_EXIT_INCOMPLETE;
    case VS_ERROR_PROBLEMS:
        return VS_EXIT_PROBLEMS;
    }
    return VS_EXIT_FAILED;
}

void
vs_error_incomplete(GError **error, GError *undo_error)
{
    GError *first = error ? *error : NULL;

    if (!error || !undo_error)
        return;
    *error = g_error_new(VS_ERROR, VS_ERROR_INCOMPLETE, "%s\n%s",
                         first ? first->message : "", undo_error->message);
    g_clear_error(&first);
}
