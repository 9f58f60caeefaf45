/* cmd-complete.c: virt-share __complete -- WORD…: candidates for the last WORD.
 *
 * Hidden from --help; plugin/bash-completion/virt-share passes the words typed
 * so far, and the answer comes from the command table (commands, options,
 * completers) and from libvirt (domains, tags), one candidate a line.
 * VS_COMPLETE_DIR_MARK asks the shell to add directories itself. */
#include <config.h>

#include <stdio.h>

#include "vs-cli.h"
#include "vs-domain.h"
#include "vs-op.h"
#include "vs-conn.h"
#include "vs-i18n.h"
#include "vs-add.h"

VS_CLI_COMMAND_DECLARE(complete);

struct _VsCompletion {
    const char *cur;            /* the word (or the value after "--opt=") being completed */
    const VsCommand *cmd;       /* NULL: still before the command */
    GPtrArray *args;            /* positional arguments before it */
    const char *uri;
    virConnect *conn;           /* opened on first need */
    gboolean unknown;           /* the command is not in the table */
};

static void
vs_completion_add(VsCompletion *c, const char *word)
{
    if (g_str_has_prefix(word, c->cur))
        printf("%s\n", word);
}

static virConnect *
vs_completion_conn(VsCompletion *c)
{
    /* Completion prints candidates or nothing: errors are not shown. */
    if (!c->conn)
        c->conn = vs_conn_open(c->uri, NULL);
    return c->conn;
}

void
vs_complete_command(VsCompletion *c)
{
    for (const VsCommand *cmd = vs_cli_commands; cmd->name; cmd++) {
        if (!(cmd->flags & VS_COMMAND_HIDDEN))
            vs_completion_add(c, cmd->name);
    }
}

void
vs_complete_domain(VsCompletion *c)
{
    virConnect *conn = vs_completion_conn(c);
    g_autoptr(GPtrArray) doms = conn ? vs_domain_list(conn, 0, NULL) : NULL;

    for (guint i = 0; doms && i < doms->len; i++)
        vs_completion_add(c, virDomainGetName(g_ptr_array_index(doms, i)));
}

void
vs_complete_tag(VsCompletion *c)
{
    virConnect *conn = vs_completion_conn(c);
    g_autoptr(VsDomainState) state = NULL;
    g_autoptr(GPtrArray) shares = NULL;

    /* The domain is the first argument. */
    if (!conn || c->args->len == 0 ||
        !(state = vs_op_load(conn, g_ptr_array_index(c->args, 0), NULL, 0, NULL)))
        return;
    shares = vs_domain_state_shares(state);
    for (guint i = 0; i < shares->len; i++)
        vs_completion_add(c, ((VsShare *)g_ptr_array_index(shares, i))->tag);
}

void
vs_complete_dir(VsCompletion *c)
{
    printf("%s\n", VS_COMPLETE_DIR_MARK);
}

void
vs_complete_tag_or_dir(VsCompletion *c)
{
    vs_complete_tag(c);
    vs_complete_dir(c);
}

void
vs_complete_mode(VsCompletion *c)
{
    /* "default" is what no --mode means, not a value to type. */
    for (int m = VS_MODE_DEFAULT + 1; m < VS_MODE_LAST; m++)
        vs_completion_add(c, vs_mode_to_string(m));
}

void
vs_complete_driver(VsCompletion *c)
{
    for (int d = 0; d < VS_DRIVER_LAST; d++)
        vs_completion_add(c, vs_driver_to_string(d));
}

void
vs_complete_uri(VsCompletion *c)
{
    static const char *const uris[] = { "qemu:///system", "qemu:///session", "test:///default" };

    for (guint i = 0; i < G_N_ELEMENTS(uris); i++)
        vs_completion_add(c, uris[i]);
}

/* The option tables in force: before the command, or the command's own. */
static void
vs_option_sets(const VsCompletion *c, const GOptionEntry *sets[3])
{
    sets[0] = vs_cli_common_entries;
    sets[1] = c->cmd ? c->cmd->options : vs_cli_main_entries;
    sets[2] = NULL;
}

/* The entry @word ("--name", "--name=VALUE", "-x", "-xVALUE") names, if any;
 * *@value: the value given in the same word, or NULL. */
static const GOptionEntry *
vs_find_option(const VsCompletion *c, const char *word, const char **value)
{
    const GOptionEntry *sets[3];
    gboolean is_long = g_str_has_prefix(word, "--");
    const char *eq = is_long ? strchr(word, '=') : NULL;
    size_t len = eq ? (size_t)(eq - word - 2) : strlen(word) - 2;

    vs_option_sets(c, sets);
    *value = NULL;
    for (guint s = 0; s < G_N_ELEMENTS(sets); s++) {
        for (const GOptionEntry *e = sets[s]; e && e->long_name; e++) {
            if (is_long && strncmp(e->long_name, word + 2, len) == 0 && !e->long_name[len]) {
                *value = eq ? eq + 1 : NULL;
                return e;
            }
            if (!is_long && word[1] == e->short_name) {
                *value = word[2] ? word + 2 : NULL;
                return e;
            }
        }
    }
    return NULL;
}

/* The completer of @entry's value: the command's, else the common ones'. */
static VsCompleter
vs_value_completer(const VsCompletion *c, const GOptionEntry *entry)
{
    const VsOptionCompleter *lists[] = { c->cmd ? c->cmd->values : NULL,
                                         vs_cli_common_completers };

    for (guint l = 0; l < G_N_ELEMENTS(lists); l++) {
        for (const VsOptionCompleter *v = lists[l]; v && v->option; v++) {
            if (g_str_equal(v->option, entry->long_name))
                return v->complete;
        }
    }
    return NULL;
}

static void
vs_complete_option_names(VsCompletion *c)
{
    const GOptionEntry *sets[3];

    vs_option_sets(c, sets);
    for (guint s = 0; s < G_N_ELEMENTS(sets); s++) {
        for (const GOptionEntry *e = sets[s]; e && e->long_name; e++) {
            g_autofree char *word = g_strdup_printf("--%s", e->long_name);
            if (!(e->flags & G_OPTION_FLAG_HIDDEN))
                vs_completion_add(c, word);
        }
    }
    /* GOption adds --help to every command. */
    if (c->cmd)
        vs_completion_add(c, "--help");
}

/* Read the words before the last one: the command, its positional
 * arguments, -c URI; returns the option still waiting for its value. */
static const GOptionEntry *
vs_completion_walk(VsCompletion *c, int argc, char **argv, gboolean *after_dashdash)
{
    const GOptionEntry *pending = NULL;

    for (int i = 0; i < argc; i++) {
        const char *word = argv[i], *value = NULL;

        if (pending) {
            value = word;
        } else if (!*after_dashdash && c->cmd && g_str_equal(word, "--")) {
            *after_dashdash = TRUE;
        } else if (!*after_dashdash && word[0] == '-' && word[1]) {
            const GOptionEntry *e = vs_find_option(c, word, &value);
            if (e && e->arg != G_OPTION_ARG_NONE && !value)
                pending = e;
            else if (e && value && e->arg_data == &vs_cli_global.uri)
                c->uri = value;
        } else if (!c->cmd) {
            if (!(c->cmd = vs_cli_find_command(word))) {
                c->unknown = TRUE;
                return NULL;
            }
        } else {
            g_ptr_array_add(c->args, (gpointer)word);
        }
        if (pending && value) {
            if (pending->arg_data == &vs_cli_global.uri)
                c->uri = value;
            pending = NULL;
        }
    }
    return pending;
}

static void
vs_complete_last(VsCompletion *c, const GOptionEntry *pending, gboolean after_dashdash)
{
    const GOptionEntry *entry = pending;
    VsCompleter complete = NULL;
    const char *value = NULL;

    if (!entry && !after_dashdash && c->cur[0] == '-') {
        entry = vs_find_option(c, c->cur, &value);
        /* "--mode=pa": the shell replaces only what follows '='. */
        if (!entry || !value) {
            vs_complete_option_names(c);
            return;
        }
        c->cur = value;
    }
    if (entry)
        complete = vs_value_completer(c, entry);
    else if (!c->cmd)
        complete = vs_complete_command;
    else if (c->args->len < (guint)c->cmd->max_args &&
             c->args->len < VS_CLI_MAX_COMPLETED_ARGS)
        complete = c->cmd->args[c->args->len];
    if (complete)
        complete(c);
}

gboolean
vs_cmd_complete(int argc, char **argv, GError **error)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    VsCompletion c = { .args = args, .uri = vs_cli_global.uri };
    const GOptionEntry *pending;
    gboolean after_dashdash = FALSE;

    if (argc > 0 && g_str_equal(argv[0], "--"))
        argc--, argv++;
    if (argc == 0)
        return TRUE;
    pending = vs_completion_walk(&c, argc - 1, argv, &after_dashdash);
    /* Hidden commands (this one) are not completed, nor unknown ones. */
    if (c.unknown || (c.cmd && (c.cmd->flags & VS_COMMAND_HIDDEN)))
        return TRUE;
    c.cur = argv[argc - 1];
    vs_complete_last(&c, pending, after_dashdash);
    g_clear_pointer(&c.conn, vs_conn_close);
    return TRUE;
}
