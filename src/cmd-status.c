/* cmd-status.c: virt-share status DOMAIN: definition vs running domain vs guest. */
#include <config.h>

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "vs-cli.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-status.h"

static gboolean opt_json;

static const GOptionEntry status_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON instead of text"), NULL },
    { NULL }
};

static const char status_description[] = N_(
    "For each share: is it in the persistent definition (config), attached to the\n"
    "running domain (live), mounted in the guest (asked through the guest agent),\n"
    "where and with which options. Drift shows as: pending restart (config only),\n"
    "attached but not mounted, mounted but removed from the definition.");

static void
vs_status_json(VsDomainState *state, GPtrArray *all, const char *agent_error)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "domain");
    json_builder_add_string_value(b, state->name);
    json_builder_set_member_name(b, "running");
    json_builder_add_boolean_value(b, state->running);
    json_builder_set_member_name(b, "agent_error");
    if (agent_error)
        json_builder_add_string_value(b, agent_error);
    else
        json_builder_add_null_value(b);
    json_builder_set_member_name(b, "shares");
    json_builder_begin_array(b);
    for (guint i = 0; i < all->len; i++) {
        VsShareStatus *st = g_ptr_array_index(all, i);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "tag");
        json_builder_add_string_value(b, st->share->tag);
        json_builder_set_member_name(b, "source");
        json_builder_add_string_value(b, st->share->source);
        json_builder_set_member_name(b, "driver");
        json_builder_add_string_value(b, vs_driver_to_string(st->share->driver));
        json_builder_set_member_name(b, "config");
        json_builder_add_boolean_value(b, (st->share->where & VS_WHERE_CONFIG) != 0);
        json_builder_set_member_name(b, "live");
        json_builder_add_boolean_value(b, (st->share->where & VS_WHERE_LIVE) != 0);
        json_builder_set_member_name(b, "device");
        json_builder_add_string_value(b, vs_device_state_to_string(st->device));
        json_builder_set_member_name(b, "guest");
        json_builder_add_string_value(b, vs_guest_state_to_string(st->guest));
        json_builder_set_member_name(b, "target");
        if (st->share->target)
            json_builder_add_string_value(b, st->share->target);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "mount_point");
        if (st->mount_point)
            json_builder_add_string_value(b, st->mount_point);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "mount_options");
        if (st->mount_options)
            json_builder_add_string_value(b, st->mount_options);
        else
            json_builder_add_null_value(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

gboolean
vs_cmd_status(const VsCommand *self, int argc, char **argv, GError **error)
{
    g_autoptr(virConnect) conn = NULL;
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(VsDomainState) state = NULL;
    g_autoptr(GPtrArray) all = NULL;
    g_autofree char *agent_error = NULL;

    if (!vs_cli_parse(self, _(status_description), status_entries, 1, 1, &argc, &argv, error))
        return FALSE;
    if (!(conn = vs_cli_connect(error)) || !(dom = vs_domain_lookup(conn, argv[1], error)))
        return FALSE;
    if (!(state = vs_domain_state_load(dom, error)))
        return FALSE;
    all = vs_status_collect(state, &agent_error);

    if (opt_json) {
        vs_status_json(state, all, agent_error);
        return TRUE;
    }
    printf(_("Domain %s: %s\n"), state->name, state->running ? _("running") : _("shut off"));
    if (agent_error)
        printf(_("Guest agent: %s\n"), agent_error);
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
    }
    return TRUE;
}
