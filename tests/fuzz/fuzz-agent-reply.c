/* fuzz-agent-reply.c: a guest agent reply (guest controlled, raw text as
 * libvirt hands it over) through the reply checker and every typed reply
 * parser.  Whatever a parser accepts must be within its bounds. */
#include <config.h>

#include "fuzz.h"
#include "vs-agent.h"
#include "vs-error.h"
#include "vs-guest.h"

/* Guest text kept: printable (no C0, DEL or C1 byte left raw) and bounded
 * (a field of VS_GUEST_OS_FIELD_MAX bytes, each escaped in at most 10). */
static void
check_shown(const char *s)
{
    if (!s)
        return;
    FUZZ_CHECK(g_utf8_validate(s, -1, NULL));
    FUZZ_CHECK(strlen(s) <= 10 * VS_GUEST_OS_FIELD_MAX);
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        FUZZ_CHECK(c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0));
    }
}

static void
check_osinfo(JsonNode *ret)
{
    g_autoptr(VsGuestOs) os = vs_agent_parse_osinfo(ret, NULL);
    g_autoptr(GError) refusal = NULL;

    if (!os)
        return;
    /* the ID that decides is os-release's shape, whatever was sent */
    FUZZ_CHECK(!os->id || (*os->id && strspn(os->id, "abcdefghijklmnopqrstuvwxyz0123456789._-") ==
                                      strlen(os->id)));
    check_shown(os->id);
    check_shown(os->name);
    check_shown(os->version_id);
    check_shown(os->kernel_release);
    check_shown(os->machine);
    /* a refusal is the guest system error, and as printable */
    if (!vs_guest_os_check(os, &refusal)) {
        FUZZ_CHECK(g_error_matches(refusal, VS_ERROR, VS_ERROR_GUEST_OS));
        FUZZ_CHECK(vs_guest_os_kind(os) == VS_GUEST_OS_WINDOWS ||
                   vs_guest_os_kind(os) == VS_GUEST_OS_OTHER);
    }
    FUZZ_CHECK(vs_guest_family_to_string(vs_guest_family(os->id, os->name)) != NULL);
}

static void
parse_all(JsonNode *ret)
{
    g_autoptr(GHashTable) disabled = vs_agent_parse_disabled(ret, NULL);
    g_autoptr(VsExecResult) res = NULL;
    g_autoptr(GBytes) chunk = NULL;
    gint64 n;
    gboolean eof;

    if (disabled)
        FUZZ_CHECK(g_hash_table_size(disabled) <= VS_AGENT_MAX_COMMANDS);
    if (vs_agent_parse_exec_pid(ret, &n, NULL))
        FUZZ_CHECK(n >= 0 && n <= G_MAXINT32);
    if (vs_agent_parse_exec_status(ret, &res, NULL) && res) {
        FUZZ_CHECK(res->out && g_bytes_get_size(res->out) <= VS_GUEST_EXEC_MAX_OUTPUT);
        FUZZ_CHECK(res->err && g_bytes_get_size(res->err) <= VS_GUEST_EXEC_MAX_OUTPUT);
    }
    if (vs_agent_parse_handle(ret, &n, NULL))
        FUZZ_CHECK(n >= 0);
    if ((chunk = vs_agent_parse_file_read(ret, 16, &eof, NULL)))
        FUZZ_CHECK(g_bytes_get_size(chunk) <= 16);
    if (vs_agent_parse_file_write(ret, &n, NULL))
        FUZZ_CHECK(n >= 0);
    check_osinfo(ret);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_text(data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) ret = vs_agent_check_reply("guest-fuzz", NULL, text, &error);
    g_autoptr(JsonNode) with_id = vs_agent_check_reply("guest-fuzz", "vs-1-1", text, NULL);

    /* every refusal says why, as an agent error */
    FUZZ_CHECK(ret || g_error_matches(error, VS_ERROR, VS_ERROR_AGENT));
    if (ret)
        parse_all(ret);
    return 0;
}
