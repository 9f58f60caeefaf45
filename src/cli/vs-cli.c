/* vs-cli.c: option parsing and output helpers shared by the commands. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "vs-cli.h"
#include "vs-op.h"
#include "vs-config.h"
#include "vs-conn.h"
#include "vs-defaults.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-add.h"
#include "vs-text.h"
#include "vs-user-unit.h"

VsCliGlobal vs_cli_global;

const GOptionEntry vs_cli_common_entries[] = {
    { "connect", 'c', 0, G_OPTION_ARG_FILENAME, &vs_cli_global.uri,
      N_("Hypervisor connection URI (default: $LIBVIRT_DEFAULT_URI, then libvirt's default)"),
      N_("URI") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &vs_cli_global.quiet,
      N_("Print only errors and warnings"), NULL },
    { "debug", 0, 0, G_OPTION_ARG_NONE, &vs_cli_global.debug,
      N_("Trace libvirt and guest agent calls on stderr"), NULL },
    { NULL }
};

/* GOption's own --help would print its format, not the command list. */
const GOptionEntry vs_cli_main_entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &vs_cli_global.help, N_("Show this help"), NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &vs_cli_global.version, N_("Show the version"),
      NULL },
    /* Before the command only: add has its own -r (a read-only share). */
    { "readonly", 'r', 0, G_OPTION_ARG_NONE, &vs_cli_global.readonly,
      N_("Connect read-only, as virsh -r (enough for list and status)"), NULL },
    { NULL }
};

const VsOptionCompleter vs_cli_common_completers[] = {
    { "connect", vs_complete_uri },
    { NULL }
};

const VsCommand *
vs_cli_find_command(const char *name)
{
    for (const VsCommand *cmd = vs_cli_commands; cmd->name; cmd++) {
        if (g_str_equal(cmd->name, name))
            return cmd;
    }
    return NULL;
}

/* Every GLib message on stderr: GLib's default writer puts debug messages
 * on stdout, where they would mix with list and --json output.  Debug and
 * info only with G_MESSAGES_DEBUG set (--debug sets it). */
static GLogWriterOutput
vs_cli_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n, gpointer data)
{
    const char *debug = g_getenv("G_MESSAGES_DEBUG");
    g_autofree char *line = NULL;

    if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) && !(debug && *debug))
        return G_LOG_WRITER_HANDLED;
    line = g_log_writer_format_fields(level, fields, n, FALSE);
    fflush(stdout);
    fprintf(stderr, "%s\n", line);
    return G_LOG_WRITER_HANDLED;
}

void
vs_cli_log_init(void)
{
    g_log_set_writer_func(vs_cli_log_writer, NULL, NULL);
}

/* --debug: g_debug messages on stderr.  The core logs without a domain, so
 * GLib shows them only with G_MESSAGES_DEBUG=all; a value the user set is
 * kept. */
static void
vs_cli_apply_debug(void)
{
    const char *env = g_getenv("G_MESSAGES_DEBUG");

    if (vs_cli_global.debug && !(env && *env))
        g_setenv("G_MESSAGES_DEBUG", "all", TRUE);
}

/* Text options are declared G_OPTION_ARG_FILENAME(_ARRAY): GOption converts
 * a STRING option from the locale's charset and fails on 'é' under LC_ALL=C,
 * but guest paths and tags are UTF-8 on the wire whatever the locale.  So
 * the bytes are kept and made UTF-8 here: valid UTF-8 as it is, else text
 * in a non-UTF-8 locale's charset converted, else refused.  No option of the
 * command line names a host file (host folders are arguments, taken as
 * bytes): every FILENAME option is text. */
static gboolean
vs_cli_text_value(const GOptionEntry *e, char **value, GError **error)
{
    g_autofree char *converted = NULL;
    g_autofree char *shown = NULL;

    if (!*value || g_utf8_validate(*value, -1, NULL))
        return TRUE;
    if (!g_get_charset(NULL) &&
        (converted = g_locale_to_utf8(*value, -1, NULL, NULL, NULL))) {
        g_free(*value);
        *value = g_steal_pointer(&converted);
        return TRUE;
    }
    shown = vs_text_sanitize(*value, -1);
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                _("--%s: '%s' is not valid UTF-8"), e->long_name, shown);
    return FALSE;
}

static gboolean
vs_cli_text_options(const GOptionEntry *entries, GError **error)
{
    for (const GOptionEntry *e = entries; e && e->long_name; e++) {
        if (e->arg == G_OPTION_ARG_FILENAME) {
            if (!vs_cli_text_value(e, e->arg_data, error))
                return FALSE;
        } else if (e->arg == G_OPTION_ARG_FILENAME_ARRAY) {
            char **values = *(char ***)e->arg_data;

            for (guint i = 0; values && values[i]; i++) {
                if (!vs_cli_text_value(e, &values[i], error))
                    return FALSE;
            }
        }
    }
    return TRUE;
}

gboolean
vs_cli_parse_global(int *argc, char ***argv, GError **error)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);

    /* Stop at the command: what follows is the command's to parse. */
    g_option_context_set_strict_posix(ctx, TRUE);
    g_option_context_set_help_enabled(ctx, FALSE);
    g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
    g_option_context_add_main_entries(ctx, vs_cli_common_entries, GETTEXT_PACKAGE);
    g_option_context_add_main_entries(ctx, vs_cli_main_entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse(ctx, argc, argv, error) ||
        !vs_cli_text_options(vs_cli_common_entries, error))
        return FALSE;
    vs_cli_apply_debug();
    return TRUE;
}

/* The column where a too long line continues: after the gap of two or
 * more spaces that ends an indented line's first column ("  -f, --force
 * Add…", "  3  the…"), else under the line's own indentation.  Columns are
 * characters: the first column may hold "…" or umlauts. */
static glong
vs_cli_hanging_indent(const char *line, glong *leading)
{
    const char *p = line, *gap;

    while (*p == ' ')
        p++;
    *leading = p - line;
    if (p == line || !(gap = strstr(p, "  ")))
        return *leading;
    while (*gap == ' ')
        gap++;
    return g_utf8_pointer_to_offset(line, gap);
}

/* Append @line to @out broken at spaces into lines of at most @width
 * characters; a single word longer than that stays whole. */
static void
vs_cli_wrap_line(GString *out, const char *line, glong width)
{
    glong leading;
    glong indent = vs_cli_hanging_indent(line, &leading);
    const char *rest = g_utf8_offset_to_pointer(line, indent);
    g_auto(GStrv) words = g_strsplit(rest, " ", -1);
    glong col = indent;
    gboolean empty = TRUE;   /* no word on this output line yet */

    g_string_append_len(out, line, rest - line);
    /* A first column so wide that little fits beside it: continue nearer the left. */
    if (indent > width / 2)
        indent = leading + 8;
    for (char **w = words; *w; w++) {
        glong len = g_utf8_strlen(*w, -1);

        if (!**w)
            continue;
        if (!empty && col + 1 + len > width) {
            g_string_append_printf(out, "\n%*s", (int)indent, "");
            col = indent;
            empty = TRUE;
        }
        if (!empty) {
            g_string_append_c(out, ' ');
            col++;
        }
        g_string_append(out, *w);
        col += len;
        empty = FALSE;
    }
}

char *
vs_cli_wrap(const char *text, guint width)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GString *out = g_string_new(NULL);

    for (char **l = lines; *l; l++) {
        if (l > lines)
            g_string_append_c(out, '\n');
        if (g_utf8_strlen(*l, -1) <= (glong)width)
            g_string_append(out, *l);
        else
            vs_cli_wrap_line(out, *l, width);
    }
    return g_string_free(out, FALSE);
}

void
vs_cli_print_help(FILE *out, const char *text)
{
    g_autofree char *wrapped = vs_cli_wrap(text, VS_CLI_HELP_WIDTH);

    fputs(wrapped, out);
}

const char *
vs_cli_exit_codes_text(void)
{
    return _("Exit status:\n"
             "  0  success\n"
             "  1  bad usage or invalid input (nothing was changed)\n"
             "  2  the operation failed (the domain was left as it was)\n"
             "  3  the operation failed and could not be fully undone (the message says "
             "what is left)\n"
             "  4  doctor found problems");
}

VsCliParse
vs_cli_parse(const VsCommand *cmd, int *argc, char ***argv, GError **error)
{
    g_autoptr(GOptionContext) ctx = NULL;
    g_autofree char *params = g_strdup_printf("%s %s", cmd->name, _(cmd->params));
    g_autofree char *desc = NULL;
    g_autofree char *config = NULL;
    gboolean help = FALSE;
    const GOptionEntry help_entries[] = {
        { "help", 'h', 0, G_OPTION_ARG_NONE, &help, N_("Show this help"), NULL },
        { NULL }
    };
    int npos;

    ctx = g_option_context_new(params);
    g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
    /* _("") would return the catalogue header: hidden commands have none. */
    if (*cmd->summary)
        g_option_context_set_summary(ctx, _(cmd->summary));
    /* The file this build and this environment really read, not a guess. */
    if (cmd->flags & VS_COMMAND_CONFIG)
        config = g_strdup_printf(_("Configuration file: %s"), vs_config_path());
    desc = g_strdup_printf("%s%s%s%s%s", cmd->description ? _(cmd->description) : "",
                           cmd->description ? "\n\n" : "", config ? config : "",
                           config ? "\n\n" : "", vs_cli_exit_codes_text());
    g_option_context_set_description(ctx, desc);
    if (cmd->options)
        g_option_context_add_main_entries(ctx, cmd->options, GETTEXT_PACKAGE);
    g_option_context_add_main_entries(ctx, vs_cli_common_entries, GETTEXT_PACKAGE);
    /* Our own --help: GOption's prints its lines unwrapped, however long. */
    g_option_context_set_help_enabled(ctx, FALSE);
    g_option_context_add_main_entries(ctx, help_entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse(ctx, argc, argv, error) ||
        !vs_cli_text_options(cmd->options, error) ||
        !vs_cli_text_options(vs_cli_common_entries, error))
        return VS_CLI_PARSE_FAILED;
    if (help) {
        g_autofree char *text = g_option_context_get_help(ctx, TRUE, NULL);

        /* As GOption's --help did: whatever else was given. */
        vs_cli_print_help(stdout, text);
        return VS_CLI_PARSE_HELP;
    }
    vs_cli_apply_debug();

    /* (*argv)[0] is the command name. */
    npos = *argc - 1;
    if (npos < cmd->min_args || npos > cmd->max_args) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    npos < cmd->min_args ? _("missing argument; usage: virt-share %s")
                                         : _("too many arguments; usage: virt-share %s"),
                    params);
        return VS_CLI_PARSE_FAILED;
    }
    return VS_CLI_PARSE_RUN;
}

virConnect *
vs_cli_connect(GError **error)
{
    return vs_conn_open_full(vs_cli_global.uri,
                             vs_cli_global.readonly ? VS_CONNECT_READONLY : VS_CONNECT_DEFAULT,
                             error);
}

VsDomainState *
vs_cli_load_domain(const char *name, virConnect **conn_out, GError **error)
{
    g_autoptr(virConnect) conn = vs_cli_connect(error);
    VsDomainState *state;

    if (!conn || !(state = vs_op_load(conn, name, NULL, 0, error)))
        return NULL;
    *conn_out = g_steal_pointer(&conn);
    return state;
}

void
vs_cli_say(const char *fmt, ...)
{
    va_list args;

    if (vs_cli_global.quiet)
        return;
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    putchar('\n');
    fflush(stdout);
}

void
vs_cli_hint_user_unit(virConnect *conn)
{
    g_autofree char *uri = NULL;

    if (vs_cli_global.quiet)
        return;     /* nothing would be said: do not ask systemd either */
    uri = virConnectGetURI(conn);
    if (vs_user_unit_offer(uri))
        vs_cli_say(_("After the guest restarts, shares are mounted again only while your "
                     "watcher runs; it is off. Turn it on with: %s"), VS_USER_UNIT_COMMAND);
}

void
vs_cli_notify(const char *message, gpointer user_data)
{
    vs_cli_say("%s", message);
}

void
vs_cli_warn(const char *message, gpointer user_data)
{
    fflush(stdout);   /* keep the order of progress and warnings in a terminal */
    fprintf(stderr, "%s\n", message);
}

gboolean
vs_cli_run_options_timeout(VsRunOptions *ropts, int seconds, GError **error)
{
    if (seconds <= 0 || seconds > VS_MAX_TIMEOUT_S) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    _("--timeout must be between 1 and %d seconds"), VS_MAX_TIMEOUT_S);
        return FALSE;
    }
    ropts->timeout_ms = (guint)seconds * 1000;
    return TRUE;
}

void
vs_cli_run_options_init(VsRunOptions *ropts)
{
    vs_run_options_init(ropts);
    ropts->notify = vs_cli_notify;
    ropts->warn = vs_cli_warn;
}

