/* cmd-doctor.c: virt-share doctor DOMAIN [HOST_DIR|TAG] [--fix] [--json] */
#include <config.h>

#include <locale.h>
#include <stdio.h>

#include "vs-cli.h"
#include "vs-conn.h"
#include "vs-error.h"
#include "vs-harden.h"
#include "vs-i18n.h"
#include "vs-doctor.h"
#include "vs-op.h"

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
    "with which msize; a folder the guest writes as root or QEMU's user whose\n"
    "mount allows setuid programs and device files (code setuid-unprotected).\n"
    "Each finding comes with the command that fixes it; --fix adds ACL entries\n"
    "for that user (never chmod 777) and mounts such a folder again nosuid,nodev.\n"
    "The guest side: the guest agent answers, the guest is Linux as far as the\n"
    "agent tells (else guest-os-unsupported), and it has none of the commands\n"
    "mounting needs disabled; on a domain that is not running it says what\n"
    "could not be checked.\n"
    "On this host's qemu:///system: a /dev/kvm that makes libvirt probe QEMU\n"
    "again on every capabilities lookup (never changed by --fix).\n"
    "\n"
    "Exit status 0: no problem found (or all fixed); 4: problems remain.");

static void
vs_print_finding(const VsFinding *f)
{
    printf("  [%s] %s\n", vs_severity_to_string(f->severity), f->message);
    if (f->fix_command)
        printf(_("      fix: %s\n"), f->fix_command);
}

static void
vs_print_share(const VsDoctorShare *ds)
{
    const VsShare *share = ds->share;

    for (guint i = 0; i < ds->fixed->len; i++) {
        g_autofree char *command = vs_perm_acl_change_command(g_ptr_array_index(ds->fixed, i));
        printf(_("Applied: %s\n"), command);
    }
    if (ds->protected_now) {
        g_autofree char *command = vs_harden_fix_commands(share->source);
        printf(_("Applied: %s\n"), command);
    }
    printf("\n%s (%s, %s, %s)\n", share->source, share->tag, vs_driver_to_string(share->driver),
           vs_mode_to_string(share->mode));
    for (guint i = 0; i < ds->findings->len; i++)
        vs_print_finding(g_ptr_array_index(ds->findings, i));
}

static void
vs_print_text(const VsDoctorReport *r)
{
    printf(_("QEMU runs as %s:%s (from %s).\n"), r->identity.user, r->identity.group,
           r->identity.origin);
    if (r->security_models)
        printf(_("Security drivers in force: %s%s\n"), r->security_models,
               r->labels_may_deny ?
               _(" (their labels can deny access even where the permissions allow it)") : "");
    if (r->dynamic_ownership_off)
        printf(_("dynamic_ownership = 0 in qemu.conf: libvirt does not relabel images.\n"));
    printf(_("libvirt never changes the owner or permissions of a shared folder: the checks "
             "below are what QEMU will meet.\n"));
    if (r->host_findings->len)
        printf(_("\nHost:\n"));
    for (guint i = 0; i < r->host_findings->len; i++)
        vs_print_finding(g_ptr_array_index(r->host_findings, i));
    if (r->findings->len)
        printf(_("\nGuest side:\n"));
    for (guint i = 0; i < r->findings->len; i++)
        vs_print_finding(g_ptr_array_index(r->findings, i));
    for (guint i = 0; i < r->shares->len; i++)
        vs_print_share(g_ptr_array_index(r->shares, i));
    if (vs_doctor_summary(r))
        printf("\n%s\n", vs_doctor_summary(r));
}

/* For --json the whole run is made with messages in English (gettext follows
 * the thread's locale), since JSON is the same in every language and a script
 * or a configuration tool shows the message beside the code.  From the start:
 * GLib keeps the first text g_strerror gives for an errno. */
static locale_t
vs_doctor_english_begin(locale_t *english)
{
    locale_t base = duplocale(LC_GLOBAL_LOCALE);

    *english = base ? newlocale(LC_MESSAGES_MASK, "C", base) : (locale_t)0;
    if (!*english) {
        if (base)
            freelocale(base);
        return (locale_t)0;
    }
    return uselocale(*english);
}

static gboolean
vs_doctor_cli_run(int argc, char **argv, VsDoctorReport **report_out, GError **error)
{
    g_autoptr(virConnect) conn = NULL;
    g_autoptr(VsConfig) config = NULL;
    VsDoctorOptions dopts = { .fix = opt.fix };

    /* --fix changes only what the host path policy allows.  Without --fix
     * the file only says whether setuid-shares=allow makes an unprotected
     * folder a warning: a broken file then counts as the built-in default. */
    if (!(config = vs_config_load(NULL, opt.fix ? error : NULL)) && opt.fix)
        return FALSE;
    dopts.config = config;
    if (!(conn = vs_cli_connect(error)))
        return FALSE;
    *report_out = vs_op_doctor(conn, argv[0], argc > 1 ? argv[1] : NULL, &dopts, error);
    return *report_out != NULL;
}

gboolean
vs_cmd_doctor(int argc, char **argv, GError **error)
{
    g_autoptr(VsDoctorReport) report = NULL;
    locale_t english = (locale_t)0;
    locale_t before = opt.json ? vs_doctor_english_begin(&english) : (locale_t)0;
    gboolean ok = vs_doctor_cli_run(argc, argv, &report, error);

    if (english) {
        uselocale(before);
        freelocale(english);
    }
    if (!ok)
        return FALSE;
    if (opt.json)
        vs_cli_json_doctor(report);
    else
        vs_print_text(report);
    if (report->errors) {
        g_set_error(error, VS_ERROR, VS_ERROR_PROBLEMS,
                    ngettext("%u problem found", "%u problems found", report->errors),
                    report->errors);
        return FALSE;
    }
    return TRUE;
}
