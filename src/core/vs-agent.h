/* vs-agent.h: the QEMU guest agent protocol (JSON over virDomainQemuAgentCommand). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libvirt/libvirt.h>

/* Result of a program run in the guest with guest-exec. */
typedef struct {
    int exit_code;          /* -1 when killed by a signal */
    int signal;             /* the signal, or 0 */
    GBytes *out;            /* decoded stdout */
    GBytes *err;            /* decoded stderr */
} VsExecResult;

void vs_exec_result_free(VsExecResult *res);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsExecResult, vs_exec_result_free)

/* Send { "execute": @execute, "arguments": @args } (@args may be NULL; it is
 * consumed) and return the "return" member.  Errors are VS_ERROR_AGENT, with a
 * clear text for "no agent channel", "agent not connected", "domain not
 * running" and "command disabled". */
JsonNode *vs_agent_command(virDomain *dom, const char *execute, JsonNode *args,
                           GError **error);

/* guest-ping. */
gboolean vs_agent_ping(virDomain *dom, GError **error);

/* Ping with exponential back-off (from 20 ms) until the agent answers or
 * @timeout_ms passes.  Fails at once when the domain has no agent channel or
 * is not running. */
gboolean vs_agent_wait(virDomain *dom, guint timeout_ms, GError **error);

/* The commands the agent reports as disabled (guest-info), as a set. */
GHashTable *vs_agent_disabled_commands(virDomain *dom, GError **error);

/* Run @argv (argv[0] is looked up in PATH) in the guest with guest-exec and
 * wait for it with guest-exec-status, polling with exponential back-off from
 * 5 ms, for at most @timeout_ms.  The argv array is passed as it is: nothing
 * is ever interpreted by a shell. */
VsExecResult *vs_agent_exec(virDomain *dom, const char *const *argv, guint timeout_ms,
                            GError **error);

/* Run @argv and fail with VS_ERROR_GUEST (naming the command, its exit code
 * and its stderr) unless it exits 0. */
gboolean vs_agent_exec_check(virDomain *dom, const char *const *argv, guint timeout_ms,
                             GError **error);

/* Read a whole (small) file in the guest with guest-file-open/read/close.
 * A missing file is VS_ERROR_NOT_FOUND. */
GBytes *vs_agent_read_file(virDomain *dom, const char *path, GError **error);

/* Replace the contents of a (small) file in the guest (guest-file-open "w",
 * guest-file-write, guest-file-close). */
gboolean vs_agent_write_file(virDomain *dom, const char *path, GBytes *data, GError **error);
