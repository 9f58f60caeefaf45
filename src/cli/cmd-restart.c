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
    { "timeout", 0, 0, G_OPTION_ARG_INT, &opt.timeout,
      N_("Seconds to wait for the shutdown, the guest agent and guest commands (default: 60, "
         "at most 86400)"),
      N_("SECONDS") },
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

    if (opt.timeout <= 0 || opt.timeout > VS_MAX_TIMEOUT_S) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("--timeout must be between 1 and %d seconds"), VS_MAX_TIMEOUT_S);
        return FALSE;
    }
    if (!(conn = vs_cli_connect(error)))
        return FALSE;
    vs_cli_run_options_init(&ropts);
    ropts.force = opt.force;
    ropts.timeout_ms = (guint)opt.timeout * 1000;
    return vs_op_restart(conn, argv[0], &ropts, error);
}
