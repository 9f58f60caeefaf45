/* vs-conn.c: libvirt connections and libvirt errors as GError. */
#include <config.h>

#include <stdlib.h>

#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-text.h"

void
vs_conn_close(virConnect *conn)
{
    if (conn)
        virConnectClose(conn);
}

static void
vs_libvirt_silent(void *opaque, virErrorPtr err)
{
    /* Errors are collected with virGetLastError() and reported once. */
}

void
vs_conn_init(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        virInitialize();
        virSetErrorFunc(NULL, vs_libvirt_silent);
        g_once_init_leave(&done, 1);
    }
}

int
vs_conn_last_error_code(void)
{
    virErrorPtr err = virGetLastError();

    return err ? err->code : VIR_ERR_OK;
}

void
vs_conn_set_error(GError **error, const char *context)
{
    virErrorPtr err = virGetLastError();
    const char *msg = err && err->message ? err->message : _("unknown libvirt error");
    VsErrorCode code = err && err->code == VIR_ERR_NO_DOMAIN ? VS_ERROR_DOMAIN_GONE
                                                               : VS_ERROR_LIBVIRT;
    /* libvirt's message may quote the guest (an agent's error reply): sanitised
     * and bounded as any guest text in an error. */
    g_autofree char *shown = vs_text_for_error(msg, -1);

    g_debug("libvirt: error %d: %s", err ? err->code : 0, shown);

    g_set_error(error, VS_ERROR, code, "%s: %s", context, shown);
}

virConnect *
vs_conn_open(const char *uri, GError **error)
{
    return vs_conn_open_full(uri, VS_CONNECT_DEFAULT, error);
}

virConnect *
vs_conn_open_full(const char *uri, VsConnectFlags flags, GError **error)
{
    virConnect *conn;

    vs_conn_init();
    g_debug("libvirt: virConnectOpenAuth(%s%s)", uri ? uri : "(default)",
            (flags & VS_CONNECT_READONLY) ? ", read-only" : "");
    conn = virConnectOpenAuth(uri, virConnectAuthPtrDefault,
                              (flags & VS_CONNECT_READONLY) ? VIR_CONNECT_RO : 0);
    if (!conn) {
        g_autofree char *ctx = g_strdup_printf(_("cannot connect to the hypervisor '%s'"),
                                               uri ? uri : _("(default)"));
        vs_conn_set_error(error, ctx);
    }
    return conn;
}
