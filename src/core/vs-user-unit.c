/* vs-user-unit.c: the user unit of the watcher, through the user's systemd
 * manager: org.freedesktop.systemd1.Manager on the user's bus, else on the
 * manager's own socket ($XDG_RUNTIME_DIR/systemd/private, which systemctl
 * --user uses where no user bus runs). */
#include <config.h>

#include <gio/gio.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-uri.h"
#include "vs-user-unit.h"

#define VS_SD_NAME "org.freedesktop.systemd1"
#define VS_SD_PATH "/org/freedesktop/systemd1"
#define VS_SD_MANAGER "org.freedesktop.systemd1.Manager"
/* Each call gets a connection of its own, tried up to VS_SD_ATTEMPTS
 * times: on the manager's private socket a GDBus connection now and then
 * never gets an answer (in the Debian 13 root, 2 of 25 connections waited
 * 25 s while systemctl, asked in between, answered in 0.1 s); a fresh one
 * does.  Reload may take long: it has systemctl's own bound. */
#define VS_SD_ATTEMPTS 3
#define VS_SD_TIMEOUT_MS 5000
#define VS_SD_RELOAD_TIMEOUT_MS 25000

/* The user's bus ($XDG_RUNTIME_DIR/bus, where the manager has its name),
 * else the manager's private socket.  Only sockets that exist are tried:
 * GLib would otherwise autolaunch a session bus for a command-line program.
 * *@name: the manager's bus name, NULL on the private socket. */
static GDBusConnection *
vs_user_manager_open(const char **name, GError **error)
{
    const char *runtime = g_getenv("XDG_RUNTIME_DIR");
    static const struct {
        const char *file;
        GDBusConnectionFlags flags;
        const char *name;
    } ways[] = {
        { "bus", G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                 G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, VS_SD_NAME },
        { "systemd/private", G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL },
    };

    for (guint i = 0; runtime && i < G_N_ELEMENTS(ways); i++) {
        g_autofree char *path = g_build_filename(runtime, ways[i].file, NULL);
        g_autofree char *escaped = g_dbus_address_escape_value(path);
        g_autofree char *address = g_strdup_printf("unix:path=%s", escaped);
        GDBusConnection *conn;

        if (!g_file_test(path, G_FILE_TEST_EXISTS))
            continue;
        if ((conn = g_dbus_connection_new_for_address_sync(address, ways[i].flags, NULL, NULL,
                                                           NULL))) {
            *name = ways[i].name;
            return conn;
        }
    }
    g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND,
                _("no systemd user instance answers for this user (is XDG_RUNTIME_DIR set, "
                  "and does 'systemctl --user' work?)"));
    return NULL;
}

static GVariant *
vs_user_manager_call(const char *method, GVariant *args, const char *reply, guint timeout,
                     GError **error)
{
    g_autoptr(GVariant) sunk = args ? g_variant_ref_sink(args) : NULL;

    for (guint attempt = 1;; attempt++) {
        g_autoptr(GError) local = NULL;
        g_autoptr(GDBusConnection) conn = NULL;
        const char *name = NULL;
        GVariant *ret;

        if (!(conn = vs_user_manager_open(&name, error)))
            return NULL;
        if ((ret = g_dbus_connection_call_sync(conn, name, VS_SD_PATH, VS_SD_MANAGER, method,
                                               sunk, G_VARIANT_TYPE(reply),
                                               G_DBUS_CALL_FLAGS_NONE, timeout, NULL, &local)))
            return ret;
        if (attempt < VS_SD_ATTEMPTS && g_error_matches(local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            continue;
        g_dbus_error_strip_remote_error(local);
        g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND,
                    _("the systemd user instance refused %s for %s: %s"), method, VS_USER_UNIT,
                    local->message);
        return NULL;
    }
}

VsUserUnitState
vs_user_unit_state(GError **error)
{
    g_autoptr(GVariant) ret = vs_user_manager_call("GetUnitFileState",
                                                   g_variant_new("(s)", VS_USER_UNIT), "(s)",
                                                   VS_SD_TIMEOUT_MS, error);
    const char *state;

    if (!ret)
        return VS_USER_UNIT_UNKNOWN;
    g_variant_get(ret, "(&s)", &state);
    /* systemctl's is-enabled words: "enabled", "enabled-runtime", "linked",
     * "alias", ... are on; "disabled" is off; "masked" is the user's no. */
    if (g_str_equal(state, "disabled"))
        return VS_USER_UNIT_OFF;
    if (g_str_has_prefix(state, "enabled") || g_str_has_prefix(state, "linked"))
        return VS_USER_UNIT_ON;
    g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND, _("%s is %s for this user"),
                VS_USER_UNIT, state);
    return VS_USER_UNIT_UNKNOWN;
}

gboolean
vs_user_unit_enable(GError **error)
{
    const char *units[] = { VS_USER_UNIT, NULL };
    g_autoptr(GVariant) enabled = NULL;
    g_autoptr(GVariant) reloaded = NULL;
    g_autoptr(GVariant) started = NULL;

    /* As systemctl --user enable --now: link, reload, start (each of them
     * can be asked again). */
    return (enabled = vs_user_manager_call("EnableUnitFiles",
                                           g_variant_new("(^asbb)", units, FALSE, FALSE),
                                           "(ba(sss))", VS_SD_TIMEOUT_MS, error)) &&
           (reloaded = vs_user_manager_call("Reload", NULL, "()", VS_SD_RELOAD_TIMEOUT_MS,
                                            error)) &&
           (started = vs_user_manager_call("StartUnit",
                                           g_variant_new("(ss)", VS_USER_UNIT, "replace"),
                                           "(o)", VS_SD_TIMEOUT_MS, error));
}

gboolean
vs_user_unit_offer(const char *uri)
{
    g_autoptr(VsUriInfo) info = uri ? vs_uri_info_parse(uri, NULL) : NULL;
    g_autoptr(GError) error = NULL;
    VsUserUnitState state;

    if (!info || !info->session || info->remote)
        return FALSE;
    /* Why nothing is offered, for G_MESSAGES_DEBUG=all. */
    if ((state = vs_user_unit_state(&error)) == VS_USER_UNIT_UNKNOWN)
        g_debug("%s: %s", VS_USER_UNIT, error->message);
    return state == VS_USER_UNIT_OFF;
}
