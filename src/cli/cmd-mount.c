/* cmd-mount.c: virt-share mount|umount DOMAIN [TAG] */
#include <config.h>

#include "vs-cli.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-op.h"

VS_CLI_COMMAND_DECLARE(mount);
VS_CLI_COMMAND_DECLARE(umount);

/* The options, filled by GOption from vs_mount_options. */
static struct {
    char *target;
} opt;

const GOptionEntry vs_mount_options[] = {
    { "target", 't', 0, G_OPTION_ARG_FILENAME, &opt.target,
      N_("Mount point in the guest (only with TAG; default: the recorded one, else the tag "
         "if it is a path, else /mnt/TAG)"), N_("GUEST_PATH") },
    { NULL }
};

const char vs_mount_description[] = N_(
    "Mounts the shares attached to the running guest that are not mounted yet: after\n"
    "a guest reboot, after a restart that made a 9p share appear, or for a\n"
    "Filesystem device added in virt-manager or cockpit. Shares already mounted are\n"
    "left alone.\n"
    "\n"
    "Then records each mount point in the domain's metadata, so that 'virt-share\n"
    "watch' mounts the shares again after every guest boot. If recording fails,\n"
    "the records stay as they were.");

const char vs_umount_description[] = N_(
    "Unmounts the shares in the guest; the devices stay attached. Their records are\n"
    "marked so that 'virt-share watch' no longer mounts them at boot; the mount\n"
    "point stays recorded, and 'virt-share mount' mounts them there again.");

gboolean
vs_cmd_mount(int argc, char **argv, GError **error)
{
    g_autoptr(virConnect) conn = NULL;
    VsRunOptions ropts;

    if (opt.target && argc < 2) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("--target needs a TAG: one mount point cannot take every share"));
        return FALSE;
    }
    if (!(conn = vs_cli_connect(error)))
        return FALSE;
    vs_cli_run_options_init(&ropts);
    if (!vs_op_mount(conn, argv[0], argc > 1 ? argv[1] : NULL, opt.target, &ropts, error))
        return FALSE;
    vs_cli_hint_user_unit(conn);
    return TRUE;
}

gboolean
vs_cmd_umount(int argc, char **argv, GError **error)
{
    g_autoptr(virConnect) conn = NULL;
    VsRunOptions ropts;

    if (!(conn = vs_cli_connect(error)))
        return FALSE;
    vs_cli_run_options_init(&ropts);
    return vs_op_umount(conn, argv[0], argc > 1 ? argv[1] : NULL, &ropts, error);
}
