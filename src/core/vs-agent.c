/* vs-agent.c: the QEMU guest agent protocol. */
#include <config.h>

#include <libvirt/libvirt-qemu.h>
#include <stdlib.h>

#include "vs-agent.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"

/* How long libvirt waits for one agent reply, in seconds. */
#define VS_AGENT_REPLY_TIMEOUT 10
/* PATH for programs started with guest-exec (qemu-ga may run without one). */
#define VS_GUEST_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* Largest chunk guest-file-read is asked for. */
#define VS_FILE_CHUNK 65536

void
vs_exec_result_free(VsExecResult *res)
{
    if (!res)
        return;
    g_clear_pointer(&res->out, g_bytes_unref);
    g_clear_pointer(&res->err, g_bytes_unref);
    g_free(res);
}

static void
vs_set_agent_error(GError **error, const char *execute)
{
    virErrorPtr err = virGetLastError();
    const char *msg = err && err->message ? err->message : _("unknown error");
    int code = err ? err->code : VIR_ERR_OK;

    switch (code) {
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                    _("the domain has no guest agent channel (add a virtio channel named "
                      "org.qemu.guest_agent.0 and install qemu-guest-agent in the guest, "
                      "or use --no-mount)"));
        return;
    case VIR_ERR_AGENT_UNRESPONSIVE:
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                    _("the guest agent is not connected: is qemu-guest-agent installed and "
                      "running in the guest? (or use --no-mount)"));
        return;
    case VIR_ERR_OPERATION_INVALID:
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                    _("cannot talk to the guest agent: %s"), msg);
        return;
    default:
        break;
    }
    if (strstr(msg, "has been disabled")) {
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                    _("the guest agent refuses '%s': it has been disabled in the guest "
                      "(qemu-ga --block-rpcs or an allow-list such as RHEL's "
                      "/etc/sysconfig/qemu-ga); enable it there, or use --no-mount"),
                    execute);
        return;
    }
    g_set_error(error, VS_ERROR, VS_ERROR_AGENT, _("guest agent command '%s' failed: %s"),
                execute, msg);
}

JsonNode *
vs_agent_command(virDomain *dom, const char *execute, JsonNode *args, GError **error)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) request = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) parse_error = NULL;
    g_autofree char *text = NULL;
    char *reply;
    JsonNode *root;
    JsonObject *obj;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "execute");
    json_builder_add_string_value(b, execute);
    if (args) {
        json_builder_set_member_name(b, "arguments");
        json_builder_add_value(b, args);   /* takes ownership */
    }
    json_builder_end_object(b);
    request = json_builder_get_root(b);
    json_generator_set_root(gen, request);
    text = json_generator_to_data(gen, NULL);

    reply = virDomainQemuAgentCommand(dom, text, VS_AGENT_REPLY_TIMEOUT, 0);
    if (!reply) {
        vs_set_agent_error(error, execute);
        return NULL;
    }
    if (!json_parser_load_from_data(parser, reply, -1, &parse_error)) {
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                    _("cannot parse the guest agent's reply to '%s': %s"), execute,
                    parse_error->message);
        free(reply);
        return NULL;
    }
    free(reply);
    root = json_parser_get_root(parser);
    obj = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    if (!obj || !json_object_has_member(obj, "return")) {
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                    _("unexpected reply from the guest agent to '%s'"), execute);
        return NULL;
    }
    return json_node_copy(json_object_get_member(obj, "return"));
}

gboolean
vs_agent_ping(virDomain *dom, GError **error)
{
    g_autoptr(JsonNode) ret = vs_agent_command(dom, "guest-ping", NULL, error);

    return ret != NULL;
}

gboolean
vs_agent_wait(virDomain *dom, guint timeout_ms, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    gulong delay_us = 20000;

    for (;;) {
        g_autoptr(GError) ping_error = NULL;
        int code;

        if (vs_agent_ping(dom, &ping_error))
            return TRUE;
        code = vs_libvirt_last_error_code();
        /* Only "not connected yet" is worth waiting for. */
        if (code != VIR_ERR_AGENT_UNRESPONSIVE || g_get_monotonic_time() >= deadline) {
            if (code == VIR_ERR_AGENT_UNRESPONSIVE)
                g_prefix_error(&ping_error, _("no answer from the guest agent after %u s: "),
                               timeout_ms / 1000);
            g_propagate_error(error, g_steal_pointer(&ping_error));
            return FALSE;
        }
        g_usleep(delay_us);
        delay_us = MIN(delay_us * 2, 500000);
    }
}

GHashTable *
vs_agent_disabled_commands(virDomain *dom, GError **error)
{
    g_autoptr(JsonNode) ret = vs_agent_command(dom, "guest-info", NULL, error);
    GHashTable *disabled;
    JsonArray *cmds;

    if (!ret)
        return NULL;
    disabled = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    cmds = JSON_NODE_HOLDS_OBJECT(ret) ?
        json_object_get_array_member(json_node_get_object(ret), "supported_commands") : NULL;
    for (guint i = 0; cmds && i < json_array_get_length(cmds); i++) {
        JsonObject *cmd = json_array_get_object_element(cmds, i);
        if (cmd && json_object_has_member(cmd, "enabled") &&
            !json_object_get_boolean_member(cmd, "enabled"))
            g_hash_table_add(disabled, g_strdup(json_object_get_string_member(cmd, "name")));
    }
    return disabled;
}

static GBytes *
vs_b64_member(JsonObject *obj, const char *member)
{
    const char *b64 = json_object_has_member(obj, member) ?
        json_object_get_string_member(obj, member) : NULL;
    guchar *data;
    gsize len = 0;

    if (!b64)
        return g_bytes_new(NULL, 0);
    data = g_base64_decode(b64, &len);
    return g_bytes_new_take(data, len);
}

static gint64
vs_int_member(JsonObject *obj, const char *member, gint64 def)
{
    return json_object_has_member(obj, member) ? json_object_get_int_member(obj, member) : def;
}

VsExecResult *
vs_agent_exec(virDomain *dom, const char *const *argv, guint timeout_ms, GError **error)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) ret = NULL;
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    gulong delay_us = 5000;
    gint64 pid;

    g_return_val_if_fail(argv && argv[0], NULL);

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "path");
    json_builder_add_string_value(b, argv[0]);
    json_builder_set_member_name(b, "arg");
    json_builder_begin_array(b);
    for (guint i = 1; argv[i]; i++)
        json_builder_add_string_value(b, argv[i]);
    json_builder_end_array(b);
    json_builder_set_member_name(b, "env");
    json_builder_begin_array(b);
    json_builder_add_string_value(b, VS_GUEST_PATH);
    json_builder_add_string_value(b, "LC_ALL=C");
    json_builder_end_array(b);
    json_builder_set_member_name(b, "capture-output");
    json_builder_add_boolean_value(b, TRUE);
    json_builder_end_object(b);

    ret = vs_agent_command(dom, "guest-exec", json_builder_get_root(b), error);
    if (!ret)
        return NULL;
    if (!JSON_NODE_HOLDS_OBJECT(ret) ||
        (pid = vs_int_member(json_node_get_object(ret), "pid", -1)) < 0) {
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                    _("the guest agent returned no pid for '%s'"), argv[0]);
        return NULL;
    }

    for (;;) {
        g_autoptr(JsonBuilder) sb = json_builder_new();
        g_autoptr(JsonNode) status = NULL;
        JsonObject *obj;

        json_builder_begin_object(sb);
        json_builder_set_member_name(sb, "pid");
        json_builder_add_int_value(sb, pid);
        json_builder_end_object(sb);
        status = vs_agent_command(dom, "guest-exec-status", json_builder_get_root(sb), error);
        if (!status)
            return NULL;
        obj = JSON_NODE_HOLDS_OBJECT(status) ? json_node_get_object(status) : NULL;
        if (obj && json_object_has_member(obj, "exited") &&
            json_object_get_boolean_member(obj, "exited")) {
            VsExecResult *res = g_new0(VsExecResult, 1);
            res->signal = (int)vs_int_member(obj, "signal", 0);
            res->exit_code = res->signal ? -1 : (int)vs_int_member(obj, "exitcode", -1);
            res->out = vs_b64_member(obj, "out-data");
            res->err = vs_b64_member(obj, "err-data");
            return res;
        }
        if (g_get_monotonic_time() >= deadline) {
            g_set_error(error, VS_ERROR, VS_ERROR_TIMEOUT,
                        _("'%s' did not finish in the guest within %u ms"), argv[0],
                        timeout_ms);
            return NULL;
        }
        g_usleep(delay_us);
        delay_us = MIN(delay_us * 2, 200000);
    }
}

gboolean
vs_agent_exec_check(virDomain *dom, const char *const *argv, guint timeout_ms, GError **error)
{
    g_autoptr(VsExecResult) res = vs_agent_exec(dom, argv, timeout_ms, error);
    g_autofree char *cmdline = NULL;
    g_autofree char *err_text = NULL;
    gsize len;
    const char *data;

    if (!res)
        return FALSE;
    if (res->exit_code == 0)
        return TRUE;
    cmdline = g_strjoinv(" ", (char **)argv);
    data = g_bytes_get_data(res->err, &len);
    err_text = g_strchomp(g_utf8_make_valid(data ? data : "", (gssize)len));
    if (res->signal)
        g_set_error(error, VS_ERROR, VS_ERROR_GUEST,
                    _("'%s' was killed by signal %d in the guest%s%s"), cmdline, res->signal,
                    *err_text ? ": " : "", err_text);
    else
        g_set_error(error, VS_ERROR, VS_ERROR_GUEST,
                    _("'%s' failed in the guest with exit code %d%s%s"), cmdline,
                    res->exit_code, *err_text ? ": " : "", err_text);
    return FALSE;
}

static JsonNode *
vs_handle_args(gint64 handle, const char *extra_name, gint64 extra_value)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "handle");
    json_builder_add_int_value(b, handle);
    if (extra_name) {
        json_builder_set_member_name(b, extra_name);
        json_builder_add_int_value(b, extra_value);
    }
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

GBytes *
vs_agent_read_file(virDomain *dom, const char *path, GError **error)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) opened = NULL;
    g_autoptr(GByteArray) data = g_byte_array_new();
    g_autoptr(GError) open_error = NULL;
    gint64 handle;
    gboolean ok = TRUE;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "path");
    json_builder_add_string_value(b, path);
    json_builder_set_member_name(b, "mode");
    json_builder_add_string_value(b, "r");
    json_builder_end_object(b);
    opened = vs_agent_command(dom, "guest-file-open", json_builder_get_root(b), &open_error);
    if (!opened) {
        if (strstr(open_error->message, "No such file"))
            g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND, _("%s: no such file in the guest"),
                        path);
        else
            g_propagate_error(error, g_steal_pointer(&open_error));
        return NULL;
    }
    handle = json_node_get_int(opened);

    while (ok) {
        g_autoptr(JsonNode) chunk = vs_agent_command(dom, "guest-file-read",
                                                     vs_handle_args(handle, "count", VS_FILE_CHUNK),
                                                     error);
        JsonObject *obj;
        g_autoptr(GBytes) bytes = NULL;

        if (!chunk || !JSON_NODE_HOLDS_OBJECT(chunk)) {
            ok = FALSE;
            break;
        }
        obj = json_node_get_object(chunk);
        bytes = vs_b64_member(obj, "buf-b64");
        g_byte_array_append(data, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
        if (json_object_get_boolean_member(obj, "eof") || g_bytes_get_size(bytes) == 0)
            break;
    }
    {
        g_autoptr(JsonNode) closed = vs_agent_command(dom, "guest-file-close",
                                                      vs_handle_args(handle, NULL, 0),
                                                      ok ? error : NULL);
        if (!closed)
            ok = FALSE;
    }
    if (!ok)
        return NULL;
    return g_byte_array_free_to_bytes(g_steal_pointer(&data));
}

gboolean
vs_agent_write_file(virDomain *dom, const char *path, GBytes *data, GError **error)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonBuilder) wb = json_builder_new();
    g_autoptr(JsonNode) opened = NULL;
    g_autoptr(JsonNode) written = NULL;
    g_autoptr(JsonNode) closed = NULL;
    g_autofree char *b64 = g_base64_encode(g_bytes_get_data(data, NULL), g_bytes_get_size(data));
    gint64 handle;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "path");
    json_builder_add_string_value(b, path);
    json_builder_set_member_name(b, "mode");
    json_builder_add_string_value(b, "w");
    json_builder_end_object(b);
    if (!(opened = vs_agent_command(dom, "guest-file-open", json_builder_get_root(b), error)))
        return FALSE;
    handle = json_node_get_int(opened);

    json_builder_begin_object(wb);
    json_builder_set_member_name(wb, "handle");
    json_builder_add_int_value(wb, handle);
    json_builder_set_member_name(wb, "buf-b64");
    json_builder_add_string_value(wb, b64);
    json_builder_end_object(wb);
    written = vs_agent_command(dom, "guest-file-write", json_builder_get_root(wb), error);
    closed = vs_agent_command(dom, "guest-file-close", vs_handle_args(handle, NULL, 0),
                              written ? error : NULL);
    return written && closed;
}
