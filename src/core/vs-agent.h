/* vs-agent.h: the QEMU guest agent protocol (JSON over virDomainQemuAgentCommand).
 *
 * The guest controls every byte of a reply: each one is checked (JSON object,
 * our request id, "return" of the expected shape and range) before use, and
 * everything read from the guest is bounded by the limits below. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libvirt/libvirt.h>

/* ---- Bounds on what a guest can make virt-share read (one place) ----
 * virt-share only ever reads small things from a guest: /proc/self/mounts,
 * /proc/filesystems, /etc/fstab, and the stderr of mkdir/mount/umount/mv.
 * A hostile agent can send endless or huge answers; these stop it long
 * before it costs the host memory (a 1 MiB file is ~10,000 fstab lines). */
#define VS_AGENT_MAX_REPLY (4 * 1024 * 1024)       /* bytes of one JSON reply */
#define VS_GUEST_FILE_MAX (1024 * 1024)            /* bytes of one guest file */
#define VS_GUEST_FILE_CHUNK 65536                  /* bytes asked per guest-file-read */
/* chunks per file: short reads are normal for /proc (one page at a time) */
#define VS_GUEST_FILE_MAX_CHUNKS 1024
#define VS_GUEST_FILE_MAX_MS 30000                 /* wall time to read one file */
#define VS_GUEST_EXEC_MAX_OUTPUT (1024 * 1024)     /* decoded bytes of stdout, of stderr */
#define VS_GUEST_EXEC_MAX_POLLS 2000               /* guest-exec-status calls per command */
#define VS_AGENT_MAX_COMMANDS 4096                 /* entries in guest-info */
#define VS_GUEST_OS_FIELD_MAX 256                  /* bytes of one guest-get-osinfo string */

/* Result of a program run in the guest with guest-exec. */
typedef struct {
    int exit_code;          /* -1 when killed by a signal */
    int signal;             /* the signal, or 0 */
    GBytes *out;            /* decoded stdout */
    GBytes *err;            /* decoded stderr */
} VsExecResult;

void vs_agent_exec_result_free(VsExecResult *res);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsExecResult, vs_agent_exec_result_free)

/* The guest's operating system as guest-get-osinfo tells it (os-release on
 * Linux, the registry on Windows).  Each member is NULL when the agent left
 * it out; every one is guest text already made printable (vs_text_sanitize),
 * so front ends show it as it is.  @id is an os-release ID: lower case,
 * [a-z0-9._-] only ("debian"; "mswindows" on Windows). */
typedef struct {
    char *id;
    char *name;             /* pretty-name, else name ("Debian GNU/Linux 12 (bookworm)") */
    char *version_id;       /* "12" */
    char *kernel_release;   /* "6.1.0-13-amd64"; on Windows the build number */
    char *machine;          /* "x86_64" */
} VsGuestOs;

void vs_agent_guest_os_free(VsGuestOs *os);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsGuestOs, vs_agent_guest_os_free)

/* Why talking to the agent failed, for callers that react differently
 * (e.g. "not connected yet" is worth waiting for).  The GError is always
 * VS_ERROR / VS_ERROR_AGENT with a clear text. */
typedef enum {
    VS_AGENT_FAULT_NONE,
    VS_AGENT_FAULT_NO_CHANNEL,      /* the domain has no agent channel */
    VS_AGENT_FAULT_UNRESPONSIVE,    /* agent not connected / not answering */
    VS_AGENT_FAULT_NOT_RUNNING,     /* domain not running */
    VS_AGENT_FAULT_FAILED,          /* the agent answered with an error */
    VS_AGENT_FAULT_DISABLED,        /* the command is disabled in the guest */
    VS_AGENT_FAULT_BAD_REPLY,       /* the reply broke the protocol or a bound */
} VsAgentFault;

/* How requests reach the agent: virDomainQemuAgentCommand by default.
 * Returns the raw reply text (g_free) or NULL with *@fault and @error set.
 * Tests replace it with a scripted agent. */
typedef char *(*VsAgentTransport)(virDomain *dom, const char *request, VsAgentFault *fault,
                                  GError **error);
void vs_agent_set_transport(VsAgentTransport transport);

/* One request, as libvirt's qemuAgentMakeCommand builds them: typed
 * "T:name", value pairs, NULL terminated:
 *   s: const char * (required)     S: const char * (left out when NULL)
 *   i: int        I: gint64        b: gboolean
 *   a: const char *const * (NULL-terminated string array)
 * e.g. vs_agent_make_command("guest-exec", "s:path", p, "a:arg", argv,
 *                            "b:capture-output", TRUE, NULL). */
JsonNode *vs_agent_make_command(const char *execute, ...) G_GNUC_NULL_TERMINATED;

/* Send @cmd (consumed) with a request id and return its checked "return"
 * member.  *@fault (may be NULL) tells what failed. */
JsonNode *vs_agent_command(virDomain *dom, JsonNode *cmd, VsAgentFault *fault,
                           GError **error);

/* ---- Reply checking, pure (tests/fuzz/fuzz-agent-reply.c) ---- */

/* @reply (raw text) to @execute sent with id @id: bounded, UTF-8, a JSON
 * object with our id (when it carries one) and a "return" member (an "error" member is the
 * agent's refusal).  Returns a copy of "return". */
JsonNode *vs_agent_check_reply(const char *execute, const char *id, const char *reply,
                               GError **error);
/* guest-info: the set of disabled command names. */
GHashTable *vs_agent_parse_disabled(JsonNode *ret, GError **error);
/* guest-exec: the pid. */
gboolean vs_agent_parse_exec_pid(JsonNode *ret, gint64 *pid, GError **error);
/* guest-exec-status: *@res is NULL while the program runs. */
gboolean vs_agent_parse_exec_status(JsonNode *ret, VsExecResult **res, GError **error);
/* guest-file-open: the handle. */
gboolean vs_agent_parse_handle(JsonNode *ret, gint64 *handle, GError **error);
/* guest-file-read: the decoded chunk (at most @max bytes) and eof. */
GBytes *vs_agent_parse_file_read(JsonNode *ret, gsize max, gboolean *eof, GError **error);
/* guest-file-write: the number of bytes written. */
gboolean vs_agent_parse_file_write(JsonNode *ret, gint64 *count, GError **error);
/* guest-get-osinfo: every member optional; one that is not a string, is
 * longer than VS_GUEST_OS_FIELD_MAX or (for "id") not an os-release ID
 * breaks the reply. */
VsGuestOs *vs_agent_parse_osinfo(JsonNode *ret, GError **error);

/* ---- Commands ---- */

/* guest-ping. */
gboolean vs_agent_ping(virDomain *dom, GError **error);

/* Ping with exponential back-off until the agent answers or @timeout_ms
 * passes.  Fails at once when the domain has no agent channel or is not
 * running. */
gboolean vs_agent_wait(virDomain *dom, guint timeout_ms, GError **error);

/* The commands the agent reports as disabled (guest-info), as a set. */
GHashTable *vs_agent_disabled_commands(virDomain *dom, GError **error);

/* The guest's operating system (guest-get-osinfo).  An agent that refuses
 * the command (older than qemu-ga 2.10, the command disabled, a system it
 * cannot tell) leaves it unknown: TRUE with *@os NULL.  Fails when the
 * agent does not answer or breaks the protocol. */
gboolean vs_agent_osinfo(virDomain *dom, VsGuestOs **os, GError **error);

/* Run @argv (argv[0] is looked up in PATH) in the guest with guest-exec and
 * wait for it with guest-exec-status, for at most @timeout_ms and
 * VS_GUEST_EXEC_MAX_POLLS polls.  The argv array is passed as it is: nothing
 * is ever interpreted by a shell. */
VsExecResult *vs_agent_exec(virDomain *dom, const char *const *argv, guint timeout_ms,
                            GError **error);

/* Run @argv and fail with VS_ERROR_GUEST (naming the command, its exit code
 * and its stderr, sanitised) unless it exits 0. */
gboolean vs_agent_exec_check(virDomain *dom, const char *const *argv, guint timeout_ms,
                             GError **error);

/* Read a whole (small) file in the guest with guest-file-open/read/close,
 * within the VS_GUEST_FILE_* bounds. */
GBytes *vs_agent_read_file(virDomain *dom, const char *path, GError **error);

/* Write @data to a file in the guest (guest-file-open @mode "w" or "a"),
 * checking that every byte was written. */
gboolean vs_agent_write_file(virDomain *dom, const char *path, GBytes *data, GError **error);
