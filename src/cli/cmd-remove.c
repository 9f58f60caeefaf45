/* cmd-remove.c: virt-share remove DOMAIN HOST_DIR|TAG */
#include <config.h>

#include "vs-cli.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-op.h"

VS_CLI_COMMAND_DECLARE(remove);

/* The options, filled by GOption from vs_remove_options. */
static struct {
    gboolean exist_ok;
    gboolean json;
} opt;

const GOptionEntry vs_remove_options[] = {
    VS_CLI_OPT_EXIST_OK(opt.exist_ok,
                        N_("Succeed without changing anything when the domain has no such "
                           "share")),
    VS_CLI_OPT_JSON_RESULT(opt.json),
    { NULL }
};

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
    ropts.exist_ok = opt.exist_ok;
    /* The document alone on stdout; warnings stay on stderr. */
    if (opt.json)
        vs_cli_global.quiet = TRUE;
    if (!vs_op_remove(conn, argv[0], argv[1], &ropts, &job, error))
        return FALSE;

    if (opt.json) {
        vs_cli_json_remove(argv[0], job);
        return TRUE;
    }
    if (!job) {
        vs_cli_say(_("Domain '%s' has no share '%s'; nothing changed."), argv[0], argv[1]);
        return TRUE;
    }
    vs_cli_say(_("Removed share '%s' (%s) from domain '%s'."), job->share->tag,
               job->share->source, job->share->domain);
    if (job->restart_needed)
        vs_cli_say(_("9p shares cannot be hot-unplugged: it stays attached to the running "
                     "guest until the domain stops."));
    return TRUE;
}
