/* cmd-doctor.c: virt-share doctor DOMAIN [HOST_DIR|TAG] [--fix] [--json] */
#include <config.h>

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "vs-cli.h"
#include "vs-conn.h"
#include "vs-defaults.h"
#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-identity.h"
#include "vs-perm.h"
#include "vs-status.h"
#include "vs-xml.h"

VS_CLI_COMMAND_DECLARE(doctor);

/* The options, filled by GOption from vs_doctor_options. */
static struct {
    gboolean fix;
    gboolean json;
} opt;

const GOptionEntry vs_doctor_options[] = {
    { "fix", 0, 0, G_OPTION_ARG_NONE, &opt.fix,
      N_("Apply the minimal fixes (ACL entries for QEMU's user), after printing them"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &opt.json, N_("Print JSON instead of text"), NULL },
    { NULL }
};

const char vs_doctor_description[] = N_(
    "Works out the user QEMU runs as for the domain (its DAC label, else qemu.conf,\n"
    "else libvirt's default), then checks for that user, as the kernel would: search\n"
    "permission on every parent directory, read and write on the folder (modes,\n"
    "groups and POSIX ACLs), what the access mode implies (passthrough needs root,\n"
    "mapped needs user xattrs), and in the guest whether the share is mounted and\n"
    "with which msize. Each finding comes with the command that fixes it; --fix\n"
    "adds ACL entries for that user (never chmod 777).\n"
    "\n"
    "Exit status 0: no problem found (or all fixed); 1: problems remain.");

/* Findings on the guest side, from the status of the share. */
static void
vs_guest_findings(VsDomainState *state, VsShareStatus *st, GPtrArray *findings)
{
    VsFinding *f = NULL;

    if (st->device == VS_DEVICE_PENDING_RESTART) {
        f = g_new0(VsFinding, 1);
        f->severity = VS_SEVERITY_WARNING;
        f->code = g_strdup("pending-restart");
        f->message = g_strdup(_("in the definition but not in the running domain: it appears "
                                "after a restart"));
        f->fix_command = g_strdup_printf("virt-share mount %s %s  # %s", state->name,
                                         st->share->tag, _("after restarting the domain"));
    } else if (st->guest == VS_GUEST_NOT_MOUNTED) {
        f = g_new0(VsFinding, 1);
        f->severity = VS_SEVERITY_WARNING;
        f->code = g_strdup("not-mounted");
        f->message = g_strdup(_("attached but not mounted in the guest"));
        f->fix_command = g_strdup_printf("virt-share mount %s %s", state->name, st->share->tag);
    } else if (st->guest == VS_GUEST_MOUNTED && st->share->driver == VS_DRIVER_9P) {
        const char *m = st->mount_options ? strstr(st->mount_options, "msize=") : NULL;
        guint64 msize = m ? g_ascii_strtoull(m + 6, NULL, 10) : 0;
        if (msize && msize < VS_9P_MSIZE) {
            f = g_new0(VsFinding, 1);
            f->severity = VS_SEVERITY_WARNING;
            f->code = g_strdup("small-msize");
            f->message = g_strdup_printf(_("mounted with msize=%lu: large reads and writes "
                                           "are slow (virt-share uses %d)"),
                                         (unsigned long)msize, VS_9P_MSIZE);
            f->fix_command = g_strdup_printf("virt-share umount %s %s && virt-share mount %s %s",
                                             state->name, st->share->tag, state->name,
                                             st->share->tag);
        }
    }
    if (f)
        g_ptr_array_add(findings, f);
}

static void
vs_print_findings(const VsShare *share, GPtrArray *findings)
{
    printf("\n%s (%s, %s, %s)\n", share->source, share->tag, vs_driver_to_string(share->driver),
           vs_mode_to_string(share->mode));
    for (guint i = 0; i < findings->len; i++) {
        VsFinding *f = g_ptr_array_index(findings, i);
        printf("  [%s] %s\n", vs_severity_to_string(f->severity), f->message);
        if (f->fix_command)
            printf(_("      fix: %s\n"), f->fix_command);
    }
}

static void
vs_json_findings(JsonBuilder *b, const VsShare *share, GPtrArray *findings)
{
    json_builder_begin_object(b);
    vs_cli_json_string(b, "tag", share->tag);
    vs_cli_json_string(b, "source", share->source);
    json_builder_set_member_name(b, "findings");
    json_builder_begin_array(b);
    for (guint i = 0; i < findings->len; i++) {
        VsFinding *f = g_ptr_array_index(findings, i);
        json_builder_begin_object(b);
        vs_cli_json_string(b, "severity", vs_severity_to_string(f->severity));
        vs_cli_json_string(b, "code", f->code);
        vs_cli_json_string(b, "message", f->message);
        vs_cli_json_string(b, "fix", f->fix_command);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}

/* What else decides access, as far as it can be seen: the security drivers
 * of the running domain (its <seclabel>s) and qemu.conf's dynamic_ownership. */
static void
vs_print_security(VsDomainState *state)
{
    g_autoptr(GPtrArray) labels = state->live_doc ?
        vs_xml_find(state->live_doc, NULL, "/domain/seclabel") : g_ptr_array_new();
    g_autoptr(GString) models = g_string_new(NULL);
    g_autofree char *conf = NULL;

    for (guint i = 0; i < labels->len; i++) {
        g_autofree char *model = vs_xml_prop(g_ptr_array_index(labels, i), "model");
        if (model)
            g_string_append_printf(models, "%s%s", models->len ? ", " : "", model);
    }
    if (models->len)
        printf(_("Security drivers in force: %s%s\n"), models->str,
               strstr(models->str, "selinux") || strstr(models->str, "apparmor") ?
               _(" (their labels can deny access even where the permissions allow it)") : "");
    if (g_file_get_contents("/etc/libvirt/qemu.conf", &conf, NULL, NULL) &&
        g_regex_match_simple("^\\s*dynamic_ownership\\s*=\\s*0", conf, G_REGEX_MULTILINE, 0))
        printf(_("dynamic_ownership = 0 in qemu.conf: libvirt does not relabel images.\n"));
    printf(_("libvirt never changes the owner or permissions of a shared folder: the checks "
             "below are what QEMU will meet.\n"));
}

static guint
vs_count_errors(GPtrArray *findings)
{
    guint n = 0;
    for (guint i = 0; i < findings->len; i++)
        n += ((VsFinding *)g_ptr_array_index(findings, i))->severity == VS_SEVERITY_ERROR;
    return n;
}

gboolean
vs_cmd_doctor(int argc, char **argv, GError **error)
{
    g_autoptr(virConnect) conn = NULL;
    g_autoptr(VsDomainState) state = NULL;
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *agent_error = NULL;
    g_autofree char *path = NULL;
    g_auto(VsIdentity) id = { 0 };
    guint errors = 0, matched = 0;

    if (argc > 1 && (strchr(argv[1], '/') || argv[1][0] == '.'))
        path = vs_cli_host_path(argv[1]);
    if (!(state = vs_cli_load_domain(argv[0], &conn, error)))
        return FALSE;
    if (!vs_identity_for_domain(state, NULL, &id, error))
        return FALSE;
    all = vs_status_collect(state, &agent_error);

    if (opt.json) {
        json_builder_begin_object(b);
        vs_cli_json_string(b, "domain", state->name);
        vs_cli_json_string(b, "qemu_user", id.user);
        vs_cli_json_string(b, "qemu_group", id.group);
        vs_cli_json_string(b, "identity_from", id.origin);
        json_builder_set_member_name(b, "shares");
        json_builder_begin_array(b);
    } else {
        printf(_("QEMU runs as %s:%s (from %s).\n"), id.user, id.group, id.origin);
        vs_print_security(state);
        if (agent_error)
            printf(_("Guest agent: %s\n"), agent_error);
    }

    for (guint i = 0; i < all->len; i++) {
        VsShareStatus *st = g_ptr_array_index(all, i);
        g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func((GDestroyNotify)vs_finding_free);

        if (argc > 1 && g_strcmp0(st->share->tag, argv[1]) != 0 &&
            g_strcmp0(st->share->source, path) != 0)
            continue;
        matched++;
        vs_perm_check(st->share, &id, findings);
        if (opt.fix && vs_count_errors(findings)) {
            for (guint j = 0; j < findings->len; j++) {
                VsFinding *f = g_ptr_array_index(findings, j);
                if (f->severity != VS_SEVERITY_ERROR || f->fix == VS_FIX_NONE)
                    continue;
                if (!opt.json)
                    printf(_("Fixing: %s\n"), f->fix_command);
                if (!vs_perm_fix(f, &id, error))
                    return FALSE;
            }
            /* Check again: the report shows what is left. */
            g_ptr_array_set_size(findings, 0);
            vs_perm_check(st->share, &id, findings);
        }
        vs_guest_findings(state, st, findings);
        errors += vs_count_errors(findings);
        if (opt.json)
            vs_json_findings(b, st->share, findings);
        else
            vs_print_findings(st->share, findings);
    }

    if (opt.json) {
        json_builder_end_array(b);
        json_builder_set_member_name(b, "errors");
        json_builder_add_int_value(b, errors);
        json_builder_end_object(b);
        vs_cli_json_print(b);
    }
    if (argc > 1 && matched == 0) {
        g_set_error(error, VS_ERROR, VS_ERROR_NOT_FOUND,
                    _("domain '%s' has no share with tag or host directory '%s'"), state->name,
                    argv[1]);
        return FALSE;
    }
    if (errors) {
        g_set_error(error, VS_ERROR, VS_ERROR_POLICY,
                    ngettext("%u problem found", "%u problems found", errors),
                    errors);
        return FALSE;
    }
    if (!opt.json)
        printf(_("\nNo problem found.\n"));
    return TRUE;
}
