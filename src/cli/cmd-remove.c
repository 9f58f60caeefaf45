/* cmd-remove.c: virt-share remove DOMAIN HOST_DIR|TAG */
#include <config.h>

#include "vs-cli.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-op.h"

VS_CLI_COMMAND_DECLARE(remove);

const char vs_remove_description[] = N_(
    "A share that is mounted in the guest is unmounted first, through the guest\n"
    "agent; if that fails, nothing is changed.\n"
    "The share is named by its tag or by its host directory (relative paths are\n"
    "taken from the current directory). virtiofs shares are detached from the\n"
    "running domain at once; 9p shares cannot be hot-unplugged, so they are removed\n"
    "from the persistent definition and disappear at the next restart.");

gboolean
vs_cmd_remove(int argc, char **argv, GError **error)
{
    g_autoptr(virConnect) conn = NULL;
    g_autoptr(VsRemoveJob) job = NULL;
    VsRunOptions ropts;

    if (!(conn = vs_cli_connect(error)))
        return FALSE;
    vs_cli_run_options_init(&ropts);
    if (!vs_op_remove(conn, argv[0], argv[1], &ropts, &job, error))
        return FALSE;

    vs_cli_say(_("Removed share '%s' (%s) from domain '%s'."), job->share->tag,
               job->share->source, job->share->domain);
    if (job->restart_needed)
        vs_cli_say(_("9p shares cannot be hot-unplugged: it stays attached to the running "
                     "guest until the domain stops."));
    return TRUE;
}
