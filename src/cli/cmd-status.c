/* cmd-status.c: virt-share status DOMAIN: definition vs running domain vs guest. */
#include <config.h>

#include <stdio.h>

#include "vs-cli.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-guest.h"
#include "vs-i18n.h"
#include "vs-status.h"

VS_CLI_COMMAND_DECLARE(status);

/* The options, filled by GOption from vs_status_options. */
static struct {
    gboolean json;
} opt;

const GOptionEntry vs_status_options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt.json, N_("Print JSON instead of text"), NULL },
    { NULL }
};

const char vs_status_description[] = N_(
    "For each share: is it in the persistent definition (config), attached to the\n"
    "running domain (live), mounted in the guest (asked through the guest agent),\n"
    "where and with which options. Drift shows as: pending restart (config only),\n"
    "attached but not mounted, mounted but removed from the definition.\n"
    "automount: whether 'virt-share watch' mounts the share at every guest boot\n"
    "(no after 'virt-share umount', until the next 'virt-share mount').");

gboolean
vs_cmd_status(int argc, char **argv, GError **error)
{
    g_autoptr(virConnect) conn = NULL;
    g_autoptr(VsDomainState) state = NULL;
    g_autoptr(GPtrArray) all = NULL;
    g_autofree char *agent_error = NULL;
    g_autoptr(VsGuestOs) os = NULL;

    if (!(state = vs_cli_load_domain(argv[0], &conn, error)))
        return FALSE;
    all = vs_status_collect(state, &agent_error);
    /* Only shown: a system that cannot be told is left out. */
    if (state->running && !agent_error)
        vs_agent_osinfo(state->dom, &os, NULL);

    if (opt.json) {
        vs_cli_json_status(state, all, agent_error, os);
        return TRUE;
    }
    printf(_("Domain %s: %s\n"), state->name, state->running ? _("running") : _("shut off"));
    if (agent_error)
        printf(_("Guest agent: %s\n"), agent_error);
    if (os && (os->name || os->id))
        printf(_("Guest system: %s%s%s%s\n"), os->name ? os->name : os->id,
               os->kernel_release ? " (" : "", os->kernel_release ? os->kernel_release : "",
               os->kernel_release ? ")" : "");
    if (vs_guest_os_kind(os) == VS_GUEST_OS_WINDOWS || vs_guest_os_kind(os) == VS_GUEST_OS_OTHER)
        printf(_("  virt-share mounts shares only in Linux guests.\n"));
    if (all->len == 0)
        printf(_("No shares.\n"));
    for (guint i = 0; i < all->len; i++) {
        VsShareStatus *st = g_ptr_array_index(all, i);
        printf("\n%s (%s, %s)\n", st->share->tag, vs_driver_to_string(st->share->driver),
               st->share->source);
        printf(_("  state:      %s\n"), vs_status_summary(st->device, st->guest));
        printf(_("  config:     %s\n"), (st->share->where & VS_WHERE_CONFIG) ? _("yes") : _("no"));
        printf(_("  live:       %s\n"), (st->share->where & VS_WHERE_LIVE) ? _("yes") : _("no"));
        if (st->guest == VS_GUEST_MOUNTED)
            printf(_("  mounted at: %s (%s)\n"), st->mount_point, st->mount_options);
        else if (st->share->target)
            printf(_("  target:     %s\n"), st->share->target);
        if (st->share->target)
            printf(_("  automount:  %s\n"),
                   st->share->no_automount ?
                   _("no (unmounted by 'virt-share umount')") :
                   _("yes (by 'virt-share watch' at every guest boot)"));
    }
    return TRUE;
}
