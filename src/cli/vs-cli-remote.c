/* vs-cli-remote.c: commands that work on the host's files, run on that host.
 *
 * add, remove, mount, umount and doctor resolve host paths, apply the host
 * path policy, read qemu.conf, check and fix permissions and take the
 * per-domain lock: all of that must happen where the folder is.  For a remote
 * URI the CLI checks the words here (options, argument count, absolute
 * paths), then runs the same command on the host over ssh (vs-remote.c). */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "vs-cli.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-remote.h"

VsUriInfo *
vs_cli_remote_uri(void)
{
    /* The URI libvirt would use: -c, then $LIBVIRT_DEFAULT_URI; libvirt's
     * own default (libvirt.conf uri_default aside) is always local. */
    const char *uri = vs_cli_global.uri ? vs_cli_global.uri : g_getenv("LIBVIRT_DEFAULT_URI");
    VsUriInfo *info;

    if (!uri || !*uri || !(info = vs_uri_info_parse(uri, NULL)))
        return NULL;
    if (!info->remote) {
        vs_uri_info_free(info);
        return NULL;
    }
    return info;
}

/* The command's words without -c/--connect, which name this side's URI,
 * after the options given before the command (already parsed here): the
 * host's virt-share must be as quiet, as read-only and as verbose as this one. */
static GStrv
vs_cli_remote_words(int argc, char **argv)
{
    g_autoptr(GStrvBuilder) words = g_strv_builder_new();
    gboolean options = TRUE;

    if (vs_cli_global.quiet)
        g_strv_builder_add(words, "--quiet");
    if (vs_cli_global.readonly)
        g_strv_builder_add(words, "--readonly");
    if (vs_cli_global.debug)
        g_strv_builder_add(words, "--debug");
    for (int i = 0; i < argc; i++) {
        const char *w = argv[i];

        if (options && g_str_equal(w, "--"))
            options = FALSE;
        else if (options && (g_str_equal(w, "-c") || g_str_equal(w, "--connect"))) {
            i++;
            continue;
        } else if (options && (g_str_has_prefix(w, "--connect=") ||
                               (g_str_has_prefix(w, "-c") && w[2]))) {
            continue;
        }
        g_strv_builder_add(words, w);
    }
    return g_strv_builder_end(words);
}

/* Paths are the host's: a relative one would be taken from the remote
 * user's home directory, which is never what was meant. */
static gboolean
vs_cli_remote_check_paths(const VsCommand *cmd, int npos, char **pos, const VsUriInfo *info,
                          GError **error)
{
    for (int i = 0; i < npos && i < VS_CLI_MAX_COMPLETED_ARGS; i++) {
        gboolean path = cmd->args[i] == vs_complete_dir ||
                        (cmd->args[i] == vs_complete_tag_or_dir &&
                         (strchr(pos[i], '/') || pos[i][0] == '.'));

        if (path && !g_path_is_absolute(pos[i])) {
            g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                        _("'%s' is a folder on '%s': give its absolute path there"), pos[i],
                        info->host);
            return FALSE;
        }
    }
    return TRUE;
}

int
vs_cli_run_on_host(const VsCommand *cmd, const VsUriInfo *info, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) words = vs_cli_remote_words(argc, argv);
    /* GOption shuffles and drops entries of the array it parses: give it a
     * copy of the pointers only (a deep copy leaked the dropped strings) */
    g_autofree char **parsed = g_memdup2(argv, (argc + 1) * sizeof(char *));
    char **pargv = parsed;
    int pargc = argc;
    VsCliParse result;
    int rc;

    /* Usage errors (and --help) are answered here, before any ssh. */
    if ((result = vs_cli_parse(cmd, &pargc, &pargv, &error)) == VS_CLI_PARSE_HELP)
        return VS_EXIT_OK;
    if (result == VS_CLI_PARSE_FAILED ||
        !vs_cli_remote_check_paths(cmd, pargc - 1, pargv + 1, info, &error)) {
        fprintf(stderr, _("virt-share: error: %s\n"), error->message);
        return vs_error_exit_code(error);
    }
    rc = vs_remote_run(info, (const char *const *)words, &error);
    if (rc < 0) {
        fprintf(stderr, _("virt-share: error: %s\n"), error->message);
        return vs_error_exit_code(error);
    }
    return rc;
}
