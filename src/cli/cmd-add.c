/* cmd-add.c: virt-share add DOMAIN HOST_DIR */
#include <config.h>

#include <stdio.h>

#include "vs-cli.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-defaults.h"
#include "vs-op.h"

VS_CLI_COMMAND_DECLARE(add);

/* The options, filled by GOption from vs_add_options. */
static struct {
    char *target;
    char *mode;
    char *driver;
    char *tag;
    gboolean readonly;
    gboolean dry_run;
    gboolean no_mount;
    gboolean keep_device;
    gboolean restart;
    gboolean force;
    gboolean persist;
    gboolean allow_setuid;
    gboolean exist_ok;
    gboolean json;
    int timeout;
    char **uid_map;
    char **gid_map;
} opt = { .timeout = VS_DEFAULT_TIMEOUT_MS / 1000 };

const GOptionEntry vs_add_options[] = {
    { "target", 't', 0, G_OPTION_ARG_FILENAME, &opt.target,
      N_("Mount point in the guest (default: HOST_DIR's path, not a system directory)"),
      N_("GUEST_PATH") },
    { "mode", 'm', 0, G_OPTION_ARG_FILENAME, &opt.mode,
      N_("Access mode: passthrough, mapped or squash (default: squash for 9p, passthrough for virtiofs)"),
      N_("MODE") },
    { "driver", 'd', 0, G_OPTION_ARG_FILENAME, &opt.driver,
      N_("Transport: auto, 9p or virtiofs (default: auto)"), N_("DRIVER") },
    { "tag", 0, 0, G_OPTION_ARG_FILENAME, &opt.tag,
      N_("Mount tag seen by the guest (default: derived from HOST_DIR)"), N_("TAG") },
    { "readonly", 'r', 0, G_OPTION_ARG_NONE, &opt.readonly,
      N_("Share read-only"), NULL },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &opt.dry_run,
      N_("Run every check of add and print the device XML; change nothing"), NULL },
    { "no-mount", 0, 0, G_OPTION_ARG_NONE, &opt.no_mount,
      N_("Only attach the device; do not mount it in the guest"), NULL },
    { "persist", 'p', 0, G_OPTION_ARG_NONE, &opt.persist,
      N_("Also add the share to the guest's /etc/fstab (nofail), so that the guest mounts "
         "it at every boot"), NULL },
    { "keep-device", 0, 0, G_OPTION_ARG_NONE, &opt.keep_device,
      N_("Keep the device attached when the mount in the guest fails"), NULL },
    { "restart", 0, 0, G_OPTION_ARG_NONE, &opt.restart,
      N_("Restart a running domain when the share cannot be hot-plugged (9p), then mount"),
      NULL },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &opt.force,
      N_("Add even if the permission checks say the share cannot work; with --restart, "
         "destroy the domain if it does not shut down in time"), NULL },
    { "allow-setuid", 0, 0, G_OPTION_ARG_NONE, &opt.allow_setuid,
      N_("Do not mount the folder again with nosuid,nodev: setuid programs and device "
         "files the guest's root makes there work for host users (a warning in the plan)"),
      NULL },
    { "uid-map", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt.uid_map,
      N_("Map host uid to guest uid (virtiofs, libvirt >= 10.0.0; may be repeated)"),
      N_("HOST:GUEST") },
    { "gid-map", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt.gid_map,
      N_("Map host gid to guest gid (virtiofs, libvirt >= 10.0.0; may be repeated)"),
      N_("HOST:GUEST") },
    VS_CLI_OPT_EXIST_OK(opt.exist_ok,
                        N_("Succeed without changing anything when HOST_DIR is shared with the "
                           "domain already, with the same options (other options are still an "
                           "error)")),
    VS_CLI_OPT_JSON_RESULT(opt.json),
    VS_CLI_OPT_TIMEOUT(opt.timeout,
                       N_("Seconds to wait for the guest agent, guest commands and shutdown "
                          "(default: 60, at most 86400)")),
    { NULL }
};

const char vs_add_description[] = N_(
    "HOST_DIR may be relative to the current directory; symbolic links are resolved,\n"
    "then the host path policy of the configuration file (named below; the\n"
    "environment variable VIRT_SHARE_CONFIG names another) applies: system trees\n"
    "(/, /bin, /boot, /dev, /etc, /lib*, /opt, /proc, /root, /run, /sbin, /sys,\n"
    "/usr, /var) are refused unless allowed there; /var/tmp, /run/media and\n"
    "/var/home, /var/mnt, /var/srv stay allowed. Paths, --target and --tag must\n"
    "be valid UTF-8 without control characters or Unicode format characters\n"
    "(bidi overrides, zero-width spaces: they make a path read as another).\n"
    "\n"
    "Drivers and modes:\n"
    "  9p        works with every running state, but cannot be hot-plugged: on a\n"
    "            running domain the share is added to the persistent definition and\n"
    "            appears after the next restart. Modes: squash (files are owned by\n"
    "            the QEMU user on the host), mapped (guest owners kept in xattrs,\n"
    "            host files 0600), passthrough (needs QEMU running as root).\n"
    "  virtiofs  hot-plugs into a running domain that has shared memory and ACPI;\n"
    "            adds memfd shared memory to the definition when missing.\n"
    "            Mode: passthrough only (virtiofsd runs as root on the host).\n"
    "  auto      virtiofs when the domain already has shared memory, the mode is\n"
    "            passthrough or unset and the share is not read-only (read-only\n"
    "            virtiofs needs libvirt 11.0 or later); 9p otherwise.\n"
    "\n"
    "Before changing anything, add runs the checks of 'virt-share doctor' for the\n"
    "user QEMU runs as, and refuses a share that could not work (QEMU cannot enter\n"
    "or write the folder, passthrough without root, mapped without xattrs), with\n"
    "the command that fixes it; --force adds it anyway.\n"
    "\n"
    "When the guest's writes land on the host as root or as QEMU's user (virtiofs\n"
    "and 9p passthrough or squash under qemu:///system) and the folder's mount\n"
    "allows setuid programs and device files, add first mounts the folder again\n"
    "onto itself with nosuid,nodev and keeps that in /etc/fstab (setuid-shares in\n"
    "the configuration file: protect, refuse or allow; --allow-setuid opts out).\n"
    "remove undoes it when no other domain shares the folder.\n"
    "\n"
    "After attaching, the share is mounted in the guest through the QEMU guest agent\n"
    "(guest-exec of mkdir and mount, no shell). If the mount fails, the device is\n"
    "detached again and the domain is left as it was (unless --keep-device).\n"
    "virt-share mounts only in Linux guests: when the agent of a running guest\n"
    "reports another system (guest-get-osinfo), such as Windows, add refuses\n"
    "before changing anything; --no-mount still attaches the device.\n"
    "\n"
    "--exist-ok compares the options given with the share there: an unset --driver\n"
    "or --tag takes any, an unset --mode the driver's default, an unset --target\n"
    "HOST_DIR's path; --persist is not compared (the guest's fstab is not read).");

/* The add options from the command line, over the configuration's defaults. */
static gboolean
vs_add_options_from_cli(VsAddOptions *opts, const VsConfig *config, const char *source,
                        GError **error)
{
    opts->config = config;     /* its defaults: applied by the core */
    if (opt.mode && !vs_share_mode_parse(opt.mode, &opts->mode, error))
        return FALSE;
    if (opt.driver && !vs_share_driver_parse(opt.driver, &opts->driver, error))
        return FALSE;
    opts->source = source;
    opts->target = opt.target;
    opts->tag = opt.tag;
    opts->readonly = opt.readonly;
    opts->uid_map = opt.uid_map;
    opts->allow_setuid = opt.allow_setuid;
    opts->gid_map = opt.gid_map;
    return TRUE;
}

/* The core's agent and guest system errors name no option: --no-mount is
 * add's own, and means nothing to 'mount', the watcher or the desktop
 * program. */
static void
vs_add_hint_no_mount(const VsRunOptions *ropts, GError **error)
{
    if (ropts->mount && error && *error && (*error)->domain == VS_ERROR &&
        ((*error)->code == VS_ERROR_AGENT || (*error)->code == VS_ERROR_GUEST_OS)) {
        g_autofree char *msg = (*error)->message;

        (*error)->message = g_strdup_printf(_("%s (or add with --no-mount, which only "
                                              "attaches the device)"), msg);
    }
}

static void
vs_add_say_unchanged(const VsAddJob *job)
{
    vs_cli_say(_("'%s' is already shared with domain '%s' (tag '%s') with these options; "
                 "nothing changed."), job->share->source, job->share->domain, job->share->tag);
}

/* The checks add makes, the same code (vs_run_add_check), and the device XML. */
static gboolean
vs_add_dry_run(virConnect *conn, const char *domain, const VsAddOptions *opts,
               const VsRunOptions *ropts, GError **error)
{
    g_autoptr(VsAddJob) job = vs_op_add_plan(conn, domain, opts, ropts, error);

    if (!job) {
        vs_add_hint_no_mount(ropts, error);
        g_prefix_error(error, _("dry run: add would fail: "));
        return FALSE;
    }
    if (opt.json)
        vs_cli_json_add(job, TRUE, FALSE);
    else if (job->unchanged)
        vs_add_say_unchanged(job);
    else {
        vs_cli_say(_("Dry run: every check add makes passed; nothing changed. Device XML:"));
        printf("%s", job->device_xml);
    }
    return TRUE;
}

gboolean
vs_cmd_add(int argc, char **argv, GError **error)
{
    g_autoptr(virConnect) conn = NULL;
    g_autoptr(VsAddJob) job = NULL;
    g_autoptr(VsConfig) config = NULL;
    const char *source = argv[1];     /* relative: resolved by the core */
    VsAddOptions opts = { 0 };
    VsRunOptions ropts;

    vs_cli_run_options_init(&ropts);
    if (!vs_cli_run_options_timeout(&ropts, opt.timeout, error))
        return FALSE;
    if (!(config = vs_config_load(NULL, error)) ||
        !vs_add_options_from_cli(&opts, config, source, error))
        return FALSE;
    if (!(conn = vs_cli_connect(error)))
        return FALSE;

    ropts.mount = !opt.no_mount;
    ropts.keep_device = opt.keep_device;
    ropts.restart = opt.restart;
    ropts.force = opt.force;
    ropts.persist = opt.persist;
    ropts.dry_run = opt.dry_run;
    ropts.exist_ok = opt.exist_ok;
    /* The document alone on stdout; warnings stay on stderr. */
    if (opt.json)
        vs_cli_global.quiet = TRUE;
    if (opt.dry_run)
        return vs_add_dry_run(conn, argv[0], &opts, &ropts, error);
    if (!vs_op_add(conn, argv[0], &opts, &ropts, &job, error)) {
        vs_add_hint_no_mount(&ropts, error);
        return FALSE;
    }
    if (opt.json)
        vs_cli_json_add(job, FALSE, opt.restart);
    else if (job->unchanged)
        vs_add_say_unchanged(job);
    else if (job->plan.restart_needed && !opt.restart)
        vs_cli_say(_("Restart the domain for the share to appear in the guest."));
    /* --persist's fstab line mounts it at boot without a watcher. */
    if (!opt.json && !job->unchanged && ropts.mount && !opt.persist)
        vs_cli_hint_user_unit(conn);
    return TRUE;
}
