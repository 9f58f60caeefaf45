/* vs-user-unit.c: the user unit of the watcher, through the user's systemd
 * manager: org.freedesktop.systemd1.Manager on the manager's own socket
 * ($XDG_RUNTIME_DIR/systemd/private, as systemctl --user uses first), else
 * on the session bus. */
#include <config.h>

#include <gio/gio.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-uri.h"
#include "vs-user-unit.h"

#define VS_SD_NAME "org.freedesktop.systemd1"
#define VS_SD_PATH "/org/freedesktop/systemd1"
#define VS_SD_MANAGER "org.freedesktop.systemd1.Manager"
/* systemctl's own bound.  A user manager busy with a reload or with a
 * guest's cgroup answered after more than 5 s in the Debian 13 root under
 * load; a window asks from a thread, a command only after its work. */
#define VS_SD_TIMEOUT_MS 25000

typedef struct {
    GDBusConnection *conn;
    const char *name;       /* the bus name; NULL on the peer-to-peer socket */
} VsUserManager;

static void
vs_user_manager_clear(VsUserManager *m)
{
    g_clear_object(&m->conn);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(VsUserManager, vs_user_manager_clear)

/* Only sockets that exist are tried: GLib would otherwise autolaunch a
 * session bus for a command-line program. */
static gboolean
vs_user_manager_open(VsUserManager *m, GError **error)
{
    const char *runtime = g_getenv("XDG_RUNTIME_DIR");
    const char *bus = g_getenv("DBUS_SESSION_BUS_ADDRESS");
    g_autofree char *private = runtime ? g_build_filename(runtime, "systemd", "private", NULL) : NULL;
    g_autofree char *bus_path = runtime ? g_build_filename(runtime, "bus", NULL) : NULL;

    if (private && g_file_test(private, G_FILE_TEST_EXISTS)) {
        g_autofree char *escaped = g_dbus_address_escape_value(private);
        g_autofree char *address = g_strdup_printf("unix:path=%s", escaped);

        m->conn = g_dbus_connection_new_for_address_sync(
            address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL, NULL, NULL);
        m->name = NULL;
        if (m->conn)
            return TRUE;
    }
    if ((bus && *bus) || (bus_path && g_file_test(bus_path, G_FILE_TEST_EXISTS))) {
        g_autoptr(GError) local = NULL;

        if ((m->conn = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &local))) {
            m->name = VS_SD_NAME;
            return TRUE;
        }
    }
    g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND,
                _("no systemd user instance answers for this user (is XDG_RUNTIME_DIR set, "
                  "and does 'systemctl --user' work?)"));
    return FALSE;
}

static GVariant *
vs_user_manager_call(VsUserManager *m, const char *method, GVariant *args, const char *reply,
                     GError **error)
{
    g_autoptr(GError) local = NULL;
    GVariant *ret = g_dbus_connection_call_sync(m->conn, m->name, VS_SD_PATH, VS_SD_MANAGER,
                                                method, args, G_VARIANT_TYPE(reply),
                                                G_DBUS_CALL_FLAGS_NONE, VS_SD_TIMEOUT_MS,
                                                NULL, &local);

    if (!ret) {
        g_dbus_error_strip_remote_error(local);
        g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND,
                    _("the systemd user instance refused %s for %s: %s"), method, VS_USER_UNIT,
                    local->message);
    }
    return ret;
}

VsUserUnitState
vs_user_unit_state(GError **error)
{
    g_auto(VsUserManager) m = { 0 };
    g_autoptr(GVariant) ret = NULL;
    const char *state;

    if (!vs_user_manager_open(&m, error) ||
        !(ret = vs_user_manager_call(&m, "GetUnitFileState", g_variant_new("(s)", VS_USER_UNIT),
                                     "(s)", error)))
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
    g_auto(VsUserManager) m = { 0 };
    const char *units[] = { VS_USER_UNIT, NULL };
    g_autoptr(GVariant) enabled = NULL;
    g_autoptr(GVariant) reloaded = NULL;
    g_autoptr(GVariant) started = NULL;

    if (!vs_user_manager_open(&m, error))
        return FALSE;
    /* As systemctl --user enable --now: link, reload, start. */
    if (!(enabled = vs_user_manager_call(&m, "EnableUnitFiles",
                                         g_variant_new("(^asbb)", units, FALSE, FALSE),
                                         "(ba(sss))", error)) ||
        !(reloaded = vs_user_manager_call(&m, "Reload", NULL, "()", error)) ||
        !(started = vs_user_manager_call(&m, "StartUnit",
                                         g_variant_new("(ss)", VS_USER_UNIT, "replace"),
                                         "(o)", error)))
        return FALSE;
    return TRUE;
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
