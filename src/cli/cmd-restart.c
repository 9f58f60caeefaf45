/* cmd-restart.c: virt-share restart DOMAIN */
#include <config.h>

#include "vs-cli.h"
#include "vs-conn.h"
#include "vs-defaults.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-op.h"

VS_CLI_COMMAND_DECLARE(restart);

/* The options, filled by GOption from vs_restart_options. */
static struct {
    gboolean force;
    int timeout;
} opt = { .timeout = VS_DEFAULT_TIMEOUT_MS / 1000 };

const GOptionEntry vs_restart_options[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &opt.force,
      N_("Destroy the domain if it does not shut down in time"), NULL },
    VS_CLI_OPT_TIMEOUT(opt.timeout,
                       N_("Seconds to wait for the shutdown, the guest agent and guest "
                          "commands (default: 60, at most 86400)")),
    { NULL }
};

const char vs_restart_description[] = N_(
    "Shuts the running domain down (through the guest agent, else the ACPI power\n"
    "button: the guest's own shutdown), starts it again and waits for its guest\n"
    "agent, then mounts the shares 'virt-share watch' mounts at boot. A 9p share\n"
    "added to a running domain appears only this way: a reboot inside the guest\n"
    "keeps the devices the domain was started with.");

gboolean
vs_cmd_restart(int argc, char **argv, GError **error)
{
    g_autoptr(virConnect) conn = NULL;
    VsRunOptions ropts;

    vs_cli_run_options_init(&ropts);
    if (!vs_cli_run_options_timeout(&ropts, opt.timeout, error) ||
        !(conn = vs_cli_connect(error)))
        return FALSE;
    ropts.force = opt.force;
    return vs_op_restart(conn, argv[0], &ropts, error);
}
