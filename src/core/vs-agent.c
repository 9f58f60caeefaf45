/* vs-agent.c: the QEMU guest agent protocol. */
#include <config.h>

#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>
#include <stdlib.h>
#include <unistd.h>

#include "vs-agent.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-text.h"
#include "vs-time.h"

/* How long libvirt waits for one agent reply, in seconds. */
#define VS_AGENT_REPLY_TIMEOUT 10
/* PATH for programs started with guest-exec (qemu-ga may run without one). */
#define VS_GUEST_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* Deepest JSON nesting accepted: replies are two levels deep; a deeper one
 * is hostile and would only make the parser recurse. */
#define VS_AGENT_MAX_DEPTH 32

static char *vs_agent_libvirt_transport(virDomain *dom, const char *request,
                                        VsAgentFault *fault, GError **error);
static VsAgentTransport vs_transport = vs_agent_libvirt_transport;

void
vs_agent_set_transport(VsAgentTransport transport)
{
    vs_transport = transport ? transport : vs_agent_libvirt_transport;
}

void
vs_agent_guest_os_free(VsGuestOs *os)
{
    if (!os)
        return;
    g_free(os->id);
    g_free(os->name);
    g_free(os->version_id);
    g_free(os->kernel_release);
    g_free(os->machine);
    g_free(os);
}

void
vs_agent_exec_result_free(VsExecResult *res)
{
    if (!res)
        return;
    g_clear_pointer(&res->out, g_bytes_unref);
    g_clear_pointer(&res->err, g_bytes_unref);
    g_free(res);
}

/* ---- requests ---- */

static void
vs_builder_add_strv(JsonBuilder *b, const char *const *v)
{
    json_builder_begin_array(b);
    for (guint i = 0; v && v[i]; i++)
        json_builder_add_string_value(b, v[i]);
    json_builder_end_array(b);
}

/* One "T:name", value pair; FALSE for an unknown type letter. */
static gboolean
vs_builder_add_arg(JsonBuilder *b, const char *key, va_list *ap)
{
    const char *name = key + 2;
    const char *s;

    if (!key[0] || key[1] != ':' || !*name)
        return FALSE;
    switch (key[0]) {
    case 's':
    case 'S':
        s = va_arg(*ap, const char *);
        if (!s && key[0] == 'S')
            return TRUE;
        g_return_val_if_fail(s != NULL, FALSE);
        json_builder_set_member_name(b, name);
        json_builder_add_string_value(b, s);
        return TRUE;
    case 'i':
        json_builder_set_member_name(b, name);
        json_builder_add_int_value(b, va_arg(*ap, int));
        return TRUE;
    case 'I':
        json_builder_set_member_name(b, name);
        json_builder_add_int_value(b, va_arg(*ap, gint64));
        return TRUE;
    case 'b':
        json_builder_set_member_name(b, name);
        json_builder_add_boolean_value(b, va_arg(*ap, gboolean));
        return TRUE;
    case 'a':
        json_builder_set_member_name(b, name);
        vs_builder_add_strv(b, va_arg(*ap, const char *const *));
        return TRUE;
    default:
        return FALSE;
    }
}

JsonNode *
vs_agent_make_command(const char *execute, ...)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    const char *key;
    gboolean args = FALSE;
    va_list ap;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "execute");
    json_builder_add_string_value(b, execute);
    va_start(ap, execute);
    while ((key = va_arg(ap, const char *))) {
        if (!args) {
            json_builder_set_member_name(b, "arguments");
            json_builder_begin_object(b);
            args = TRUE;
        }
        if (!vs_builder_add_arg(b, key, &ap)) {
            va_end(ap);
            g_critical("vs_agent_make_command: bad argument '%s'", key);
            return NULL;
        }
    }
    va_end(ap);
    if (args)
        json_builder_end_object(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

/* JSON text with every non-ASCII character as \uXXXX: libvirt 11.3 refuses
 * raw UTF-8 in agent commands (lab-findings.md), 9.0 takes both. */
static char *
vs_json_ascii(const char *json)
{
    GString *out = g_string_sized_new(strlen(json));

    for (const char *p = json; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        gunichar2 *u16;
        glong n;

        if (c < 0x80) {
            g_string_append_c(out, (char)c);
            continue;
        }
        /* only inside strings: JSON has no other place for non-ASCII */
        u16 = g_ucs4_to_utf16(&c, 1, NULL, &n, NULL);
        for (glong i = 0; u16 && i < n; i++)
            g_string_append_printf(out, "\\u%04x", u16[i]);
        g_free(u16);
    }
    return g_string_free(out, FALSE);
}

/* ---- --debug: what went to the agent and what came back ---- */

/* Bytes of a request or reply shown: enough to see what it was. */
#define VS_AGENT_DEBUG_MAX 1024

static const char *
vs_agent_debug_name(virDomain *dom)
{
    const char *name = dom ? virDomainGetName(dom) : NULL;

    return name ? name : "?";
}

/* A reply is guest bytes: sanitised (vs-text.h) and cut, never raw. */
static void
vs_agent_debug_reply(virDomain *dom, const char *reply)
{
    gsize len = strlen(reply);
    g_autofree char *shown = vs_text_sanitize(reply, MIN(len, VS_AGENT_DEBUG_MAX));

    g_debug("agent: %s -> %s%s (%zu bytes)", vs_agent_debug_name(dom), shown,
            len > VS_AGENT_DEBUG_MAX ? "..." : "", len);
}

/* ---- transport ---- */


static char *
vs_agent_libvirt_transport(virDomain *dom, const char *request, VsAgentFault *fault,
                           GError **error)
{
    char *reply = virDomainQemuAgentCommand(dom, request, VS_AGENT_REPLY_TIMEOUT, 0);
    virErrorPtr err;
    g_autofree char *msg = NULL;
    char *copy;

    if (reply) {
        copy = g_strdup(reply);
        free(reply);
        return copy;
    }
    err = virGetLastError();
    /* libvirt's text may quote the agent's own error description */
    msg = vs_text_for_error(err && err->message ? err->message : _("unknown error"), -1);
    switch (err ? err->code : VIR_ERR_OK) {
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
        *fault = VS_AGENT_FAULT_NO_CHANNEL;
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                    _("the domain has no guest agent channel (add a virtio channel named "
                      "org.qemu.guest_agent.0 and install qemu-guest-agent in the guest)"));
        break;
    case VIR_ERR_AGENT_UNRESPONSIVE:
        *fault = VS_AGENT_FAULT_UNRESPONSIVE;
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                    _("the guest agent is not connected: is qemu-guest-agent installed and "
                      "running in the guest?"));
        break;
    case VIR_ERR_OPERATION_INVALID:
        *fault = VS_AGENT_FAULT_NOT_RUNNING;
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT, _("cannot talk to the guest agent: %s"),
                    msg);
        break;
    default:
        *fault = VS_AGENT_FAULT_FAILED;
        g_set_error_literal(error, VS_ERROR, VS_ERROR_AGENT, msg);
        break;
    }
    return NULL;
}

/* ---- reply checking ---- */

static void G_GNUC_PRINTF(3, 4)
vs_bad_reply(GError **error, const char *execute, const char *fmt, ...)
{
    g_autofree char *what = NULL;
    va_list ap;

    va_start(ap, fmt);
    what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                _("invalid reply from the guest agent to '%s': %s"), execute, what);
}

/* Nesting depth of the JSON text @s, counted outside strings. */
static guint
vs_json_depth(const char *s)
{
    guint depth = 0, max = 0;
    gboolean in_string = FALSE;

    for (; *s; s++) {
        if (in_string) {
            if (*s == '\\' && s[1])
                s++;
            else if (*s == '"')
                in_string = FALSE;
        } else if (*s == '"') {
            in_string = TRUE;
        } else if (*s == '{' || *s == '[') {
            depth++;    /* not inside MAX(), which evaluates its arguments twice */
            max = MAX(max, depth);
        } else if ((*s == '}' || *s == ']') && depth > 0) {
            depth--;
        }
    }
    return max;
}

static JsonNode *
vs_reply_refusal(const char *execute, JsonNode *err, GError **error)
{
    JsonObject *obj = JSON_NODE_HOLDS_OBJECT(err) ? json_node_get_object(err) : NULL;
    JsonNode *desc = obj ? json_object_get_member(obj, "desc") : NULL;
    g_autofree char *text = NULL;

    text = vs_text_for_error(desc && JSON_NODE_HOLDS_VALUE(desc) &&
                             json_node_get_value_type(desc) == G_TYPE_STRING ?
                             json_node_get_string(desc) : _("no description"), -1);
    g_set_error(error, VS_ERROR, VS_ERROR_AGENT, _("guest agent command '%s' failed: %s"),
                execute, text);
    return NULL;
}

JsonNode *
vs_agent_check_reply(const char *execute, const char *id, const char *reply, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autoptr(GError) parse_error = NULL;
    gsize len = strlen(reply);
    JsonNode *root, *rid, *ret;
    JsonObject *obj;

    if (len > VS_AGENT_MAX_REPLY) {
        vs_bad_reply(error, execute, _("longer than %d bytes"), VS_AGENT_MAX_REPLY);
        return NULL;
    }
    if (!g_utf8_validate(reply, (gssize)len, NULL)) {
        vs_bad_reply(error, execute, _("not valid UTF-8"));
        return NULL;
    }
    if (vs_json_depth(reply) > VS_AGENT_MAX_DEPTH) {
        vs_bad_reply(error, execute, _("nested deeper than %d levels"), VS_AGENT_MAX_DEPTH);
        return NULL;
    }
    if (!json_parser_load_from_data(parser, reply, (gssize)len, &parse_error)) {
        g_autofree char *why = vs_text_for_error(parse_error->message, -1);
        vs_bad_reply(error, execute, _("not JSON (%s)"), why);
        return NULL;
    }
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        vs_bad_reply(error, execute, _("not a JSON object"));
        return NULL;
    }
    obj = json_node_get_object(root);
    /* qemu-ga echoes the request id; one that does not is still accepted
     * (libvirt's guest-sync already pairs requests and replies) */
    rid = json_object_get_member(obj, "id");
    if (id && rid && (!JSON_NODE_HOLDS_VALUE(rid) ||
                      json_node_get_value_type(rid) != G_TYPE_STRING ||
                      g_strcmp0(json_node_get_string(rid), id) != 0)) {
        vs_bad_reply(error, execute, _("it answers another request (wrong id)"));
        return NULL;
    }
    if (json_object_has_member(obj, "error"))
        return vs_reply_refusal(execute, json_object_get_member(obj, "error"), error);
    if (!(ret = json_object_get_member(obj, "return"))) {
        vs_bad_reply(error, execute, _("no \"return\" member"));
        return NULL;
    }
    return json_node_copy(ret);
}

/* Member @name of @obj if it is a JSON value of @type, else NULL. */
static JsonNode *
vs_member(JsonObject *obj, const char *name, GType type)
{
    JsonNode *n = obj ? json_object_get_member(obj, name) : NULL;

    if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != type)
        return NULL;
    return n;
}

/* Integer member within [@min, @max]; @def when absent and not @required. */
static gboolean
vs_int_member(JsonObject *obj, const char *execute, const char *name, gboolean required,
              gint64 min, gint64 max, gint64 def, gint64 *out, GError **error)
{
    JsonNode *n = vs_member(obj, name, G_TYPE_INT64);

    if (!n && !required && !json_object_has_member(obj, name)) {
        *out = def;
        return TRUE;
    }
    if (!n || json_node_get_int(n) < min || json_node_get_int(n) > max) {
        /* Plain %lld with casts: xgettext cuts a msgid at G_GINT64_FORMAT. */
        vs_bad_reply(error, execute, _("\"%s\" is not an integer from %lld to %lld"), name,
                     (long long)min, (long long)max);
        return FALSE;
    }
    *out = json_node_get_int(n);
    return TRUE;
}

static gboolean
vs_bool_member(JsonObject *obj, const char *execute, const char *name, gboolean required,
               gboolean *out, GError **error)
{
    JsonNode *n = vs_member(obj, name, G_TYPE_BOOLEAN);

    if (!n && !required && !json_object_has_member(obj, name)) {
        *out = FALSE;
        return TRUE;
    }
    if (!n) {
        vs_bad_reply(error, execute, _("\"%s\" is not a boolean"), name);
        return FALSE;
    }
    *out = json_node_get_boolean(n);
    return TRUE;
}

static JsonObject *
vs_reply_object(JsonNode *ret, const char *execute, GError **error)
{
    if (!ret || !JSON_NODE_HOLDS_OBJECT(ret)) {
        vs_bad_reply(error, execute, _("the result is not an object"));
        return NULL;
    }
    return json_node_get_object(ret);
}

/* Base64 member @name (absent: empty when not @required), decoded, at most
 * @max bytes: the size is checked before decoding. */
static GBytes *
vs_b64_member(JsonObject *obj, const char *execute, const char *name, gboolean required,
              gsize max, GError **error)
{
    JsonNode *n = vs_member(obj, name, G_TYPE_STRING);
    const char *b64;
    gsize len, dlen = 0;
    guchar *data;

    if (!n && !required && !json_object_has_member(obj, name))
        return g_bytes_new(NULL, 0);
    if (!n) {
        vs_bad_reply(error, execute, _("\"%s\" is not a string"), name);
        return NULL;
    }
    b64 = json_node_get_string(n);
    len = strlen(b64);
    if (len % 4 != 0 || strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789+/=") != len) {
        vs_bad_reply(error, execute, _("\"%s\" is not base64"), name);
        return NULL;
    }
    if (len / 4 * 3 > max + 2) {
        vs_bad_reply(error, execute, _("\"%s\" holds more than %llu bytes"), name,
                     (unsigned long long)max);
        return NULL;
    }
    data = g_base64_decode(b64, &dlen);
    if (dlen > max) {
        g_free(data);
        vs_bad_reply(error, execute, _("\"%s\" holds more than %llu bytes"), name,
                     (unsigned long long)max);
        return NULL;
    }
    return g_bytes_new_take(data, dlen);
}

GHashTable *
vs_agent_parse_disabled(JsonNode *ret, GError **error)
{
    const char *ex = "guest-info";
    JsonObject *obj = vs_reply_object(ret, ex, error);
    JsonNode *cmds_node = obj ? json_object_get_member(obj, "supported_commands") : NULL;
    g_autoptr(GHashTable) disabled = NULL;
    JsonArray *cmds;

    if (!obj)
        return NULL;
    if (!cmds_node || !JSON_NODE_HOLDS_ARRAY(cmds_node)) {
        vs_bad_reply(error, ex, _("\"supported_commands\" is not an array"));
        return NULL;
    }
    cmds = json_node_get_array(cmds_node);
    if (json_array_get_length(cmds) > VS_AGENT_MAX_COMMANDS) {
        vs_bad_reply(error, ex, _("more than %d commands"), VS_AGENT_MAX_COMMANDS);
        return NULL;
    }
    disabled = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < json_array_get_length(cmds); i++) {
        JsonNode *el = json_array_get_element(cmds, i);
        JsonObject *cmd = JSON_NODE_HOLDS_OBJECT(el) ? json_node_get_object(el) : NULL;
        JsonNode *name = vs_member(cmd, "name", G_TYPE_STRING);
        gboolean enabled;

        if (!name) {
            vs_bad_reply(error, ex, _("command %u has no name"), i);
            return NULL;
        }
        if (!vs_bool_member(cmd, ex, "enabled", TRUE, &enabled, error))
            return NULL;
        if (!enabled)
            g_hash_table_add(disabled, g_strdup(json_node_get_string(name)));
    }
    return g_steal_pointer(&disabled);
}

gboolean
vs_agent_parse_exec_pid(JsonNode *ret, gint64 *pid, GError **error)
{
    JsonObject *obj = vs_reply_object(ret, "guest-exec", error);

    return obj && vs_int_member(obj, "guest-exec", "pid", TRUE, 0, G_MAXINT32, 0, pid, error);
}

gboolean
vs_agent_parse_exec_status(JsonNode *ret, VsExecResult **res, GError **error)
{
    const char *ex = "guest-exec-status";
    JsonObject *obj = vs_reply_object(ret, ex, error);
    g_autoptr(VsExecResult) r = NULL;
    gboolean exited;
    gint64 code, sig;

    *res = NULL;
    if (!obj || !vs_bool_member(obj, ex, "exited", TRUE, &exited, error))
        return FALSE;
    if (!exited)
        return TRUE;
    if (!vs_int_member(obj, ex, "exitcode", FALSE, G_MININT32, G_MAXINT32, -1, &code, error) ||
        !vs_int_member(obj, ex, "signal", FALSE, 0, 1024, 0, &sig, error))
        return FALSE;
    r = g_new0(VsExecResult, 1);
    r->signal = (int)sig;
    r->exit_code = sig ? -1 : (int)code;
    if (!(r->out = vs_b64_member(obj, ex, "out-data", FALSE, VS_GUEST_EXEC_MAX_OUTPUT, error)) ||
        !(r->err = vs_b64_member(obj, ex, "err-data", FALSE, VS_GUEST_EXEC_MAX_OUTPUT, error)))
        return FALSE;
    *res = g_steal_pointer(&r);
    return TRUE;
}

gboolean
vs_agent_parse_handle(JsonNode *ret, gint64 *handle, GError **error)
{
    if (!ret || !JSON_NODE_HOLDS_VALUE(ret) || json_node_get_value_type(ret) != G_TYPE_INT64 ||
        json_node_get_int(ret) < 0) {
        vs_bad_reply(error, "guest-file-open", _("the result is not a file handle"));
        return FALSE;
    }
    *handle = json_node_get_int(ret);
    return TRUE;
}

GBytes *
vs_agent_parse_file_read(JsonNode *ret, gsize max, gboolean *eof, GError **error)
{
    const char *ex = "guest-file-read";
    JsonObject *obj = vs_reply_object(ret, ex, error);
    g_autoptr(GBytes) data = NULL;
    gint64 count;

    if (!obj || !vs_int_member(obj, ex, "count", TRUE, 0, (gint64)max, 0, &count, error) ||
        !vs_bool_member(obj, ex, "eof", TRUE, eof, error) ||
        !(data = vs_b64_member(obj, ex, "buf-b64", TRUE, max, error)))
        return NULL;
    if (g_bytes_get_size(data) != (gsize)count) {
        vs_bad_reply(error, ex, _("\"count\" does not match the data"));
        return NULL;
    }
    return g_steal_pointer(&data);
}

gboolean
vs_agent_parse_file_write(JsonNode *ret, gint64 *count, GError **error)
{
    JsonObject *obj = vs_reply_object(ret, "guest-file-write", error);

    return obj && vs_int_member(obj, "guest-file-write", "count", TRUE, 0, G_MAXINT64, 0,
                                count, error);
}

/* One optional string member of guest-get-osinfo, bounded and made
 * printable; an empty one counts as absent. */
static gboolean
vs_osinfo_member(JsonObject *obj, const char *name, char **out, GError **error)
{
    JsonNode *n = vs_member(obj, name, G_TYPE_STRING);
    const char *s;

    *out = NULL;
    if (!n && !json_object_has_member(obj, name))
        return TRUE;
    if (!n) {
        vs_bad_reply(error, "guest-get-osinfo", _("\"%s\" is not a string"), name);
        return FALSE;
    }
    s = json_node_get_string(n);
    if (strlen(s) > VS_GUEST_OS_FIELD_MAX) {
        vs_bad_reply(error, "guest-get-osinfo", _("\"%s\" is longer than %d bytes"), name,
                     VS_GUEST_OS_FIELD_MAX);
        return FALSE;
    }
    if (*s)
        *out = vs_text_sanitize(s, -1);
    return TRUE;
}

VsGuestOs *
vs_agent_parse_osinfo(JsonNode *ret, GError **error)
{
    JsonObject *obj = vs_reply_object(ret, "guest-get-osinfo", error);
    g_autoptr(VsGuestOs) os = g_new0(VsGuestOs, 1);
    g_autofree char *name = NULL;

    if (!obj || !vs_osinfo_member(obj, "id", &os->id, error) ||
        !vs_osinfo_member(obj, "pretty-name", &os->name, error) ||
        !vs_osinfo_member(obj, "name", &name, error) ||
        !vs_osinfo_member(obj, "version-id", &os->version_id, error) ||
        !vs_osinfo_member(obj, "kernel-release", &os->kernel_release, error) ||
        !vs_osinfo_member(obj, "machine", &os->machine, error))
        return NULL;
    /* the ID decides what virt-share does: os-release allows no more
     * (upper case forgiven: some hand-made images have it) */
    for (char *c = os->id; c && *c; c++)
        *c = g_ascii_tolower(*c);
    if (os->id && strspn(os->id, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(os->id)) {
        vs_bad_reply(error, "guest-get-osinfo", _("\"id\" is not an os-release ID"));
        return NULL;
    }
    if (!os->name)
        os->name = g_steal_pointer(&name);
    return g_steal_pointer(&os);
}

/* ---- sending ---- */

/* After a refusal: is @execute disabled in the guest?  Asked through the
 * agent's own command list, never guessed from the error text. */
static gboolean
vs_agent_is_disabled(virDomain *dom, const char *execute)
{
    g_autoptr(GHashTable) disabled = NULL;

    if (g_str_equal(execute, "guest-info"))
        return FALSE;
    disabled = vs_agent_disabled_commands(dom, NULL);
    return disabled && g_hash_table_contains(disabled, execute);
}

static char *
vs_agent_request_id(void)
{
    static gint counter;

    return g_strdup_printf("vs-%d-%d", (int)getpid(), g_atomic_int_add(&counter, 1) + 1);
}

static void
vs_agent_failed(virDomain *dom, const char *execute, VsAgentFault *fault, GError **error)
{
    if (*fault != VS_AGENT_FAULT_FAILED || !error || !*error)
        return;
    if (vs_agent_is_disabled(dom, execute)) {
        *fault = VS_AGENT_FAULT_DISABLED;
        g_clear_error(error);
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                    _("the guest agent refuses '%s': it has been disabled in the guest "
                      "(qemu-ga --block-rpcs or an allow-list such as RHEL's "
                      "/etc/sysconfig/qemu-ga); enable it there"),
                    execute);
        return;
    }
    g_prefix_error(error, _("guest agent command '%s' failed: "), execute);
}

JsonNode *
vs_agent_command(virDomain *dom, JsonNode *cmd, VsAgentFault *fault, GError **error)
{
    g_autoptr(JsonNode) request = cmd;
    g_autoptr(GError) local_error = NULL;
    g_autofree char *id = vs_agent_request_id();
    g_autofree char *json = NULL;
    g_autofree char *ascii = NULL;
    g_autofree char *reply = NULL;
    g_autofree char *execute = NULL;
    VsAgentFault dummy;
    JsonNode *ret;

    fault = fault ? fault : &dummy;
    *fault = VS_AGENT_FAULT_NONE;
    g_return_val_if_fail(cmd && JSON_NODE_HOLDS_OBJECT(cmd), NULL);
    execute = g_strdup(json_object_get_string_member(json_node_get_object(request), "execute"));
    json_object_set_string_member(json_node_get_object(request), "id", id);
    json = json_to_string(request, FALSE);
    if (!g_utf8_validate(json, -1, NULL)) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("cannot send '%s' to the guest agent: an argument is not valid UTF-8"),
                    execute);
        return NULL;
    }
    ascii = vs_json_ascii(json);
    g_debug("agent: %s <- %.*s", vs_agent_debug_name(dom), VS_AGENT_DEBUG_MAX, ascii);
    if (!(reply = vs_transport(dom, ascii, fault, &local_error))) {
        g_debug("agent: %s: %s", vs_agent_debug_name(dom), local_error->message);
        vs_agent_failed(dom, execute, fault, &local_error);
        g_propagate_error(error, g_steal_pointer(&local_error));
        return NULL;
    }
    vs_agent_debug_reply(dom, reply);
    if (!(ret = vs_agent_check_reply(execute, id, reply, error)))
        *fault = VS_AGENT_FAULT_BAD_REPLY;
    return ret;
}

/* ---- commands ---- */

gboolean
vs_agent_ping(virDomain *dom, GError **error)
{
    g_autoptr(JsonNode) ret = vs_agent_command(dom, vs_agent_make_command("guest-ping", NULL),
                                               NULL, error);

    return ret != NULL;
}

gboolean
vs_agent_wait(virDomain *dom, guint timeout_ms, GError **error)
{
    VsTimeBackOff backoff;

    vs_time_backoff_start(&backoff, 20, 500, timeout_ms);
    for (;;) {
        g_autoptr(GError) ping_error = NULL;
        g_autoptr(JsonNode) ret = NULL;
        VsAgentFault fault;

        ret = vs_agent_command(dom, vs_agent_make_command("guest-ping", NULL), &fault,
                               &ping_error);
        if (ret)
            return TRUE;
        /* Only "not connected yet" is worth waiting for. */
        if (fault != VS_AGENT_FAULT_UNRESPONSIVE || !vs_time_backoff_wait(&backoff)) {
            if (fault == VS_AGENT_FAULT_UNRESPONSIVE)
                g_prefix_error(&ping_error, _("no answer from the guest agent after %u s: "),
                               timeout_ms / 1000);
            g_propagate_error(error, g_steal_pointer(&ping_error));
            return FALSE;
        }
    }
}

GHashTable *
vs_agent_disabled_commands(virDomain *dom, GError **error)
{
    g_autoptr(JsonNode) ret = vs_agent_command(dom, vs_agent_make_command("guest-info", NULL),
                                               NULL, error);

    return ret ? vs_agent_parse_disabled(ret, error) : NULL;
}

gboolean
vs_agent_osinfo(virDomain *dom, VsGuestOs **os, GError **error)
{
    g_autoptr(GError) why = NULL;
    VsAgentFault fault;
    g_autoptr(JsonNode) ret = vs_agent_command(dom,
                                               vs_agent_make_command("guest-get-osinfo", NULL),
                                               &fault, &why);

    *os = NULL;
    /* A refusal is no answer about the system: unknown, as before agents
     * had the command.  Told by the fault, never by the agent's text. */
    if (!ret && (fault == VS_AGENT_FAULT_FAILED || fault == VS_AGENT_FAULT_DISABLED)) {
        g_debug("agent: %s: guest system unknown: %s", vs_agent_debug_name(dom), why->message);
        return TRUE;
    }
    if (!ret) {
        g_propagate_error(error, g_steal_pointer(&why));
        return FALSE;
    }
    return (*os = vs_agent_parse_osinfo(ret, error)) != NULL;
}

VsExecResult *
vs_agent_exec(virDomain *dom, const char *const *argv, guint timeout_ms, GError **error)
{
    static const char *const env[] = { VS_GUEST_PATH, "LC_ALL=C", NULL };
    g_autoptr(JsonNode) ret = NULL;
    VsTimeBackOff backoff;
    gint64 pid;

    g_return_val_if_fail(argv && argv[0], NULL);
    ret = vs_agent_command(dom, vs_agent_make_command("guest-exec", "s:path", argv[0],
                                                      "a:arg", argv + 1, "a:env", env,
                                                      "b:capture-output", TRUE, NULL),
                           NULL, error);
    if (!ret || !vs_agent_parse_exec_pid(ret, &pid, error))
        return NULL;

    vs_time_backoff_start(&backoff, 5, 200, timeout_ms);
    for (guint polls = 0; polls < VS_GUEST_EXEC_MAX_POLLS; polls++) {
        g_autoptr(JsonNode) status = NULL;
        VsExecResult *res;

        status = vs_agent_command(dom, vs_agent_make_command("guest-exec-status", "I:pid", pid,
                                                             NULL),
                                  NULL, error);
        if (!status || !vs_agent_parse_exec_status(status, &res, error))
            return NULL;
        if (res)
            return res;
        if (!vs_time_backoff_wait(&backoff)) {
            g_set_error(error, VS_ERROR, VS_ERROR_TIMEOUT,
                        _("'%s' did not finish in the guest within %u ms"), argv[0],
                        timeout_ms);
            return NULL;
        }
    }
    g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                _("'%s' did not finish in the guest after %d status queries"), argv[0],
                VS_GUEST_EXEC_MAX_POLLS);
    return NULL;
}

gboolean
vs_agent_exec_check(virDomain *dom, const char *const *argv, guint timeout_ms, GError **error)
{
    g_autoptr(VsExecResult) res = vs_agent_exec(dom, argv, timeout_ms, error);
    g_autofree char *joined = NULL;
    g_autofree char *cmdline = NULL;
    g_autofree char *err_text = NULL;
    gsize len;
    const char *data;

    if (!res)
        return FALSE;
    if (res->exit_code == 0)
        return TRUE;
    joined = g_strjoinv(" ", (char **)argv);
    cmdline = vs_text_sanitize(joined, -1);
    data = g_bytes_get_data(res->err, &len);
    /* a final newline of stderr, escaped, would only clutter the message */
    while (data && len > 0 && ((const char *)data)[len - 1] == '\n')
        len--;
    err_text = vs_text_for_error(data, data ? (gssize)len : 0);
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

static gboolean
vs_agent_close(virDomain *dom, gint64 handle, GError **error)
{
    g_autoptr(JsonNode) ret = vs_agent_command(dom, vs_agent_make_command("guest-file-close",
                                                                          "I:handle", handle,
                                                                          NULL),
                                               NULL, error);
    return ret != NULL;
}

static gint64
vs_agent_open(virDomain *dom, const char *path, const char *mode, GError **error)
{
    g_autoptr(JsonNode) ret = vs_agent_command(dom, vs_agent_make_command("guest-file-open",
                                                                          "s:path", path,
                                                                          "s:mode", mode, NULL),
                                               NULL, error);
    gint64 handle;

    if (!ret || !vs_agent_parse_handle(ret, &handle, error))
        return -1;
    return handle;
}

/* Read from @handle until EOF, within the VS_GUEST_FILE_* bounds. */
static GBytes *
vs_agent_read_handle(virDomain *dom, const char *path, gint64 handle, GError **error)
{
    g_autoptr(GByteArray) data = g_byte_array_new();
    gint64 deadline = g_get_monotonic_time() + (gint64)VS_GUEST_FILE_MAX_MS * 1000;

    for (guint chunks = 0;; chunks++) {
        g_autoptr(JsonNode) ret = NULL;
        g_autoptr(GBytes) bytes = NULL;
        gboolean eof;

        if (chunks >= VS_GUEST_FILE_MAX_CHUNKS || g_get_monotonic_time() >= deadline) {
            g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                        _("reading %s in the guest did not end within %d reads or %d s"),
                        path, VS_GUEST_FILE_MAX_CHUNKS, VS_GUEST_FILE_MAX_MS / 1000);
            return NULL;
        }
        ret = vs_agent_command(dom, vs_agent_make_command("guest-file-read", "I:handle", handle,
                                                          "i:count", VS_GUEST_FILE_CHUNK, NULL),
                               NULL, error);
        if (!ret || !(bytes = vs_agent_parse_file_read(ret, VS_GUEST_FILE_CHUNK, &eof, error)))
            return NULL;
        if (data->len + g_bytes_get_size(bytes) > VS_GUEST_FILE_MAX) {
            g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                        _("%s in the guest is larger than %d bytes"), path, VS_GUEST_FILE_MAX);
            return NULL;
        }
        g_byte_array_append(data, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
        if (eof || g_bytes_get_size(bytes) == 0)
            return g_byte_array_free_to_bytes(g_steal_pointer(&data));
    }
}

GBytes *
vs_agent_read_file(virDomain *dom, const char *path, GError **error)
{
    g_autoptr(GError) read_error = NULL;
    g_autoptr(GBytes) data = NULL;
    gint64 handle = vs_agent_open(dom, path, "r", error);

    if (handle < 0)
        return NULL;
    data = vs_agent_read_handle(dom, path, handle, &read_error);
    /* close in any case; its error only matters when the read went well */
    if (!vs_agent_close(dom, handle, data ? error : NULL) && data)
        return NULL;
    if (!data) {
        g_propagate_error(error, g_steal_pointer(&read_error));
        return NULL;
    }
    return g_steal_pointer(&data);
}

gboolean
vs_agent_write_file(virDomain *dom, const char *path, GBytes *data, GError **error)
{
    g_autofree char *b64 = g_base64_encode(g_bytes_get_data(data, NULL), g_bytes_get_size(data));
    g_autoptr(JsonNode) ret = NULL;
    gint64 count = -1;
    gint64 handle = vs_agent_open(dom, path, "w", error);
    gboolean ok;

    if (handle < 0)
        return FALSE;
    ret = vs_agent_command(dom, vs_agent_make_command("guest-file-write", "I:handle", handle,
                                                      "s:buf-b64", b64, NULL),
                           NULL, error);
    ok = ret && vs_agent_parse_file_write(ret, &count, error);
    if (ok && count != (gint64)g_bytes_get_size(data)) {
        g_set_error(error, VS_ERROR, VS_ERROR_AGENT,
                    _("short write to %s in the guest: %lld of %llu bytes"), path,
                    (long long)count, (unsigned long long)g_bytes_get_size(data));
        ok = FALSE;
    }
    /* the data is only on disk once the file is closed: its error counts */
    if (!vs_agent_close(dom, handle, ok ? error : NULL))
        ok = FALSE;
    return ok;
}
