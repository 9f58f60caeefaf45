/* vs-remote.c: run virt-share on the host that holds the folder. */
#include <config.h>

#include <gio/gio.h>
#include <string.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-remote.h"

/* ssh exits 255 for its own failures; a shell 127 for a missing program. */
#define VS_SSH_FAILED 255
#define VS_SHELL_NOT_FOUND 127

/* URI parameters that configure the client's transport, not the daemon
 * (libvirt's docs/uri.rst, "Extra parameters"). */
static const char *const vs_transport_params[] = {
    "name", "command", "socket_client", "keyfile", "netcat", "no_verify", "no_tty",
    "pkipath", "known_hosts", "known_hosts_verify", "sshauth", "proxy", "tls_priority",
    "mode", NULL
};

const char *
vs_remote_command(void)
{
    const char *cmd = g_getenv("VIRT_SHARE_REMOTE_COMMAND");

    return cmd && *cmd ? cmd : "virt-share";
}

char *
vs_remote_local_uri(const VsUriInfo *info, GError **error)
{
    g_autoptr(GString) uri = NULL;
    const char *name = g_hash_table_lookup(info->params, "name");
    GHashTableIter it;
    gpointer key, value;
    gboolean first = TRUE;

    if (name && *name)
        return g_strdup(name);
    uri = g_string_new(NULL);
    g_string_append_printf(uri, "%s://%s", info->driver, info->path && *info->path ? info->path : "/");
    g_hash_table_iter_init(&it, info->params);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        g_autofree char *k = NULL, *v = NULL;

        if (g_strv_contains(vs_transport_params, key))
            continue;
        k = g_uri_escape_string(key, NULL, FALSE);
        v = g_uri_escape_string(value, "/", FALSE);
        g_string_append_printf(uri, "%c%s=%s", first ? '?' : '&', k, v);
        first = FALSE;
    }
    return g_string_free(g_steal_pointer(&uri), FALSE);
}

static gboolean
vs_remote_transport_ok(const VsUriInfo *info, GError **error)
{
    const char *t = info->transport;

    if (t && (strcmp(t, "ssh") == 0 || strcmp(t, "libssh") == 0 || strcmp(t, "libssh2") == 0))
        return TRUE;
    g_set_error(error, VS_ERROR, VS_ERROR_UNSUPPORTED,
                _("the folder is on '%s', which virt-share reaches only over ssh "
                  "(qemu+ssh://): over the '%s' transport the host path policy, the "
                  "permission checks and the lock could not run where the folder is, so "
                  "nothing was changed"),
                info->host, t ? t : "tls");
    return FALSE;
}

GStrv
vs_remote_ssh_argv(const VsUriInfo *info, const char *const *args, GError **error)
{
    g_autoptr(GStrvBuilder) argv = g_strv_builder_new();
    g_autoptr(GString) remote = g_string_new(NULL);
    g_autofree char *local_uri = NULL;
    g_autofree char *q = NULL;
    const char *keyfile = g_hash_table_lookup(info->params, "keyfile");
    const char *known_hosts = g_hash_table_lookup(info->params, "known_hosts");
    const char *no_verify = g_hash_table_lookup(info->params, "no_verify");
    const char *command = g_hash_table_lookup(info->params, "command");

    if (!vs_remote_transport_ok(info, error))
        return NULL;
    if (!(local_uri = vs_remote_local_uri(info, error)))
        return NULL;

    g_strv_builder_add(argv, command && *command ? command : "ssh");
    /* The same options libvirt's ssh transport passes (src/rpc/virnetsocket.c). */
    if (info->port > 0) {
        g_autofree char *port = g_strdup_printf("%d", info->port);
        g_strv_builder_add_many(argv, "-p", port, NULL);
    }
    if (info->user)
        g_strv_builder_add_many(argv, "-l", info->user, NULL);
    if (keyfile)
        g_strv_builder_add_many(argv, "-i", keyfile, NULL);
    if (known_hosts) {
        g_autofree char *opt = g_strdup_printf("UserKnownHostsFile=%s", known_hosts);
        g_strv_builder_add_many(argv, "-o", opt, NULL);
    }
    if (no_verify && strcmp(no_verify, "0") != 0)
        g_strv_builder_add_many(argv, "-o", "StrictHostKeyChecking=no", NULL);
    g_strv_builder_add_many(argv, "-T", "-e", "none", "--", info->host, NULL);

    /* ssh hands the remote command to the user's shell as one string: quote
     * every word, so nothing of a path or option is ever interpreted there. */
    q = g_shell_quote(vs_remote_command());
    g_string_append(remote, q);
    g_clear_pointer(&q, g_free);
    q = g_shell_quote(local_uri);
    g_string_append_printf(remote, " -c %s", q);
    for (guint i = 0; args && args[i]; i++) {
        g_clear_pointer(&q, g_free);
        q = g_shell_quote(args[i]);
        g_string_append_printf(remote, " %s", q);
    }
    g_strv_builder_add(argv, remote->str);
    return g_strv_builder_end(argv);
}

int
vs_remote_run(const VsUriInfo *info, const char *const *args, GError **error)
{
    g_auto(GStrv) argv = vs_remote_ssh_argv(info, args, error);
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GError) spawn_error = NULL;
    int status;

    if (!argv)
        return -1;
    proc = g_subprocess_newv((const char *const *)argv, G_SUBPROCESS_FLAGS_NONE, &spawn_error);
    if (!proc) {
        g_set_error(error, VS_ERROR, VS_ERROR_REMOTE,
                    _("cannot run ssh to reach '%s': %s"), info->host, spawn_error->message);
        return -1;
    }
    if (!g_subprocess_wait(proc, NULL, error))
        return -1;
    if (!g_subprocess_get_if_exited(proc)) {
        g_set_error(error, VS_ERROR, VS_ERROR_REMOTE, _("ssh to '%s' was killed"), info->host);
        return -1;
    }
    status = g_subprocess_get_exit_status(proc);
    if (status == VS_SHELL_NOT_FOUND) {
        g_set_error(error, VS_ERROR, VS_ERROR_REMOTE,
                    _("'%s' is not installed on '%s': the folder lives there, and so do its "
                      "policy, permissions and lock, which only virt-share running there can "
                      "check; install virt-share on '%s' (or set VIRT_SHARE_REMOTE_COMMAND). "
                      "Nothing was changed"),
                    vs_remote_command(), info->host, info->host);
        return -1;
    }
    if (status == VS_SSH_FAILED) {
        g_set_error(error, VS_ERROR, VS_ERROR_REMOTE,
                    _("ssh to '%s' failed (see its message above); nothing was changed"),
                    info->host);
        return -1;
    }
    return status;
}
