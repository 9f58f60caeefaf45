/* vs-cli-json.c: every --json document, in one place.
 *
 * The schema is a contract, documented in virt-share.pod (JSON OUTPUT) and
 * held to golden files by tests/test-json.c.  Only stable values go in:
 * names and paths, numbers, and enum names from the vs-enum tables; never
 * translated text, so the output is the same in every language.  Members
 * keep their order.  New members may be added; a member that changes meaning
 * or goes away bumps VS_JSON_VERSION. */
#include <config.h>

#include <stdio.h>

#include "vs-cli.h"
#include "vs-doctor.h"
#include "vs-guest.h"
#include "vs-harden.h"
#include "vs-status.h"

#define VS_JSON_VERSION 1

static void
vs_json_string(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    if (value)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}

static void
vs_json_bool(JsonBuilder *b, const char *name, gboolean value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_boolean_value(b, value);
}

static void
vs_json_int(JsonBuilder *b, const char *name, gint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, value);
}

static void
vs_json_strv(JsonBuilder *b, const char *name, const char *const *values)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_array(b);
    for (; values && *values; values++)
        json_builder_add_string_value(b, *values);
    json_builder_end_array(b);
}

/* Every document is an object that starts with its schema version. */
static JsonBuilder *
vs_json_begin(void)
{
    JsonBuilder *b = json_builder_new();

    json_builder_begin_object(b);
    vs_json_int(b, "version", VS_JSON_VERSION);
    return b;
}

static void
vs_json_print(JsonBuilder *b)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    json_builder_end_object(b);
    root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
    fflush(stdout);
}

/* The one share object of list, status and doctor.  @st is NULL when the
 * guest was not asked (list): the guest members are then null. */
static void
vs_json_share(JsonBuilder *b, const VsShare *s, const VsShareStatus *st)
{
    VsDeviceState device = st ? st->device
                              : vs_status_device(s->where, s->running, s->persistent);

    json_builder_begin_object(b);
    vs_json_string(b, "domain", s->domain);
    vs_json_string(b, "tag", s->tag);
    vs_json_string(b, "source", s->source);
    vs_json_string(b, "target", s->target);
    vs_json_string(b, "driver", vs_driver_to_string(s->driver));
    vs_json_string(b, "mode", vs_mode_to_string(s->mode));
    vs_json_bool(b, "readonly", s->readonly);
    vs_json_bool(b, "config", (s->where & VS_WHERE_CONFIG) != 0);
    vs_json_bool(b, "live", (s->where & VS_WHERE_LIVE) != 0);
    vs_json_string(b, "state", vs_device_state_to_string(device));
    vs_json_string(b, "guest", st ? vs_guest_state_to_string(st->guest) : NULL);
    vs_json_string(b, "mount_point", st ? st->mount_point : NULL);
    vs_json_string(b, "mount_options", st ? st->mount_options : NULL);
    /* Added after the others (members keep their order): null without a
     * recorded mount point, false when umount marked the record. */
    json_builder_set_member_name(b, "automount");
    if (s->target)
        json_builder_add_boolean_value(b, !s->no_automount);
    else
        json_builder_add_null_value(b);
    json_builder_end_object(b);
}

/* The guest's system as its agent tells it (guest text, sanitised by the
 * parser), or null when it cannot be told. */
static void
vs_json_guest_os(JsonBuilder *b, const VsGuestOs *os)
{
    json_builder_set_member_name(b, "guest_os");
    if (!os) {
        json_builder_add_null_value(b);
        return;
    }
    json_builder_begin_object(b);
    vs_json_string(b, "kind", vs_guest_os_kind_to_string(vs_guest_os_kind(os)));
    vs_json_string(b, "id", os->id);
    vs_json_string(b, "name", os->name);
    vs_json_string(b, "version_id", os->version_id);
    vs_json_string(b, "kernel_release", os->kernel_release);
    vs_json_string(b, "machine", os->machine);
    vs_json_string(b, "family", vs_guest_family_to_string(vs_guest_family(os->id, NULL)));
    json_builder_end_object(b);
}

void
vs_cli_json_list(GPtrArray *shares)
{
    g_autoptr(JsonBuilder) b = vs_json_begin();

    json_builder_set_member_name(b, "shares");
    json_builder_begin_array(b);
    for (guint i = 0; i < shares->len; i++)
        vs_json_share(b, g_ptr_array_index(shares, i), NULL);
    json_builder_end_array(b);
    vs_json_print(b);
}

void
vs_cli_json_status(const VsDomainState *state, GPtrArray *statuses, const char *agent_error,
                   const VsGuestOs *guest_os)
{
    g_autoptr(JsonBuilder) b = vs_json_begin();

    vs_json_string(b, "domain", state->name);
    vs_json_bool(b, "running", state->running);
    vs_json_bool(b, "persistent", state->persistent);
    vs_json_string(b, "agent", vs_agent_state_to_string(vs_status_agent(state->running,
                                                                        agent_error)));
    vs_json_guest_os(b, guest_os);
    json_builder_set_member_name(b, "shares");
    json_builder_begin_array(b);
    for (guint i = 0; i < statuses->len; i++) {
        const VsShareStatus *st = g_ptr_array_index(statuses, i);
        vs_json_share(b, st->share, st);
    }
    json_builder_end_array(b);
    vs_json_print(b);
}

static void
vs_json_identity(JsonBuilder *b, const VsIdentity *id)
{
    json_builder_set_member_name(b, "qemu");
    json_builder_begin_object(b);
    vs_json_string(b, "user", id->user);
    vs_json_string(b, "group", id->group);
    vs_json_int(b, "uid", id->uid);
    vs_json_int(b, "gid", id->gid);
    vs_json_string(b, "from", vs_identity_source_to_string(id->source));
    json_builder_end_object(b);
}

static void
vs_json_finding(JsonBuilder *b, const char *tag, const VsFinding *f)
{
    json_builder_begin_object(b);
    vs_json_string(b, "tag", tag);
    vs_json_string(b, "code", vs_finding_code_to_string(f->code));
    vs_json_string(b, "severity", vs_severity_to_string(f->severity));
    vs_json_string(b, "path", f->path);
    vs_json_string(b, "command", f->fix_command);
    vs_json_bool(b, "fixable", vs_doctor_fixable(f));
    /* For logs and scripts (cmd-doctor.c makes the report in English). */
    vs_json_string(b, "message_en", f->message);
    json_builder_end_object(b);
}

/* One object per finding, named by its share's tag; the host's findings
 * (/dev/kvm), then the domain's own (guest agent, domain not running)
 * first, with tag null. */
static void
vs_json_findings(JsonBuilder *b, const VsDoctorReport *r)
{
    json_builder_set_member_name(b, "findings");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->host_findings->len; i++)
        vs_json_finding(b, NULL, g_ptr_array_index(r->host_findings, i));
    for (guint i = 0; i < r->findings->len; i++)
        vs_json_finding(b, NULL, g_ptr_array_index(r->findings, i));
    for (guint i = 0; i < r->shares->len; i++) {
        const VsDoctorShare *ds = g_ptr_array_index(r->shares, i);
        for (guint j = 0; j < ds->findings->len; j++)
            vs_json_finding(b, ds->share->tag, g_ptr_array_index(ds->findings, j));
    }
    json_builder_end_array(b);
}

/* What --fix applied, read back from the ACLs. */
static void
vs_json_fixed(JsonBuilder *b, const VsDoctorReport *r)
{
    json_builder_set_member_name(b, "fixed");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->shares->len; i++) {
        const VsDoctorShare *ds = g_ptr_array_index(r->shares, i);
        for (guint j = 0; j < ds->fixed->len; j++) {
            const VsAclChange *c = g_ptr_array_index(ds->fixed, j);
            g_auto(GStrv) entries = vs_perm_acl_change_entries(c);
            g_autofree char *command = vs_perm_acl_change_command(c);
            json_builder_begin_object(b);
            vs_json_string(b, "tag", ds->share->tag);
            vs_json_string(b, "path", c->path);
            vs_json_strv(b, "entries", (const char *const *)entries);
            vs_json_string(b, "command", command);
            json_builder_end_object(b);
        }
        if (ds->protected_now) {
            /* No ACL entries: the folder was mounted again nosuid,nodev. */
            g_autofree char *command = vs_harden_fix_commands(ds->share->source);
            json_builder_begin_object(b);
            vs_json_string(b, "tag", ds->share->tag);
            vs_json_string(b, "path", ds->share->source);
            vs_json_strv(b, "entries", (const char *const[]){ NULL });
            vs_json_string(b, "command", command);
            json_builder_end_object(b);
        }
    }
    json_builder_end_array(b);
}

void
vs_cli_json_doctor(const VsDoctorReport *r)
{
    g_autoptr(JsonBuilder) b = vs_json_begin();
    g_auto(GStrv) models = r->security_models ? g_strsplit(r->security_models, ", ", -1)
                                              : NULL;

    vs_json_string(b, "domain", r->domain);
    vs_json_identity(b, &r->identity);
    vs_json_strv(b, "security_models", (const char *const *)models);
    vs_json_bool(b, "labels_may_deny", r->labels_may_deny);
    vs_json_bool(b, "dynamic_ownership", !r->dynamic_ownership_off);
    vs_json_string(b, "agent", vs_agent_state_to_string(r->agent));
    vs_json_bool(b, "guest_checked", r->guest_checked);
    vs_json_guest_os(b, r->guest_os);
    json_builder_set_member_name(b, "shares");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->shares->len; i++) {
        const VsDoctorShare *ds = g_ptr_array_index(r->shares, i);
        vs_json_share(b, ds->share, ds->status);
    }
    json_builder_end_array(b);
    vs_json_findings(b, r);
    vs_json_fixed(b, r);
    vs_json_int(b, "errors", r->errors);
    vs_json_int(b, "warnings", r->warnings);
    vs_json_print(b);
}

/* "changed" first after the domain: what a configuration tool asks. */
void
vs_cli_json_add(const VsAddJob *job, gboolean dry_run, gboolean restarted)
{
    g_autoptr(JsonBuilder) b = vs_json_begin();
    gboolean pending = job->unchanged
        ? vs_status_device(job->share->where, job->share->running, job->share->persistent) ==
              VS_DEVICE_PENDING_RESTART
        : job->plan.restart_needed && !restarted;

    vs_json_string(b, "domain", job->share->domain);
    vs_json_bool(b, "changed", !job->unchanged);
    vs_json_bool(b, "dry_run", dry_run);
    vs_json_bool(b, "restart_needed", pending);
    json_builder_set_member_name(b, "share");
    vs_json_share(b, job->share, NULL);
    vs_json_string(b, "device_xml", job->device_xml);
    vs_json_print(b);
}

void
vs_cli_json_remove(const char *domain, const VsRemoveJob *job)
{
    g_autoptr(JsonBuilder) b = vs_json_begin();

    vs_json_string(b, "domain", job ? job->share->domain : domain);
    vs_json_bool(b, "changed", job != NULL);
    vs_json_bool(b, "restart_needed", job && job->restart_needed);
    json_builder_set_member_name(b, "share");
    if (job)
        vs_json_share(b, job->share, NULL);
    else
        json_builder_add_null_value(b);
    vs_json_string(b, "device_xml", job ? job->device_xml : NULL);
    vs_json_print(b);
}
