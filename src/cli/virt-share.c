/* virt-share.c: entry point and the command table.
 *
 * A command is one row here (name, arguments, help, options, completers) and
 * one cmd-X.c file with its description, options and code. Option parsing,
 * argument counts, --help and shell completion all work from this table. */
#include <config.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "vs-cli.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"

VS_CLI_COMMAND_DECLARE(add);
VS_CLI_COMMAND_DECLARE(list);
VS_CLI_COMMAND_DECLARE(remove);
VS_CLI_COMMAND_DECLARE(mount);
VS_CLI_COMMAND_DECLARE(umount);
VS_CLI_COMMAND_DECLARE(restart);
VS_CLI_COMMAND_DECLARE(status);
VS_CLI_COMMAND_DECLARE(doctor);
VS_CLI_COMMAND_DECLARE(watch);
VS_CLI_COMMAND_DECLARE(complete);
static gboolean vs_cmd_help(int argc, char **argv, GError **error);

const VsCommand vs_cli_commands[] = {
    { .name = "add", .params = N_("DOMAIN HOST_DIR [OPTION…]"),
      .summary = N_("Share a host directory with a domain and mount it in the guest"),
      .description = vs_add_description, .options = vs_add_options,
      .min_args = 2, .max_args = 2, .args = { vs_complete_domain, vs_complete_dir },
      .values = (const VsOptionCompleter[]){ { "mode", vs_complete_mode },
                                             { "driver", vs_complete_driver }, { NULL } },
      .flags = VS_COMMAND_ON_HOST | VS_COMMAND_CONFIG, .run = vs_cmd_add },
    { .name = "list", .params = N_("[DOMAIN] [OPTION…]"),
      .summary = N_("List the shares of one domain or of all domains"),
      .description = vs_list_description, .options = vs_list_options,
      .min_args = 0, .max_args = 1, .args = { vs_complete_domain }, .run = vs_cmd_list },
    { .name = "remove", .params = N_("DOMAIN HOST_DIR|TAG [OPTION…]"),
      .summary = N_("Unmount a share in the guest and detach it"),
      .description = vs_remove_description, .options = vs_remove_options,
      .min_args = 2, .max_args = 2, .args = { vs_complete_domain, vs_complete_tag_or_dir },
      .flags = VS_COMMAND_ON_HOST, .run = vs_cmd_remove },
    { .name = "mount", .params = N_("DOMAIN [HOST_DIR|TAG] [OPTION…]"),
      .summary = N_("Mount attached shares in the guest and keep them mounted at boot"),
      .description = vs_mount_description, .options = vs_mount_options,
      .min_args = 1, .max_args = 2, .args = { vs_complete_domain, vs_complete_tag_or_dir },
      .flags = VS_COMMAND_ON_HOST, .run = vs_cmd_mount },
    { .name = "umount", .params = N_("DOMAIN [HOST_DIR|TAG] [OPTION…]"),
      .summary = N_("Unmount shares in the guest, keep the devices"),
      .description = vs_umount_description,
      .min_args = 1, .max_args = 2, .args = { vs_complete_domain, vs_complete_tag_or_dir },
      .flags = VS_COMMAND_ON_HOST, .run = vs_cmd_umount },
    { .name = "restart", .params = N_("DOMAIN [OPTION…]"),
      .summary = N_("Shut a domain down, start it, mount its shares (pending 9p appear)"),
      .description = vs_restart_description, .options = vs_restart_options,
      .min_args = 1, .max_args = 1, .args = { vs_complete_domain },
      .flags = VS_COMMAND_ON_HOST, .run = vs_cmd_restart },
    { .name = "status", .params = N_("DOMAIN [OPTION…]"),
      .summary = N_("Show each share in the definition, the running domain and the guest"),
      .description = vs_status_description, .options = vs_status_options,
      .min_args = 1, .max_args = 1, .args = { vs_complete_domain }, .run = vs_cmd_status },
    { .name = "doctor", .params = N_("DOMAIN [HOST_DIR|TAG] [OPTION…]"),
      .summary = N_("Explain and fix why a share is not usable (permissions, mode, mount)"),
      .description = vs_doctor_description, .options = vs_doctor_options,
      .min_args = 1, .max_args = 2, .args = { vs_complete_domain, vs_complete_tag_or_dir },
      .flags = VS_COMMAND_ON_HOST, .run = vs_cmd_doctor },
    { .name = "watch", .params = N_("[OPTION…]"),
      .summary = N_("Mount shares again whenever a guest (re)boots; runs until stopped"),
      .description = vs_watch_description, .min_args = 0, .max_args = 0, .run = vs_cmd_watch },
    { .name = "help", .params = N_("[COMMAND]"),
      .summary = N_("Show the help of a command, or this list"),
      .min_args = 0, .max_args = 1, .args = { vs_complete_command }, .run = vs_cmd_help },
    /* Words for shell completion (plugin/bash-completion/virt-share). */
    { .name = "__complete", .params = "-- WORD…", .summary = "",
      .flags = VS_COMMAND_HIDDEN | VS_COMMAND_RAW, .run = vs_cmd_complete },
    { NULL }
};

/* The command list shows names and summaries only, as flatpak's does:
 * 'virt-share COMMAND --help' shows a command's arguments and options. */
static void
vs_usage(FILE *out)
{
    g_autoptr(GString) text = g_string_new(NULL);
    int width = 0;

    for (const VsCommand *cmd = vs_cli_commands; cmd->name; cmd++) {
        if (!(cmd->flags & VS_COMMAND_HIDDEN))
            width = MAX(width, (int)strlen(cmd->name));
    }
    g_string_append(text, _("Usage: virt-share [-c URI] COMMAND [ARGS…]\n\n"
                            "Share host directories with libvirt domains.\n\nCommands:\n"));
    for (const VsCommand *cmd = vs_cli_commands; cmd->name; cmd++) {
        if (!(cmd->flags & VS_COMMAND_HIDDEN))
            g_string_append_printf(text, "  %-*s  %s\n", width, cmd->name, _(cmd->summary));
    }
    g_string_append(text, _("\nOptions:\n"
                            "  -c, --connect=URI   hypervisor connection URI\n"
                            "  -q, --quiet         print only errors and warnings\n"
                            "      --debug         trace libvirt and guest agent calls\n"
                            "  -r, --readonly      connect read-only (list, status)\n"
                            "  -h, --help          show this help\n"
                            "  -V, --version       show the version\n\n"
                            "Run 'virt-share COMMAND --help' for the arguments and options of "
                            "a command.\n\n"));
    g_string_append_printf(text, "%s\n", vs_cli_exit_codes_text());
    vs_cli_print_help(out, text->str);
}

/* help [COMMAND]: the command's --help (vs_cli_parse prints it), else the list. */
static gboolean
vs_cmd_help(int argc, char **argv, GError **error)
{
    const VsCommand *cmd = argc > 0 ? vs_cli_find_command(argv[0]) : NULL;

    if (cmd && !(cmd->flags & VS_COMMAND_RAW)) {
        char *help_argv[] = { (char *)cmd->name, (char *)"--help", NULL };
        char **help_args = help_argv;
        int help_argc = 2;

        return vs_cli_parse(cmd, &help_argc, &help_args, error) != VS_CLI_PARSE_FAILED;
    }
    vs_usage(stdout);
    return TRUE;
}

/* Parse the command's options, check its argument count, run it (not after
 * --help, which is then all done). */
static gboolean
vs_dispatch(const VsCommand *cmd, int argc, char **argv, GError **error)
{
    VsCliParse result = (cmd->flags & VS_COMMAND_RAW) ? VS_CLI_PARSE_RUN
                                                      : vs_cli_parse(cmd, &argc, &argv, error);

    if (result != VS_CLI_PARSE_RUN)
        return result == VS_CLI_PARSE_HELP;
    return cmd->run(argc - 1, argv + 1, error);
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    const VsCommand *cmd;
    const char *localedir = g_getenv("VIRT_SHARE_LOCALEDIR");

    setlocale(LC_ALL, "");
    /* The tests run the uninstalled program with the catalogues they build. */
    bindtextdomain(GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
    g_set_prgname("virt-share");
    vs_cli_log_init();
    vs_conn_init();

    if (!vs_cli_parse_global(&argc, &argv, &error)) {
        fprintf(stderr, _("virt-share: error: %s\n"), error->message);
        vs_usage(stderr);
        return VS_EXIT_USAGE;
    }
    if (vs_cli_global.help) {
        vs_usage(stdout);
        return VS_EXIT_OK;
    }
    if (vs_cli_global.version) {
        printf("virt-share %s\n", PACKAGE_VERSION);
        return VS_EXIT_OK;
    }
    if (argc < 2) {
        vs_usage(stderr);
        return VS_EXIT_USAGE;
    }
    if (!(cmd = vs_cli_find_command(argv[1]))) {
        fprintf(stderr, _("virt-share: unknown command '%s'\n"
                          "Run 'virt-share --help' for the list of commands.\n"),
                argv[1]);
        return VS_EXIT_USAGE;
    }
    if (cmd->flags & VS_COMMAND_ON_HOST) {
        g_autoptr(VsUriInfo) remote = vs_cli_remote_uri();

        if (remote)
            return vs_cli_run_on_host(cmd, remote, argc - 1, argv + 1);
    }
    if (!vs_dispatch(cmd, argc - 1, argv + 1, &error)) {
        if (!error)   /* a bug, but never a crash: say so and fail */
            g_set_error(&error, VS_ERROR, VS_ERROR_INVALID, _("internal error: no reason given"));
        fprintf(stderr, _("virt-share: error: %s\n"), error->message);
        if (error->domain == G_OPTION_ERROR)
            fprintf(stderr, _("Run 'virt-share %s --help' for usage.\n"), cmd->name);
        return vs_error_exit_code(error);
    }
    return VS_EXIT_OK;
}
