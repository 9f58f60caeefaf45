/* vs-cli.h: what the subcommands of the virt-share CLI share. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "vs-ops.h"
#include <libvirt/libvirt.h>

typedef struct _VsCommand VsCommand;
struct _VsCommand {
    const char *name;
    const char *params;          /* e.g. "DOMAIN HOST_DIR", translated */
    const char *summary;         /* N_() */
    gboolean (*run)(const VsCommand *self, int argc, char **argv, GError **error);
};

/* Options every subcommand takes. */
extern char *vs_cli_uri;
extern gboolean vs_cli_quiet;

/* Parse a subcommand's options (plus the common ones) and check that the
 * number of positional arguments is within [min_args, max_args]. */
gboolean vs_cli_parse(const VsCommand *cmd, const char *description,
                      const GOptionEntry *entries, int min_args, int max_args,
                      int *argc, char ***argv, GError **error);

/* The exit status paragraph of every --help. */
const char *vs_cli_exit_codes_text(void);

/* Open the connection named by -c/--connect (or the default). */
virConnect *vs_cli_connect(GError **error);

/* Connect, look @name up and read its state (for commands that change
 * nothing); *@conn receives the connection, which must outlive the state. */
VsDomainState *vs_cli_load_domain(const char *name, virConnect **conn, GError **error);

/* Progress and result messages on stdout, unless --quiet. */
void vs_cli_say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* JSON output: a string member that is null when @value is NULL, and the
 * builder's document printed (pretty) on stdout. */
void vs_cli_json_string(JsonBuilder *b, const char *name, const char *value);
void vs_cli_json_bool(JsonBuilder *b, const char *name, gboolean value);
void vs_cli_json_print(JsonBuilder *b);

/* A VsNotifyFunc that prints progress with vs_cli_say. */
void vs_cli_notify(const char *message, gpointer user_data);

/* Resolve a host path given on the command line: relative paths are taken
 * from the current directory, as users expect from a shell. */
char *vs_cli_host_path(const char *arg);

gboolean vs_cmd_add(const VsCommand *self, int argc, char **argv, GError **error);
gboolean vs_cmd_list(const VsCommand *self, int argc, char **argv, GError **error);
gboolean vs_cmd_remove(const VsCommand *self, int argc, char **argv, GError **error);
gboolean vs_cmd_mount(const VsCommand *self, int argc, char **argv, GError **error);
gboolean vs_cmd_umount(const VsCommand *self, int argc, char **argv, GError **error);
gboolean vs_cmd_status(const VsCommand *self, int argc, char **argv, GError **error);
gboolean vs_cmd_doctor(const VsCommand *self, int argc, char **argv, GError **error);
gboolean vs_cmd_watch(const VsCommand *self, int argc, char **argv, GError **error);
gboolean vs_cmd_complete(const VsCommand *self, int argc, char **argv, GError **error);
