/* vs-cli.h: the command table of the virt-share CLI and what its commands share. */
#pragma once

#include <stdio.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "vs-conn.h"
#include "vs-doctor.h"
#include "vs-add.h"
#include "vs-run.h"
#include "vs-status.h"
#include <libvirt/libvirt.h>

/* Shell completion: a completer prints the candidates for one word. */
typedef struct _VsCompletion VsCompletion;
typedef void (*VsCompleter)(VsCompletion *c);

/* The completer of an option's value (--mode MODE). */
typedef struct {
    const char *option;         /* long name, without "--" */
    VsCompleter complete;
} VsOptionCompleter;

#define VS_CLI_MAX_COMPLETED_ARGS 2

typedef enum {
    VS_COMMAND_HIDDEN = 1 << 0,   /* not in --help nor completed */
    VS_COMMAND_RAW = 1 << 1,      /* gets its words unparsed (no options, no count check) */
    VS_COMMAND_ON_HOST = 1 << 2,  /* works on the host's files: for a remote URI it runs
                                   * on that host (vs-cli-remote.c) */
    VS_COMMAND_CONFIG = 1 << 3,   /* reads the configuration file: --help names it */
} VsCommandFlags;

/* One row of the table in virt-share.c: everything about a command but its code. */
typedef struct {
    const char *name;
    const char *params;               /* N_("DOMAIN HOST_DIR [OPTION…]") */
    const char *summary;              /* N_(), one line for the command list */
    const char *description;          /* N_(), shown by COMMAND --help, may be NULL */
    const GOptionEntry *options;      /* its own options (the common ones are added), or NULL */
    int min_args, max_args;           /* positional arguments */
    VsCompleter args[VS_CLI_MAX_COMPLETED_ARGS];   /* per positional argument, or NULL */
    const VsOptionCompleter *values;  /* {NULL}-terminated, or NULL */
    VsCommandFlags flags;
    /* argv holds the argc positional arguments, already counted. */
    gboolean (*run)(int argc, char **argv, GError **error);
} VsCommand;

/* What a cmd-X.c file defines for its row (only those the row names). */
#define VS_CLI_COMMAND_DECLARE(id) \
    extern const char vs_##id##_description[]; \
    extern const GOptionEntry vs_##id##_options[]; \
    gboolean vs_cmd_##id(int argc, char **argv, GError **error)

/* The table (virt-share.c), ended by a row without name. */
extern const VsCommand vs_cli_commands[];
const VsCommand *vs_cli_find_command(const char *name);

/* The options that are not a command's own, parsed by vs_cli_parse_global()
 * before the command and accepted again after it (common ones). */
typedef struct {
    char *uri;          /* -c, --connect */
    gboolean quiet;     /* -q, --quiet: no progress (errors and warnings stay) */
    gboolean debug;     /* --debug: trace libvirt and agent calls (g_debug) */
    gboolean readonly;  /* -r, --readonly (before the command only): a read-only connection */
    gboolean help;      /* -h, --help (before the command only) */
    gboolean version;   /* -V, --version (before the command only) */
} VsCliGlobal;

extern VsCliGlobal vs_cli_global;
/* Accepted before and after the command. */
extern const GOptionEntry vs_cli_common_entries[];
/* Accepted before the command only. */
extern const GOptionEntry vs_cli_main_entries[];
extern const VsOptionCompleter vs_cli_common_completers[];

/* Send GLib's messages to stderr (debug ones only when asked for); once,
 * before anything logs. */
void vs_cli_log_init(void);

/* Parse the options before the command; *@argv[1] is then the command. */
gboolean vs_cli_parse_global(int *argc, char ***argv, GError **error);

/* What vs_cli_parse found. */
typedef enum {
    VS_CLI_PARSE_FAILED,    /* bad usage: *error says why */
    VS_CLI_PARSE_RUN,       /* run the command */
    VS_CLI_PARSE_HELP,      /* --help was given and printed: exit 0, run nothing */
} VsCliParse;

/* Parse @cmd's options (and the common ones) and check the number of
 * positional arguments against the table; argv[0] is the command name.
 * --help prints the command's help whatever else was given, and the caller
 * exits with 0 (no exit() here: the callers' cleanup runs). */
VsCliParse vs_cli_parse(const VsCommand *cmd, int *argc, char ***argv, GError **error);

/* Help text is wrapped to this many columns (characters). */
#define VS_CLI_HELP_WIDTH 80

/* @text with every line longer than @width characters broken at spaces;
 * continuation lines are indented under the text of an option or list
 * line ("  --name=ARG   text"). */
char *vs_cli_wrap(const char *text, guint width);
/* Print @text wrapped to VS_CLI_HELP_WIDTH. */
void vs_cli_print_help(FILE *out, const char *text);

/* The exit status paragraph of every --help. */
const char *vs_cli_exit_codes_text(void);

/* For a remote URI (-c or $LIBVIRT_DEFAULT_URI names a host): its parts; else NULL. */
VsUriInfo *vs_cli_remote_uri(void);
/* Check @cmd's words here, then run it on the remote host; the exit status. */
int vs_cli_run_on_host(const VsCommand *cmd, const VsUriInfo *info, int argc, char **argv);

/* Open the connection named by -c/--connect (or the default), read-only with -r. */
virConnect *vs_cli_connect(GError **error);

/* Connect, look @name up and read its state (for commands that change
 * nothing); *@conn receives the connection, which must outlive the state. */
VsDomainState *vs_cli_load_domain(const char *name, virConnect **conn, GError **error);

/* Progress and result messages on stdout, unless --quiet. */
void vs_cli_say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* --json documents on stdout (vs-cli-json.c; the schema: virt-share.pod,
 * JSON OUTPUT).  list: VsShare; status: VsShareStatus and the guest's system
 * (NULL: unknown). */
void vs_cli_json_list(GPtrArray *shares);
void vs_cli_json_status(const VsDomainState *state, GPtrArray *statuses,
                        const char *agent_error, const VsGuestOs *guest_os);
void vs_cli_json_doctor(const VsDoctorReport *report);
/* add: @dry_run, and whether a --restart made a share that waited for one
 * appear (@restarted). */
void vs_cli_json_add(const VsAddJob *job, gboolean dry_run, gboolean restarted);
/* remove of @domain; @job NULL: there was no such share (--exist-ok). */
void vs_cli_json_remove(const char *domain, const VsRemoveJob *job);

/* On a local qemu:///session, where no system watcher mounts recorded
 * shares after a guest reboot: say how to turn the user's watcher on, if
 * it is installed and off (vs_user_unit_offer). */
void vs_cli_hint_user_unit(virConnect *conn);

/* A VsNotifyFunc that prints progress with vs_cli_say. */
void vs_cli_notify(const char *message, gpointer user_data);
/* A VsNotifyFunc for warnings: on stderr, also with --quiet. */
void vs_cli_warn(const char *message, gpointer user_data);
/* vs_run_options_init, with the CLI's progress and warning printers. */
void vs_cli_run_options_init(VsRunOptions *ropts);
/* --timeout SECONDS into @ropts->timeout_ms, refused outside 1..VS_MAX_TIMEOUT_S. */
gboolean vs_cli_run_options_timeout(VsRunOptions *ropts, int seconds, GError **error);
/* The GOptionEntry of --timeout SECONDS for the commands that wait: into the
 * int @var (checked with vs_cli_run_options_timeout), with @help (N_()) saying
 * for what. */
#define VS_CLI_OPT_TIMEOUT(var, help) \
    { "timeout", 0, 0, G_OPTION_ARG_INT, &(var), (help), N_("SECONDS") }

/* --json and --exist-ok of the commands that change a share (add, remove):
 * into the gboolean @var; --exist-ok with @help (N_()) saying what "exists" means. */
#define VS_CLI_OPT_JSON_RESULT(var) \
    { "json", 0, 0, G_OPTION_ARG_NONE, &(var), \
      N_("Print the result as JSON (whether anything changed, the share); no progress"), NULL }
#define VS_CLI_OPT_EXIST_OK(var, help) \
    { "exist-ok", 0, 0, G_OPTION_ARG_NONE, &(var), (help), NULL }


/* Completers (cmd-complete.c), for the table. */
void vs_complete_command(VsCompletion *c);      /* command names */
void vs_complete_domain(VsCompletion *c);       /* domain names, from libvirt */
void vs_complete_tag(VsCompletion *c);          /* tags of the domain in argument 1 */
void vs_complete_dir(VsCompletion *c);          /* host directories (the shell lists them) */
void vs_complete_tag_or_dir(VsCompletion *c);
void vs_complete_mode(VsCompletion *c);         /* access modes */
void vs_complete_driver(VsCompletion *c);       /* drivers */
void vs_complete_uri(VsCompletion *c);          /* usual connection URIs */

/* What the completion script takes as "complete a directory here". */
#define VS_COMPLETE_DIR_MARK "__VIRT_SHARE_DIR__"
