/* virt-share.c: entry point and subcommand dispatch table. */
#include <config.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "vs-cli.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"

static const VsCommand commands[] = {
    { "add", N_("DOMAIN HOST_DIR [OPTION…]"),
      N_("Share a host directory with a domain and mount it in the guest"), vs_cmd_add },
    { "list", N_("[DOMAIN] [OPTION…]"), N_("List the shares of one domain or of all domains"),
      vs_cmd_list },
    { "remove", N_("DOMAIN HOST_DIR|TAG [OPTION…]"), N_("Unmount a share in the guest and detach it"),
      vs_cmd_remove },
    { "mount", N_("DOMAIN [TAG] [OPTION…]"),
      N_("Mount the attached shares in the guest (after a reboot, or added by virt-manager)"),
      vs_cmd_mount },
    { "umount", N_("DOMAIN [TAG] [OPTION…]"), N_("Unmount shares in the guest, keep the devices"),
      vs_cmd_umount },
    { "status", N_("DOMAIN [OPTION…]"),
      N_("Show each share in the definition, the running domain and the guest"),
      vs_cmd_status },
    { "doctor", N_("DOMAIN [HOST_DIR|TAG] [OPTION…]"),
      N_("Explain and fix why a share is not usable (permissions, mode, mount)"),
      vs_cmd_doctor },
    { "watch", N_("[OPTION…]"),
      N_("Mount shares again whenever a guest (re)boots; runs until stopped"), vs_cmd_watch },
    /* Hidden (name starts with "__"): words for shell completion. */
    { "__complete", "domains|tags DOMAIN", "", vs_cmd_complete },
};

static const VsCommand *
vs_find_command(const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

static void
vs_usage(FILE *out)
{
    fprintf(out, _("Usage: virt-share [-c URI] COMMAND [ARGS…]\n\n"
                   "Share host directories with libvirt domains.\n\nCommands:\n"));
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (g_str_has_prefix(commands[i].name, "__"))
            continue;
        g_autofree char *usage = g_strdup_printf("%s %s", commands[i].name,
                                                 _(commands[i].params));
        /* Pad by characters, not bytes: translations have "…" and umlauts. */
        glong pad = MAX(0, 40 - g_utf8_strlen(usage, -1));
        fprintf(out, "  %s%*s %s\n", usage, (int)pad, "", _(commands[i].summary));
    }
    fprintf(out, _("\nOptions:\n"
                   "  -c, --connect=URI            hypervisor connection URI\n"
                   "  -q, --quiet                  print only errors\n"
                   "  -h, --help                   show this help\n"
                   "  -V, --version                show the version\n\n"
                   "Run 'virt-share COMMAND --help' for the options of a command.\n\n"));
    fprintf(out, "%s\n", vs_cli_exit_codes_text());
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    const VsCommand *cmd;
    int first = 1;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
    g_set_prgname("virt-share");
    vs_libvirt_init();

    /* Global options before the command: -c URI, --help, --version. */
    while (first < argc && argv[first][0] == '-') {
        const char *opt = argv[first];

        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            vs_usage(stdout);
            return VS_EXIT_OK;
        } else if (strcmp(opt, "-V") == 0 || strcmp(opt, "--version") == 0) {
            printf("virt-share %s\n", PACKAGE_VERSION);
            return VS_EXIT_OK;
        } else if (strcmp(opt, "-q") == 0 || strcmp(opt, "--quiet") == 0) {
            vs_cli_quiet = TRUE;
            first++;
        } else if ((strcmp(opt, "-c") == 0 || strcmp(opt, "--connect") == 0) && first + 1 < argc) {
            vs_cli_uri = g_strdup(argv[first + 1]);
            first += 2;
        } else if (g_str_has_prefix(opt, "--connect=")) {
            vs_cli_uri = g_strdup(opt + strlen("--connect="));
            first++;
        } else {
            fprintf(stderr, _("virt-share: unknown option '%s'\n"), opt);
            vs_usage(stderr);
            return VS_EXIT_USAGE;
        }
    }
    if (first >= argc) {
        vs_usage(stderr);
        return VS_EXIT_USAGE;
    }
    if (strcmp(argv[first], "help") == 0) {
        if (first + 1 < argc && (cmd = vs_find_command(argv[first + 1]))) {
            char *help_argv[] = { (char *)cmd->name, (char *)"--help", NULL };
            return cmd->run(cmd, 2, help_argv, &error) ? VS_EXIT_OK : VS_EXIT_USAGE;
        }
        vs_usage(stdout);
        return VS_EXIT_OK;
    }
    cmd = vs_find_command(argv[first]);
    if (!cmd) {
        fprintf(stderr, _("virt-share: unknown command '%s'\n"
                          "Run 'virt-share --help' for the list of commands.\n"),
                argv[first]);
        return VS_EXIT_USAGE;
    }

    if (!cmd->run(cmd, argc - first, argv + first, &error)) {
        fprintf(stderr, _("virt-share: error: %s\n"), error->message);
        if (error->domain == G_OPTION_ERROR)
            fprintf(stderr, _("Run 'virt-share %s --help' for usage.\n"), cmd->name);
        return vs_error_exit_code(error);
    }
    return VS_EXIT_OK;
}
