/* cmd-list.c: virt-share list [DOMAIN] */
#include <config.h>

#include <stdio.h>

#include "vs-cli.h"
#include "vs-domain.h"
#include "vs-op.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-add.h"
#include "vs-status.h"

VS_CLI_COMMAND_DECLARE(list);

/* The options, filled by GOption from vs_list_options. */
static struct {
    gboolean json;
} opt;

const GOptionEntry vs_list_options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt.json, N_("Print JSON instead of a table"), NULL },
    { NULL }
};

const char vs_list_description[] = N_(
    "Columns: DOMAIN, TAG (the mount tag), DRIVER (9p or virtiofs), MODE\n"
    "(passthrough, mapped, squash), RO (read-only), STATE, SOURCE (host directory),\n"
    "TARGET (mount point in the guest, '-' when none is recorded) and AUTOMOUNT\n"
    "(yes: 'virt-share watch' mounts it at every guest boot; no: unmounted with\n"
    "'virt-share umount', left alone until 'virt-share mount'; '-': no mount point).\n"
    "STATE: attached (in the definition and the running domain), defined (domain\n"
    "shut off), pending-restart (in the definition only: restart the domain),\n"
    "pending-stop (removed from the definition, attached until the domain stops).\n"
    "'virt-share status DOMAIN' also shows whether each share is mounted.");

/* The shares of @state (NULL: a failed read, *@error set) into @all. */
static gboolean
vs_collect(VsDomainState *state, GPtrArray *all)
{
    g_autoptr(GPtrArray) shares = NULL;

    if (!state)
        return FALSE;
    shares = vs_domain_state_shares(state);
    for (guint i = 0; i < shares->len; i++)
        g_ptr_array_add(all, g_steal_pointer(&shares->pdata[i]));
    return TRUE;
}

static const char *
vs_share_state_name(const VsShare *s)
{
    return vs_device_state_to_string(vs_status_device(s->where, s->running, s->persistent));
}

static void
vs_print_table(GPtrArray *all)
{
    const char *head[] = { _("DOMAIN"), _("TAG"), _("DRIVER"), _("MODE"), _("RO"), _("STATE"),
                           _("SOURCE"), _("TARGET"), _("AUTOMOUNT") };
    enum { NCOL = G_N_ELEMENTS(head) };
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    glong width[NCOL] = { 0 };

    g_ptr_array_add(rows, g_strdupv((char **)(const char *[]){ head[0], head[1], head[2],
                    head[3], head[4], head[5], head[6], head[7], head[8], NULL }));
    for (guint i = 0; i < all->len; i++) {
        VsShare *s = g_ptr_array_index(all, i);
        const char *row[] = { s->domain, s->tag, vs_driver_to_string(s->driver),
                              vs_mode_to_string(s->mode), s->readonly ? _("yes") : _("no"),
                              vs_share_state_name(s),
                              s->source,
                              s->target ? s->target : "-",
                              !s->target ? "-" : s->no_automount ? _("no") : _("yes"), NULL };
        g_ptr_array_add(rows, g_strdupv((char **)row));
    }
    for (guint r = 0; r < rows->len; r++) {
        char **row = g_ptr_array_index(rows, r);
        for (guint c = 0; c < NCOL; c++)
            width[c] = MAX(width[c], g_utf8_strlen(row[c], -1));
    }
    for (guint r = 0; r < rows->len; r++) {
        char **row = g_ptr_array_index(rows, r);
        g_autoptr(GString) line = g_string_new(NULL);
        for (guint c = 0; c < NCOL; c++) {
            g_string_append(line, row[c]);
            if (c + 1 < NCOL)
                for (glong pad = g_utf8_strlen(row[c], -1); pad < width[c] + 2; pad++)
                    g_string_append_c(line, ' ');
        }
        printf("%s\n", line->str);
    }
}

gboolean
vs_cmd_list(int argc, char **argv, GError **error)
{
    g_autoptr(virConnect) conn = NULL;
    g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func((GDestroyNotify)vs_share_free);

    if (!(conn = vs_cli_connect(error)))
        return FALSE;

    if (argc == 1) {
        g_autoptr(VsDomainState) state = vs_op_load(conn, argv[0], NULL, 0, error);
        if (!vs_collect(state, all))
            return FALSE;
    } else {
        g_autoptr(GPtrArray) doms = vs_domain_list(conn, 0, error);

        if (!doms)
            return FALSE;
        for (guint i = 0; i < doms->len; i++) {
            virDomain *dom = g_ptr_array_index(doms, i);
            g_autoptr(GError) dom_error = NULL;
            /* A domain that vanished meanwhile is skipped, not an error. */
            g_autoptr(VsDomainState) state = vs_domain_state_load(dom, &dom_error);

            if (!vs_collect(state, all) &&
                !g_error_matches(dom_error, VS_ERROR, VS_ERROR_DOMAIN_GONE))
                g_printerr(_("virt-share: warning: %s: %s\n"), virDomainGetName(dom),
                           dom_error->message);
        }
    }

    if (opt.json)
        vs_cli_json_list(all);
    else if (all->len == 0)
        vs_cli_say(_("No shares."));
    else
        vs_print_table(all);
    return TRUE;
}
