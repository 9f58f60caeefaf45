/* cmd-complete.c: virt-share __complete WHAT [DOMAIN]: words for shell completion.
 * Hidden from --help; called by plugin/virt-share.bash-completion so that
 * domain names and tags come from the libvirt API, not from parsing virsh. */
#include <config.h>

#include <stdio.h>

#include "vs-cli.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-ops.h"

static gboolean
vs_complete_domains(virConnect *conn, GError **error)
{
    g_autoptr(GPtrArray) doms = vs_domain_list(conn, 0, error);

    if (!doms)
        return FALSE;
    for (guint i = 0; i < doms->len; i++)
        printf("%s\n", virDomainGetName(g_ptr_array_index(doms, i)));
    return TRUE;
}

static gboolean
vs_complete_tags(virConnect *conn, const char *name, GError **error)
{
    g_autoptr(virDomain) dom = vs_domain_lookup(conn, name, error);
    g_autoptr(VsDomainState) state = NULL;
    g_autoptr(GPtrArray) shares = NULL;

    if (!dom || !(state = vs_domain_state_load(dom, error)))
        return FALSE;
    shares = vs_domain_state_shares(state);
    for (guint i = 0; i < shares->len; i++) {
        VsShare *share = g_ptr_array_index(shares, i);
        printf("%s\n", share->tag);
    }
    return TRUE;
}

gboolean
vs_cmd_complete(const VsCommand *self, int argc, char **argv, GError **error)
{
    g_autoptr(virConnect) conn = NULL;

    if (!vs_cli_parse(self, NULL, NULL, 1, 2, &argc, &argv, error))
        return FALSE;
    if (!(conn = vs_cli_connect(error)))
        return FALSE;
    if (g_str_equal(argv[1], "domains"))
        return vs_complete_domains(conn, error);
    if (g_str_equal(argv[1], "tags") && argc == 3)
        return vs_complete_tags(conn, argv[2], error);
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                _("usage: virt-share __complete domains|tags DOMAIN"));
    return FALSE;
}
