/* bench-add.c: latency of "share a folder until it is usable in the guest":
 * virt-share's library path (plan, preflight, attach, metadata, mount) against
 * the bare sequence of the same hypervisor and agent calls (attach + guest-exec
 * mkdir + mount, polled), alternating in one process on the same domain.
 *
 *   bench-add URI DOMAIN HOST_DIR ROUNDS   -> one JSON object on stdout
 */
#include <config.h>

#include <json-glib/json-glib.h>
#include <libvirt/libvirt-qemu.h>
#include <stdio.h>
#include <stdlib.h>

#include "vs-agent.h"
#include "vs-conn.h"
#include "vs-defaults.h"
#include "vs-guest.h"
#include "vs-ops.h"
#include "vs-run.h"

#define TARGET "/mnt/bench-add"
#define TAG "bench-bare"

static double
now_s(void)
{
    return g_get_monotonic_time() / 1e6;
}

/* One agent command, bare: the request built with json-glib, no retries. */
static JsonNode *
bare_agent(virDomain *dom, JsonBuilder *b)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) req = json_builder_get_root(b);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autofree char *text = NULL;
    char *reply;
    JsonNode *ret = NULL;

    json_generator_set_root(gen, req);
    text = json_generator_to_data(gen, NULL);
    reply = virDomainQemuAgentCommand(dom, text, 10, 0);
    if (reply && json_parser_load_from_data(parser, reply, -1, NULL))
        ret = json_node_copy(json_object_get_member(json_node_get_object(
                  json_parser_get_root(parser)), "return"));
    free(reply);
    return ret;
}

static int
bare_exec(virDomain *dom, const char *const *argv)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) ret = NULL;
    gint64 pid;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "execute");
    json_builder_add_string_value(b, "guest-exec");
    json_builder_set_member_name(b, "arguments");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "path");
    json_builder_add_string_value(b, argv[0]);
    json_builder_set_member_name(b, "arg");
    json_builder_begin_array(b);
    for (int i = 1; argv[i]; i++)
        json_builder_add_string_value(b, argv[i]);
    json_builder_end_array(b);
    json_builder_end_object(b);
    json_builder_end_object(b);
    if (!(ret = bare_agent(dom, b)))
        return -1;
    pid = json_object_get_int_member(json_node_get_object(ret), "pid");
    for (;;) {
        g_autoptr(JsonBuilder) sb = json_builder_new();
        g_autoptr(JsonNode) st = NULL;
        JsonObject *o;

        json_builder_begin_object(sb);
        json_builder_set_member_name(sb, "execute");
        json_builder_add_string_value(sb, "guest-exec-status");
        json_builder_set_member_name(sb, "arguments");
        json_builder_begin_object(sb);
        json_builder_set_member_name(sb, "pid");
        json_builder_add_int_value(sb, pid);
        json_builder_end_object(sb);
        json_builder_end_object(sb);
        if (!(st = bare_agent(dom, sb)))
            return -1;
        o = json_node_get_object(st);
        if (json_object_get_boolean_member(o, "exited"))
            return json_object_has_member(o, "exitcode") ?
                (int)json_object_get_int_member(o, "exitcode") : -1;
        g_usleep(5000);
    }
}

static const char bare_xml_fmt[] =
    "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/>"
    "<source dir='%s'/><target dir='" TAG "'/></filesystem>";

/* attach live, mkdir, mount (retried until the device is probed). */
static double
bare_round(virDomain *dom, const char *dir)
{
    g_autofree char *xml = g_markup_printf_escaped(bare_xml_fmt, dir);
    const char *mkdir_argv[] = { "/bin/mkdir", "-p", TARGET, NULL };
    const char *mount_argv[] = { "/bin/mount", "-t", "virtiofs", TAG, TARGET, NULL };
    const char *umount_argv[] = { "/bin/umount", TARGET, NULL };
    double t0 = now_s(), t;

    if (virDomainAttachDeviceFlags(dom, xml, VIR_DOMAIN_AFFECT_LIVE) < 0)
        return -1;
    bare_exec(dom, mkdir_argv);
    while (bare_exec(dom, mount_argv) != 0)
        g_usleep(50000);
    t = now_s() - t0;
    bare_exec(dom, umount_argv);
    virDomainDetachDeviceFlags(dom, xml, VIR_DOMAIN_AFFECT_LIVE);
    return t;
}

static double
vs_round(virDomain *dom, const char *dir)
{
    g_autoptr(VsDomainState) state = NULL;
    g_autoptr(VsAddJob) job = NULL;
    g_autoptr(VsRemoveJob) rjob = NULL;
    VsAddOptions opts = { .source = dir, .target = TARGET, .driver = VS_DRIVER_VIRTIOFS };
    VsRunOptions ropts;
    g_autoptr(GError) error = NULL;
    double t0 = now_s(), t;

    vs_run_options_init(&ropts);
    if (!(state = vs_domain_state_load(dom, &error)) ||
        !(job = vs_ops_add_prepare(state, &opts, &error)) ||
        !vs_run_add(state, job, &ropts, &error)) {
        g_printerr("virt-share round failed: %s\n", error->message);
        return -1;
    }
    t = now_s() - t0;
    g_clear_pointer(&state, vs_domain_state_free);
    if ((state = vs_domain_state_load(dom, &error)) &&
        (rjob = vs_ops_remove_prepare(state, job->share->tag, &error)))
        vs_run_remove(state, rjob, &ropts, &error);
    return t;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main(int argc, char **argv)
{
    g_autoptr(virConnect) conn = NULL;
    g_autoptr(virDomain) dom = NULL;
    g_autoptr(GError) error = NULL;
    int rounds;
    double *bare, *vs;

    if (argc != 5) {
        g_printerr("usage: bench-add URI DOMAIN HOST_DIR ROUNDS\n");
        return 1;
    }
    rounds = atoi(argv[4]);
    bare = g_new0(double, rounds);
    vs = g_new0(double, rounds);
    if (!(conn = vs_connect(argv[1], &error)) || !(dom = vs_domain_lookup(conn, argv[2], &error))) {
        g_printerr("%s\n", error->message);
        return 1;
    }
    for (int i = 0; i < rounds; i++) {
        /* Alternate, so drift in the guest affects both alike. */
        if ((bare[i] = bare_round(dom, argv[3])) < 0 || (vs[i] = vs_round(dom, argv[3])) < 0) {
            g_printerr("round %d failed\n", i);
            return 1;
        }
    }
    printf("{\"rounds\": %d, \"bare_median_s\": %.4f, \"virt_share_median_s\": %.4f, "
           "\"ratio\": %.3f}\n", rounds, median(bare, rounds), median(vs, rounds),
           median(vs, rounds) / median(bare, rounds));
    g_free(bare);
    g_free(vs);
    return 0;
}
