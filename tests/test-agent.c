/* test-agent.c: the guest agent layer against a scripted, hostile agent
 * (vs_agent_set_transport): request building, reply checking, bounds, and
 * guest text sanitising. */
#include <config.h>

#include "vs-test-util.h"

#include "vs-agent.h"
#include "vs-conn.h"
#include "vs-guest.h"
#include "vs-run.h"
#include "vs-text.h"
#include "vs-watch.h"
#include "vs-xml.h"

/* ---- the scripted agent ---- */

/* Answer to one request: a "return" JSON text (wrapped with the request's
 * id), or a whole raw reply when it starts with '!'. */
typedef char *(*AgentScript)(const char *execute, JsonObject *args);
static AgentScript script;
static guint calls;
static char *last_request;

static char *
fake_transport(virDomain *dom, const char *request, VsAgentFault *fault, GError **error)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_autofree char *ret = NULL;
    JsonObject *req;
    const char *id;

    calls++;
    g_free(last_request);
    last_request = g_strdup(request);
    assert_true(json_parser_load_from_data(p, request, -1, NULL));
    req = json_node_get_object(json_parser_get_root(p));
    id = json_object_get_string_member(req, "id");
    ret = script(json_object_get_string_member(req, "execute"),
                 json_object_has_member(req, "arguments") ?
                 json_object_get_object_member(req, "arguments") : NULL);
    if (ret[0] == '!')
        return g_strdup(ret + 1);
    return g_strdup_printf("{\"return\": %s, \"id\": \"%s\"}", ret, id);
}

static int
setup(void **state)
{
    vs_agent_set_transport(fake_transport);
    calls = 0;
    return 0;
}

static int
teardown(void **state)
{
    vs_agent_set_transport(NULL);
    g_clear_pointer(&last_request, g_free);
    return 0;
}

#define CHECK_AGENT_ERROR(err) vs_test_check_error((err), VS_ERROR_AGENT, __FILE__, __LINE__)

/* ---- request building ---- */

static void
test_make_command(void **state)
{
    const char *argv[] = { "a", "é", NULL };
    g_autoptr(JsonNode) cmd = vs_agent_make_command("guest-exec", "s:path", "/bin/x",
                                                    "S:input-data", NULL, "a:arg", argv,
                                                    "b:capture-output", TRUE, "I:n",
                                                    (gint64)G_MAXINT64, NULL);
    g_autofree char *text = json_to_string(cmd, FALSE);

    assert_string_equal(text, "{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"/bin/x\","
                        "\"arg\":[\"a\",\"é\"],\"capture-output\":true,"
                        "\"n\":9223372036854775807}}");
}

static char *
script_ping(const char *execute, JsonObject *args)
{
    return g_strdup("{}");
}

static void
test_request_is_ascii_with_id(void **state)
{
    const char *argv[] = { "mkdir", "-p", "--", "/mnt/plain é", NULL };

    script = script_ping;
    assert_true(vs_agent_ping(NULL, NULL));
    assert_non_null(strstr(last_request, "\"id\":\"vs-"));
    /* exec: non-ASCII goes out as \u escapes (libvirt 11.3 refuses raw UTF-8) */
    vs_agent_exec(NULL, argv, 1000, NULL);
    assert_non_null(strstr(last_request, "/mnt/plain \\u00e9"));
    for (const char *p = last_request; *p; p++)
        assert_true((unsigned char)*p < 0x80);
}

/* ---- replies that break the protocol ---- */

static char *raw_reply;

static char *
script_raw(const char *execute, JsonObject *args)
{
    return g_strdup(raw_reply);
}

static void
expect_bad_reply(const char *reply)
{
    g_autoptr(GError) err = NULL;

    script = script_raw;
    raw_reply = (char *)reply;
    assert_false(vs_agent_ping(NULL, &err));
    CHECK_AGENT_ERROR(err);
}

static void
test_bad_replies(void **state)
{
    expect_bad_reply("!not json");
    expect_bad_reply("![1, 2]");
    expect_bad_reply("!\"return\"");
    expect_bad_reply("!{\"return\": {}, \"id\": \"vs-0-0\"}");  /* another request's id */
    expect_bad_reply("!{\"return\": {}, \"id\": 7}");
    expect_bad_reply("!{\"id\": \"x\"}");
    expect_bad_reply("!{\"return\": \"\xc0\xae\"}");            /* not UTF-8 */
    expect_bad_reply("![[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
}

/* A real guest-info lists ~100 commands, each an object in one array: wide,
 * not deep, and must pass the depth bound. */
static char *
script_wide(const char *execute, JsonObject *args)
{
    g_autoptr(GString) r = g_string_new("{\"version\": \"7.2\", \"supported_commands\": [");

    for (guint i = 0; i < 200; i++)
        g_string_append_printf(r, "%s{\"name\": \"guest-c%u\", \"enabled\": true, "
                               "\"success-response\": true}", i ? ", " : "", i);
    g_string_append(r, "]}");
    return g_string_free(g_steal_pointer(&r), FALSE);
}

static void
test_wide_reply_accepted(void **state)
{
    g_autoptr(GError) err = NULL;

    script = script_wide;
    assert_true(vs_agent_ping(NULL, &err));
    assert_no_gerror(err);
}

static void
test_reply_checker(void **state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) ok = vs_agent_check_reply("guest-ping", "i1",
                                                  "{\"return\": {}, \"id\": \"i1\"}", NULL);
    g_autoptr(JsonNode) refused = NULL;
    g_autoptr(JsonNode) noid = NULL;

    assert_non_null(ok);
    /* an agent that does not echo ids is accepted; a wrong id is not */
    noid = vs_agent_check_reply("guest-ping", "i1", "{\"return\": {}}", NULL);
    assert_non_null(noid);
    refused = vs_agent_check_reply("guest-exec", "i1",
                                   "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                                   "\"no\\u001b[31m\"}, \"id\": \"i1\"}", &err);
    assert_null(refused);
    CHECK_AGENT_ERROR(err);
    assert_null(strchr(err->message, '\x1b'));
}

/* Item 2: a disabled command without a name crashed add, mount and watch. */
static char *
script_nameless(const char *execute, JsonObject *args)
{
    return g_strdup("{\"version\": \"7.2\", \"supported_commands\": [{\"enabled\": false}, "
                    "{\"name\": \"guest-exec\", \"enabled\": true}]}");
}

static void
test_nameless_disabled_command(void **state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GHashTable) disabled = NULL;

    script = script_nameless;
    disabled = vs_agent_disabled_commands(NULL, &err);
    assert_null(disabled);
    CHECK_AGENT_ERROR(err);
}

static char *
script_guest_info_shapes(const char *execute, JsonObject *args)
{
    return g_strdup(raw_reply);
}

static void
test_guest_info_shapes(void **state)
{
    const char *bad[] = {
        "[]", "{}", "{\"supported_commands\": 5}", "{\"supported_commands\": [7]}",
        "{\"supported_commands\": [{\"name\": 5, \"enabled\": false}]}",
        "{\"supported_commands\": [{\"name\": \"x\", \"enabled\": \"no\"}]}",
    };
    g_autoptr(GHashTable) good = NULL;

    script = script_guest_info_shapes;
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(GHashTable) disabled = NULL;

        raw_reply = (char *)bad[i];
        disabled = vs_agent_disabled_commands(NULL, &err);
        assert_null(disabled);
        CHECK_AGENT_ERROR(err);
    }
    raw_reply = "{\"supported_commands\": [{\"name\": \"guest-exec\", \"enabled\": false}]}";
    good = vs_agent_disabled_commands(NULL, NULL);
    assert_non_null(good);
    assert_true(g_hash_table_contains(good, "guest-exec"));
}

/* Item 2: a guest-file-read reply that is no object failed without an error,
 * and every caller dereferenced the missing GError. */
static char *chunk_reply;

static char *
script_file(const char *execute, JsonObject *args)
{
    if (g_str_equal(execute, "guest-file-open"))
        return g_strdup("1000");
    if (g_str_equal(execute, "guest-file-read"))
        return g_strdup(chunk_reply);
    return g_strdup("{}");
}

static void
expect_read_error(const char *reply)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GBytes) data = NULL;

    script = script_file;
    chunk_reply = (char *)reply;
    calls = 0;
    data = vs_agent_read_file(NULL, "/proc/self/mounts", &err);
    assert_null(data);
    CHECK_AGENT_ERROR(err);
}

static void
test_file_read_shapes(void **state)
{
    g_autoptr(GBytes) data = NULL;

    expect_read_error("[]");
    expect_read_error("\"x\"");
    expect_read_error("{\"count\": 1, \"eof\": true}");
    expect_read_error("{\"count\": 3, \"buf-b64\": \"YQ==\", \"eof\": true}");   /* count lies */
    expect_read_error("{\"count\": 1, \"buf-b64\": \"Y!==\", \"eof\": true}");
    expect_read_error("{\"count\": 1e300, \"buf-b64\": \"YQ==\", \"eof\": true}");
    expect_read_error("{\"count\": 99999999999999999999999, \"buf-b64\": \"\", \"eof\": true}");
    expect_read_error("{\"count\": -1, \"buf-b64\": \"\", \"eof\": true}");
    chunk_reply = "{\"count\": 1, \"buf-b64\": \"YQ==\", \"eof\": true}";
    data = vs_agent_read_file(NULL, "/x", NULL);
    assert_non_null(data);
    assert_int_equal(g_bytes_get_size(data), 1);
}

/* Item 3: a guest that never reports EOF grew the host by 256 MiB in 3.6 s. */
static char *
script_endless(const char *execute, JsonObject *args)
{
    static char *big;
    if (!g_str_equal(execute, "guest-file-read"))
        return script_file(execute, args);
    if (!big) {
        g_autofree guchar *zeros = g_malloc0(VS_GUEST_FILE_CHUNK);
        g_autofree char *b64 = g_base64_encode(zeros, VS_GUEST_FILE_CHUNK);
        big = g_strdup_printf("{\"count\": %d, \"buf-b64\": \"%s\", \"eof\": false}",
                              VS_GUEST_FILE_CHUNK, b64);
    }
    assert_true(json_object_get_int_member(args, "count") > 0);
    return g_strdup(big);
}

static char *
script_trickle(const char *execute, JsonObject *args)
{
    if (g_str_equal(execute, "guest-file-read"))
        return g_strdup("{\"count\": 1, \"buf-b64\": \"YQ==\", \"eof\": false}");
    return script_file(execute, args);
}

static void
test_endless_reads_are_bounded(void **state)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) err2 = NULL;
    g_autoptr(GBytes) data = NULL;
    g_autoptr(GBytes) data2 = NULL;

    script = script_endless;
    calls = 0;
    data = vs_agent_read_file(NULL, "/etc/fstab", &err);
    assert_null(data);
    CHECK_AGENT_ERROR(err);
    /* open + reads up to the size bound + close */
    assert_true(calls <= VS_GUEST_FILE_MAX / VS_GUEST_FILE_CHUNK + 3);

    script = script_trickle;
    calls = 0;
    data2 = vs_agent_read_file(NULL, "/etc/fstab", &err2);
    assert_null(data2);
    CHECK_AGENT_ERROR(err2);
    assert_true(calls <= VS_GUEST_FILE_MAX_CHUNKS + 2);
}

/* Item 3: guest-exec output is bounded before it is decoded. */
static char *exec_status;

static char *
script_exec(const char *execute, JsonObject *args)
{
    if (g_str_equal(execute, "guest-exec"))
        return g_strdup("{\"pid\": 42}");
    if (g_str_equal(execute, "guest-exec-status"))
        return g_strdup(exec_status);
    return g_strdup("{}");
}

static void
test_exec_output_bounded(void **state)
{
    const char *argv[] = { "mount", NULL };
    gsize n = VS_GUEST_EXEC_MAX_OUTPUT + 3;
    g_autofree guchar *zeros = g_malloc0(n);
    g_autofree char *b64 = g_base64_encode(zeros, n);
    g_autoptr(GError) err = NULL;
    g_autoptr(VsExecResult) res = NULL;

    script = script_exec;
    exec_status = g_strdup_printf("{\"exited\": true, \"exitcode\": 0, \"out-data\": \"%s\"}",
                                  b64);
    res = vs_agent_exec(NULL, argv, 1000, &err);
    g_free(exec_status);
    assert_null(res);
    CHECK_AGENT_ERROR(err);
}

static void
test_exec_status_shapes(void **state)
{
    const char *argv[] = { "mount", NULL };
    const char *bad[] = {
        "[]", "{}", "{\"exited\": 1}", "{\"exited\": true, \"exitcode\": 1e99}",
        "{\"exited\": true, \"exitcode\": 99999999999}",
        "{\"exited\": true, \"signal\": -4}",
        "{\"exited\": true, \"err-data\": 5}",
    };

    script = script_exec;
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VsExecResult) res = NULL;

        exec_status = (char *)bad[i];
        res = vs_agent_exec(NULL, argv, 1000, &err);
        assert_null(res);
        CHECK_AGENT_ERROR(err);
    }
}

static char *
script_exec_pid(const char *execute, JsonObject *args)
{
    return g_strdup(raw_reply);
}

static void
test_exec_pid_shapes(void **state)
{
    const char *argv[] = { "mount", NULL };
    const char *bad[] = { "[]", "{}", "{\"pid\": \"1\"}", "{\"pid\": 1.5}",
                          "{\"pid\": 18446744073709551616}", "{\"pid\": -1}" };

    script = script_exec_pid;
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VsExecResult) res = NULL;

        raw_reply = (char *)bad[i];
        res = vs_agent_exec(NULL, argv, 1000, &err);
        assert_null(res);
        CHECK_AGENT_ERROR(err);
    }
}

/* Item 9: the stderr of a guest command reaches the terminal escaped. */
static void
test_exec_stderr_sanitised(void **state)
{
    const char *argv[] = { "mount", "--", "t", "/mnt/x", NULL };
    /* "\e]0;pwned\a\e[2J" + invalid UTF-8 + U+202E (bidi override) */
    const guchar evil[] = "\x1b]0;pwned\x07\x1b[2J\xff\xe2\x80\xae!\n";
    g_autofree char *b64 = g_base64_encode(evil, sizeof(evil) - 1);
    g_autoptr(GError) err = NULL;

    script = script_exec;
    exec_status = g_strdup_printf("{\"exited\": true, \"exitcode\": 32, \"err-data\": \"%s\"}",
                                  b64);
    assert_false(vs_agent_exec_check(NULL, argv, 1000, &err));
    g_free(exec_status);
    vs_test_check_error(err, VS_ERROR_GUEST, __FILE__, __LINE__);
    assert_null(strchr(err->message, '\x1b'));
    assert_null(strchr(err->message, '\x07'));
    assert_null(strstr(err->message, "\xe2\x80\xae"));
    assert_true(g_utf8_validate(err->message, -1, NULL));
    assert_non_null(strstr(err->message, "\\x1b]0;pwned\\x07\\x1b[2J\\xff\\u{202e}!"));
}

/* A failed mount with a huge stderr (a 1.4 MB reply: 1 MiB of output) is an
 * error of a few KiB, not megabytes that the watcher logs on every retry:
 * cut after escaping, never inside a character or an escape, and marked. */
static void
test_exec_stderr_bounded(void **state)
{
    const char *argv[] = { "mount", NULL };
    /* "ab" then \x01 escapes (4 bytes each): the cap falls inside one;
     * "a" then "é" (2 bytes): the cap falls inside the character */
    const char *const fills[] = { "\x01", "\xc3\xa9" };
    const char *const heads[] = { "ab", "a" };

    script = script_exec;
    for (guint k = 0; k < G_N_ELEMENTS(fills); k++) {
        gsize n = VS_GUEST_EXEC_MAX_OUTPUT - 16;
        g_autoptr(GString) big = g_string_new(heads[k]);
        g_autofree char *b64 = NULL;
        g_autoptr(GError) err = NULL;
        const char *cut;

        while (big->len + strlen(fills[k]) <= n)
            g_string_append(big, fills[k]);
        b64 = g_base64_encode((const guchar *)big->str, big->len);
        exec_status = g_strdup_printf("{\"exited\": true, \"exitcode\": 32, "
                                      "\"err-data\": \"%s\"}", b64);
        assert_true(strlen(exec_status) > 1300000);
        assert_false(vs_agent_exec_check(NULL, argv, 1000, &err));
        g_free(exec_status);
        vs_test_check_error(err, VS_ERROR_GUEST, __FILE__, __LINE__);
        assert_true(strlen(err->message) <= VS_TEXT_ERROR_MAX + 256);
        assert_true(strlen(err->message) >= VS_TEXT_ERROR_MAX - 8);
        assert_true(g_utf8_validate(err->message, -1, NULL));
        /* the mark says how much was left out */
        cut = strstr(err->message, " [… ");
        assert_non_null(cut);
        assert_non_null(strstr(cut, "bytes cut]"));
        if (k == 0)
            assert_memory_equal(cut - 4, "\\x01", 4);
        else
            assert_memory_equal(cut - 2, "\xc3\xa9", 2);
    }
}

/* The watcher retries a failed mount every few seconds and again at every
 * boot: the same warning for the same domain is logged once, then once per
 * interval with the number of repeats left out; another domain, another
 * warning, or the same one after a run without it is logged at once. */
static void
test_watch_repeats(void **state)
{
    const gint64 s = G_USEC_PER_SEC;
    VsWatchRepeats *r = vs_watch_repeats_new(600 * s);
    char *m;

    m = vs_watch_repeats_filter(r, "u1", "Warning: a", 0);
    assert_string_equal(m, "Warning: a");
    g_free(m);
    vs_watch_repeats_run_done(r, "u1");
    assert_null(vs_watch_repeats_filter(r, "u1", "Warning: a", 5 * s));
    vs_watch_repeats_run_done(r, "u1");
    assert_null(vs_watch_repeats_filter(r, "u1", "Warning: a", 10 * s));
    m = vs_watch_repeats_filter(r, "u2", "Warning: a", 10 * s);
    assert_string_equal(m, "Warning: a");
    g_free(m);
    m = vs_watch_repeats_filter(r, "u1", "Warning: b", 10 * s);
    assert_string_equal(m, "Warning: b");
    g_free(m);
    vs_watch_repeats_run_done(r, "u1");
    vs_watch_repeats_run_done(r, "u2");

    /* the interval is over: logged again, with what was left out */
    m = vs_watch_repeats_filter(r, "u1", "Warning: a", 601 * s);
    assert_non_null(m);
    assert_true(g_str_has_prefix(m, "Warning: a"));
    assert_non_null(strstr(m, "2 more times"));
    g_free(m);
    assert_null(vs_watch_repeats_filter(r, "u1", "Warning: a", 602 * s));
    vs_watch_repeats_run_done(r, "u1");

    /* a run without it (the share mounted): the next failure is news */
    vs_watch_repeats_run_done(r, "u1");
    m = vs_watch_repeats_filter(r, "u1", "Warning: a", 603 * s);
    assert_string_equal(m, "Warning: a");
    g_free(m);
    vs_watch_repeats_free(r);
}

/* A short write is an error (item 6 relies on it). */
static char *
script_short_write(const char *execute, JsonObject *args)
{
    if (g_str_equal(execute, "guest-file-open"))
        return g_strdup("3");
    if (g_str_equal(execute, "guest-file-write"))
        return g_strdup("{\"count\": 2, \"eof\": false}");
    return g_strdup("{}");
}

static void
test_short_write(void **state)
{
    g_autoptr(GBytes) data = g_bytes_new_static("abcdef", 6);
    g_autoptr(GError) err = NULL;

    script = script_short_write;
    assert_false(vs_agent_write_file(NULL, "/etc/fstab.new", data, &err));
    CHECK_AGENT_ERROR(err);
    /* The counts are formatted (a plain %lld/%llu msgid, translatable). */
    assert_non_null(strstr(err->message,
                           "short write to /etc/fstab.new in the guest: 2 of 6 bytes"));
}

/* ---- item 6: the guest's fstab is replaced, never truncated in place ---- */

/* A guest with a tiny file system (path -> contents) that runs the few
 * commands the fstab code uses.  Every state /etc/fstab is ever in is
 * checked: it is the old text or the new one, whole, at every step. */
static GHashTable *gfs;             /* path -> GString */
static GHashTable *gfs_handles;     /* handle -> path */
static gint gfs_next_handle;
static char *gfs_exec_out;
static int gfs_exec_rc;
static const char *gfs_allowed[2];  /* what /etc/fstab may hold */
static gboolean gfs_fstab_opened_for_write;
static gboolean gfs_corrupt_writes; /* the guest stores less than it says */
static guint gfs_commands;          /* mkdir, mount and umount run */
static guint gfs_mount_failures;    /* mounts that fail (exit 32) before one works */
static gboolean gfs_last_failed;
static const char *gfs_fail_mkdir;  /* mkdir of this path fails (exit 1) */

static void
gfs_check_fstab(void)
{
    GString *f = g_hash_table_lookup(gfs, "/etc/fstab");

    assert_non_null(f);
    assert_true(g_str_equal(f->str, gfs_allowed[0]) ||
                (gfs_allowed[1] && g_str_equal(f->str, gfs_allowed[1])));
}

static void
gfs_run(JsonArray *args)
{
    const char *a[9] = { NULL };
    GString *f;

    for (guint i = 0; args && i < json_array_get_length(args) && i < 8; i++)
        a[i] = json_array_get_string_element(args, i);
    gfs_exec_rc = 0;
    g_clear_pointer(&gfs_exec_out, g_free);
    if (g_str_equal(a[0], "test")) {                    /* test -e PATH */
        gfs_exec_rc = g_hash_table_contains(gfs, a[2]) ? 0 : 1;
    } else if (g_str_equal(a[0], "readlink")) {         /* readlink -f -- PATH */
        gfs_exec_out = g_strconcat(a[3], "\n", NULL);
    } else if (g_str_equal(a[0], "cp")) {               /* cp -p -- FROM TO */
        f = g_hash_table_lookup(gfs, a[3]);
        assert_non_null(f);
        assert_string_not_equal(a[4], "/etc/fstab");
        g_hash_table_replace(gfs, g_strdup(a[4]), g_string_new(f->str));
    } else if (g_str_equal(a[0], "mv")) {               /* mv -f -- FROM TO */
        gpointer from = NULL;

        assert_true(g_hash_table_steal_extended(gfs, a[3], &from, (gpointer *)&f));
        g_free(from);
        g_hash_table_replace(gfs, g_strdup(a[4]), f);
    } else if (g_str_equal(a[0], "rm")) {               /* rm -f -- PATH */
        g_hash_table_remove(gfs, a[3]);
    } else if (g_str_equal(a[0], "mkdir") || g_str_equal(a[0], "mount") ||
               g_str_equal(a[0], "umount")) {
        /* an operand that looks like an option must come after "--" */
        gboolean dashdash = FALSE;

        for (guint i = 1; a[i]; i++) {
            if (!dashdash && g_str_equal(a[i], "--"))
                dashdash = TRUE;
            else if (!dashdash && (g_str_equal(a[i], "-vs-opt") || g_str_equal(a[i], "-lazy")))
                fail_msg("%s takes the operand %s as an option", a[0], a[i]);
        }
        gfs_commands++;
        if (g_str_equal(a[0], "mount") && gfs_mount_failures > 0) {
            gfs_mount_failures--;
            gfs_last_failed = TRUE;
        } else if (g_str_equal(a[0], "mount") && a[6] && a[7]) {
            /* mount -t FS -o OPTS -- TAG TARGET: the guest's mount table has it */
            g_string_append_printf(g_hash_table_lookup(gfs, "/proc/self/mounts"),
                                   "%s %s %s rw 0 0\n", a[6], a[7], a[2]);
        } else if (g_str_equal(a[0], "mkdir") && g_strcmp0(a[3], gfs_fail_mkdir) == 0) {
            gfs_exec_rc = 1;
        }
    } else if (!g_str_equal(a[0], "chmod")) {
        fail_msg("unexpected guest command %s", a[0]);
    }
}

static char *
script_guestfs(const char *execute, JsonObject *args)
{
    if (g_str_equal(execute, "guest-exec")) {
        JsonArray *arg = json_object_get_array_member(args, "arg");
        g_autoptr(JsonArray) all = json_array_new();

        json_array_add_string_element(all, json_object_get_string_member(args, "path"));
        for (guint i = 0; arg && i < json_array_get_length(arg); i++)
            json_array_add_string_element(all, json_array_get_string_element(arg, i));
        gfs_last_failed = FALSE;
        gfs_run(all);
        gfs_check_fstab();
        return g_strdup("{\"pid\": 7}");
    }
    if (g_str_equal(execute, "guest-exec-status")) {
        g_autofree char *b64 = g_base64_encode((const guchar *)(gfs_exec_out ? gfs_exec_out : ""),
                                               gfs_exec_out ? strlen(gfs_exec_out) : 0);
        return g_strdup_printf("{\"exited\": true, \"exitcode\": %d, \"out-data\": \"%s\"}",
                               gfs_last_failed ? 32 : gfs_exec_rc, b64);
    }
    if (g_str_equal(execute, "guest-file-open")) {
        const char *path = json_object_get_string_member(args, "path");
        const char *mode = json_object_get_string_member(args, "mode");
        gint h = ++gfs_next_handle;

        if (mode[0] != 'r') {
            gfs_fstab_opened_for_write |= g_str_equal(path, "/etc/fstab");
            g_hash_table_replace(gfs, g_strdup(path), g_string_new(NULL));
        }
        assert_true(g_hash_table_contains(gfs, path));
        g_hash_table_insert(gfs_handles, GINT_TO_POINTER(h), g_strdup(path));
        gfs_check_fstab();
        return g_strdup_printf("%d", h);
    }
    if (g_str_equal(execute, "guest-file-read") || g_str_equal(execute, "guest-file-write")) {
        const char *path = g_hash_table_lookup(gfs_handles, GINT_TO_POINTER(
                                                   json_object_get_int_member(args, "handle")));
        GString *f = g_hash_table_lookup(gfs, path);
        g_autofree char *b64 = NULL;

        if (g_str_equal(execute, "guest-file-read")) {
            b64 = g_base64_encode((const guchar *)f->str, f->len);
            return g_strdup_printf("{\"count\": %" G_GSIZE_FORMAT ", \"buf-b64\": \"%s\", "
                                   "\"eof\": true}", f->len, b64);
        } else {
            gsize n;
            g_autofree guchar *data = g_base64_decode(
                json_object_get_string_member(args, "buf-b64"), &n);

            g_string_append_len(f, (const char *)data, gfs_corrupt_writes && n ? n - 1 : n);
            gfs_check_fstab();
            return g_strdup_printf("{\"count\": %" G_GSIZE_FORMAT ", \"eof\": false}", n);
        }
    }
    return g_strdup("{}");  /* guest-file-close, guest-ping, ... */
}

static void
gfs_string_free(gpointer s)
{
    g_string_free(s, TRUE);
}

static void
gfs_setup(const char *fstab)
{
    gfs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, gfs_string_free);
    gfs_handles = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    g_hash_table_insert(gfs, g_strdup("/etc/fstab"), g_string_new(fstab));
    gfs_fstab_opened_for_write = FALSE;
    gfs_corrupt_writes = FALSE;
    script = script_guestfs;
}

static void
gfs_teardown(void)
{
    g_clear_pointer(&gfs, g_hash_table_unref);
    g_clear_pointer(&gfs_handles, g_hash_table_unref);
    g_clear_pointer(&gfs_exec_out, g_free);
}

static void
test_fstab_replaced_atomically(void **state)
{
    /* no final newline: the hard case for giving the text back */
    const char *orig = "# /etc/fstab\nUUID=1 / ext4 defaults 0 1";
    g_autoptr(VsShare) share = vs_share_new();
    g_autofree char *with = NULL;
    g_autoptr(GError) err = NULL;
    gboolean removed = FALSE;

    share->tag = g_strdup("vs-data-0123abcd");
    share->target = g_strdup("/mnt/my data");
    share->driver = VS_DRIVER_VIRTIOFS;
    with = vs_guest_fstab_with(orig, share);
    gfs_setup(orig);
    gfs_allowed[0] = orig;
    gfs_allowed[1] = with;

    assert_true(vs_guest_fstab_add(NULL, share, &err));
    assert_no_gerror(err);
    assert_false(gfs_fstab_opened_for_write);
    assert_string_equal(((GString *)g_hash_table_lookup(gfs, "/etc/fstab"))->str, with);
    assert_string_equal(((GString *)g_hash_table_lookup(gfs, "/etc/fstab.virt-share.bak"))->str,
                        orig);
    assert_false(g_hash_table_contains(gfs, "/etc/fstab.virt-share.new"));

    /* add then remove: the guest's fstab byte for byte */
    assert_true(vs_guest_fstab_remove(NULL, share->tag, &removed, &err));
    assert_no_gerror(err);
    assert_true(removed);
    assert_false(gfs_fstab_opened_for_write);
    assert_string_equal(((GString *)g_hash_table_lookup(gfs, "/etc/fstab"))->str, orig);
    assert_false(g_hash_table_contains(gfs, "/etc/fstab.virt-share.new"));
    gfs_teardown();
}

/* A write the guest does not store as sent: the new file does not read back
 * as written, the fstab stays as it was and the new file is removed. */
static void
test_fstab_bad_write_keeps_original(void **state)
{
    const char *orig = "UUID=1 / ext4 defaults 0 1\n";
    g_autoptr(VsShare) share = vs_share_new();
    g_autoptr(GError) err = NULL;

    share->tag = g_strdup("vs-data-0123abcd");
    share->target = g_strdup("/mnt/data");
    share->driver = VS_DRIVER_9P;
    gfs_setup(orig);
    gfs_corrupt_writes = TRUE;
    gfs_allowed[0] = orig;
    gfs_allowed[1] = NULL;      /* any other content of /etc/fstab fails the test */

    assert_false(vs_guest_fstab_add(NULL, share, &err));
    vs_test_check_error(err, VS_ERROR_GUEST, __FILE__, __LINE__);
    assert_false(gfs_fstab_opened_for_write);
    assert_string_equal(((GString *)g_hash_table_lookup(gfs, "/etc/fstab"))->str, orig);
    assert_false(g_hash_table_contains(gfs, "/etc/fstab.virt-share.new"));
    gfs_teardown();
}

/* remove edits the guest's fstab only once the detach succeeded: a detach
 * that fails (here: no such domain) leaves the fstab line where it was. */
static void
test_remove_failed_detach_keeps_fstab(void **state)
{
    g_autoptr(VsDomainState) st = g_new0(VsDomainState, 1);
    g_autoptr(VsRemoveJob) job = g_new0(VsRemoveJob, 1);
    g_autoptr(GError) err = NULL;
    g_autofree char *fstab = NULL;
    VsRunOptions ropts;

    job->share = vs_share_new();
    job->share->tag = g_strdup("vs-data-0123abcd");
    job->share->target = g_strdup("/mnt/data");
    job->share->driver = VS_DRIVER_VIRTIOFS;
    job->share->where = VS_WHERE_LIVE;
    job->flags = VIR_DOMAIN_AFFECT_LIVE;
    job->device_xml = g_strdup("<filesystem type='mount'/>");
    vs_conn_init();      /* as every front end does before libvirt calls */
    st->name = g_strdup("gone");
    st->running = TRUE;
    fstab = vs_guest_fstab_with("UUID=1 / ext4 defaults 0 1\n", job->share);
    gfs_setup(fstab);
    g_hash_table_insert(gfs, g_strdup("/proc/self/mounts"),
                        g_string_new("vs-data-0123abcd /mnt/data virtiofs rw 0 0\n"));
    gfs_allowed[0] = fstab;
    gfs_allowed[1] = NULL;
    vs_run_options_init(&ropts);

    assert_false(vs_run_remove(st, job, &ropts, &err));
    assert_non_null(err);
    assert_false(gfs_fstab_opened_for_write);
    assert_string_equal(((GString *)g_hash_table_lookup(gfs, "/etc/fstab"))->str, fstab);
    gfs_teardown();
}

/* A guest with an empty /etc/fstab and @mounts as its mount table, and a
 * 9p squash share @tag for @target; for the mount and umount tests. */
static VsShare *
gfs_mount_setup(const char *mounts, const char *tag, const char *target)
{
    VsShare *share = vs_share_new();

    gfs_setup("");
    gfs_allowed[0] = "";
    gfs_allowed[1] = NULL;
    gfs_commands = 0;
    g_hash_table_insert(gfs, g_strdup("/proc/self/mounts"), g_string_new(mounts));
    share->tag = g_strdup(tag);
    share->target = g_strdup(target);
    share->driver = VS_DRIVER_9P;
    share->mode = VS_MODE_SQUASH;
    return share;
}

/* Item 9: mkdir, mount and umount get "--" before their operands: a tag
 * from a hand-edited domain XML, or a mount point the guest reports, may
 * look like an option. */
static void
test_guest_commands_end_options(void **state)
{
    g_autoptr(VsShare) share = gfs_mount_setup("-vs-opt -lazy 9p rw 0 0\n", "-vs-opt", "/mnt/x");
    g_autoptr(GError) err = NULL;
    gboolean was_mounted = FALSE;

    /* mounted elsewhere already: refused before any command */
    assert_false(vs_guest_mount(NULL, share, 1000, NULL, &err));
    vs_test_check_error(err, VS_ERROR_EXISTS, __FILE__, __LINE__);
    g_clear_error(&err);
    assert_true(vs_guest_umount(NULL, "-vs-opt", &was_mounted, 1000, &err));
    assert_no_gerror(err);
    assert_true(was_mounted);
    g_string_assign(g_hash_table_lookup(gfs, "/proc/self/mounts"), "");
    assert_true(vs_guest_mount(NULL, share, 1000, NULL, &err));
    assert_no_gerror(err);
    assert_int_equal(gfs_commands, 3);     /* umount, mkdir, mount */
    gfs_teardown();
}

/* Every mount waits for the device: a guest whose agent answers before the
 * transport is probed (right after a hot-plug, and right after a boot, when
 * the caller used to try once) fails the first mounts and then succeeds. */
static void
test_mount_waits_for_device(void **state)
{
    g_autoptr(VsShare) share = gfs_mount_setup("", "vs-data-0123abcd", "/mnt/data");
    g_autoptr(GError) err = NULL;

    gfs_mount_failures = 3;
    assert_true(vs_guest_mount(NULL, share, 1000, NULL, &err));
    assert_no_gerror(err);
    assert_int_equal(gfs_mount_failures, 0);
    assert_int_equal(gfs_commands, 5);     /* mkdir, three failed mounts, mount */
    gfs_teardown();
}

/* Mounted there already: success, said so, and no command runs. */
static void
test_mount_already_mounted(void **state)
{
    g_autoptr(VsShare) share = gfs_mount_setup("vs-data-0123abcd /mnt/data 9p rw 0 0\n",
                                               "vs-data-0123abcd", "/mnt/data");
    g_autoptr(GError) err = NULL;
    gboolean already = FALSE;

    assert_true(vs_guest_mount(NULL, share, 1000, &already, &err));
    assert_no_gerror(err);
    assert_true(already);
    assert_int_equal(gfs_commands, 0);
    g_string_assign(g_hash_table_lookup(gfs, "/proc/self/mounts"), "");
    assert_true(vs_guest_mount(NULL, share, 1000, &already, &err));
    assert_false(already);
    assert_int_equal(gfs_commands, 2);     /* mkdir, mount */
    gfs_teardown();
}

/* The guest of the gfs tests, also answering guest-info (nothing disabled). */
static char *
script_guestfs_info(const char *execute, JsonObject *args)
{
    if (g_str_equal(execute, "guest-info"))
        return g_strdup("{\"version\": \"7.2\", \"supported_commands\": []}");
    return script_guestfs(execute, args);
}

static void
record_message(const char *message, gpointer data)
{
    g_ptr_array_add(data, g_strdup(message));
}

/* A running domain named "dom" with the devices of @xml, for the vs_run_*
 * tests against the gfs guest. */
static VsDomainState *
running_domain(const char *xml)
{
    VsDomainState *st = g_new0(VsDomainState, 1);

    st->name = g_strdup("dom");
    st->running = TRUE;
    st->live_doc = vs_xml_parse(xml, "test", NULL);
    assert_non_null(st->live_doc);
    return st;
}

/* After a restart or a boot (restart, add --restart, the watcher): a share
 * that cannot be mounted is a warning and the later ones are still mounted;
 * a share unmounted with umount (automount='no'), one mounted already, one
 * without a mount point and the skipped one are left alone. */
static void
test_mount_managed_goes_on(void **state)
{
    const char *xml =
        "<domain type='kvm'><name>dom</name>"
        "<metadata><vs:shares xmlns:vs='https://virt-share.org/xmlns/virt-share/1'>"
        "<vs:share tag='vs-a' target='/proc/no-mkdir'/>"
        "<vs:share tag='vs-b' target='/mnt/b'/>"
        "<vs:share tag='vs-off' target='/mnt/off' automount='no'/>"
        "<vs:share tag='vs-up' target='/mnt/up'/>"
        "<vs:share tag='vs-skip' target='/mnt/skip'/>"
        "</vs:shares></metadata><devices>"
        "<filesystem type='mount' accessmode='squash'><source dir='/srv/a'/>"
        "<target dir='vs-a'/></filesystem>"
        "<filesystem type='mount' accessmode='squash'><source dir='/srv/b'/>"
        "<target dir='vs-b'/></filesystem>"
        "<filesystem type='mount' accessmode='squash'><source dir='/srv/off'/>"
        "<target dir='vs-off'/></filesystem>"
        "<filesystem type='mount' accessmode='squash'><source dir='/srv/up'/>"
        "<target dir='vs-up'/></filesystem>"
        "<filesystem type='mount' accessmode='squash'><source dir='/srv/skip'/>"
        "<target dir='vs-skip'/></filesystem>"
        "<filesystem type='mount' accessmode='squash'><source dir='/srv/none'/>"
        "<target dir='vs-none'/></filesystem>"
        "</devices></domain>";
    g_autoptr(VsDomainState) st = running_domain(xml);
    g_autoptr(VsShare) unused = gfs_mount_setup("vs-up /mnt/up 9p rw 0 0\n", "x", "/x");
    g_autoptr(GPtrArray) said = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) warned = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    const char *mounts;
    VsRunOptions ropts;

    g_hash_table_insert(gfs, g_strdup("/proc/filesystems"), g_string_new("nodev\t9p\n"));
    script = script_guestfs_info;
    gfs_fail_mkdir = "/proc/no-mkdir";
    vs_run_options_init(&ropts);
    ropts.timeout_ms = 1000;
    ropts.notify = record_message;
    ropts.warn = record_message;
    ropts.notify_data = said;

    assert_false(vs_run_mount_managed(st, "vs-skip", &ropts, &err));
    vs_test_check_error(err, VS_ERROR_GUEST, __FILE__, __LINE__);
    /* the error names the share that failed, and only that one */
    assert_non_null(strstr(err->message, "'vs-a'"));
    assert_null(strstr(err->message, "vs-b"));
    mounts = ((GString *)g_hash_table_lookup(gfs, "/proc/self/mounts"))->str;
    assert_non_null(strstr(mounts, "vs-b /mnt/b 9p "));
    assert_null(strstr(mounts, "vs-a "));
    assert_null(strstr(mounts, "vs-off "));
    assert_null(strstr(mounts, "vs-skip "));
    assert_null(strstr(mounts, "vs-none "));
    assert_int_equal(gfs_commands, 3);     /* mkdir (fails), mkdir, mount */
    /* a warning names vs-a; vs-b is said to be mounted */
    for (guint i = 0; i < said->len; i++) {
        const char *m = g_ptr_array_index(said, i);
        if (strstr(m, "'vs-a'"))
            g_ptr_array_add(warned, g_strdup(m));
    }
    assert_int_equal(warned->len, 1);
    assert_non_null(strstr(g_ptr_array_index(warned, 0), "Warning"));
    assert_int_equal(said->len, 2);
    assert_non_null(strstr(g_ptr_array_index(said, 1), "'vs-b'"));

    /* Nothing left to do: success, no command runs. */
    g_clear_error(&err);
    g_hash_table_insert(gfs, g_strdup("/proc/self/mounts"),
                        g_string_new("vs-a /proc/no-mkdir 9p rw 0 0\nvs-b /mnt/b 9p rw 0 0\n"
                                     "vs-up /mnt/up 9p rw 0 0\n"));
    gfs_commands = 0;
    assert_true(vs_run_mount_managed(st, "vs-skip", &ropts, &err));
    assert_no_gerror(err);
    assert_int_equal(gfs_commands, 0);
    gfs_fail_mkdir = NULL;
    gfs_teardown();
}

/* An agent that stops answering: from the start (@dead_now set), else from
 * the first guest-exec on; counts what is sent to it once dead. */
static guint dead_calls;
static gboolean dead_now;

static char *
dying_transport(virDomain *dom, const char *request, VsAgentFault *fault, GError **error)
{
    if (strstr(request, "\"guest-exec\""))
        dead_now = TRUE;
    if (!dead_now)
        return fake_transport(dom, request, fault, error);
    dead_calls++;
    *fault = VS_AGENT_FAULT_UNRESPONSIVE;
    g_set_error_literal(error, VS_ERROR, VS_ERROR_AGENT, "not connected");
    return NULL;
}

/* A dead agent is one failure for every share, not one agent timeout per
 * share: once the agent itself fails, no share asks it again, and each is
 * still named as not mounted. */
static void
test_mount_managed_dead_agent(void **state)
{
    const char *xml =
        "<domain type='kvm'><name>dom</name>"
        "<metadata><vs:shares xmlns:vs='https://virt-share.org/xmlns/virt-share/1'>"
        "<vs:share tag='vs-a' target='/mnt/a'/>"
        "<vs:share tag='vs-b' target='/mnt/b'/>"
        "<vs:share tag='vs-c' target='/mnt/c'/>"
        "</vs:shares></metadata><devices>"
        "<filesystem type='mount' accessmode='squash'><source dir='/srv/a'/>"
        "<target dir='vs-a'/></filesystem>"
        "<filesystem type='mount' accessmode='squash'><source dir='/srv/b'/>"
        "<target dir='vs-b'/></filesystem>"
        "<filesystem type='mount' accessmode='squash'><source dir='/srv/c'/>"
        "<target dir='vs-c'/></filesystem>"
        "</devices></domain>";
    static const gboolean dead_at_start[] = { TRUE, FALSE };
    g_autoptr(VsDomainState) st = running_domain(xml);
    VsRunOptions ropts;

    vs_run_options_init(&ropts);
    ropts.timeout_ms = 1000;
    ropts.notify = record_message;
    ropts.warn = record_message;

    for (guint w = 0; w < G_N_ELEMENTS(dead_at_start); w++) {
        g_autoptr(VsShare) unused = gfs_mount_setup("", "x", "/x");
        g_autoptr(GPtrArray) said = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GError) err = NULL;
        guint warnings = 0;

        g_hash_table_insert(gfs, g_strdup("/proc/filesystems"), g_string_new("nodev\t9p\n"));
        script = script_guestfs_info;
        dead_now = dead_at_start[w];
        dead_calls = 0;
        vs_agent_set_transport(dying_transport);
        ropts.notify_data = said;

        assert_false(vs_run_mount_managed(st, NULL, &ropts, &err));
        vs_test_check_error(err, VS_ERROR_AGENT, __FILE__, __LINE__);
        /* one call met the dead agent; nothing was sent after it */
        assert_int_equal(dead_calls, 1);
        for (guint i = 0; i < said->len; i++)
            if (strstr(g_ptr_array_index(said, i), "Warning"))
                warnings++;
        assert_int_equal(warnings, 3);
        assert_non_null(strstr(err->message, "'vs-a'"));
        assert_non_null(strstr(err->message, "'vs-b'"));
        assert_non_null(strstr(err->message, "'vs-c'"));
        gfs_teardown();
    }
}

/* A refused command is "disabled" when guest-info says so, whatever the
 * text of the refusal (it used to be found by matching "has been disabled"). */
static gboolean refuse_exec;

static char *
refusing_transport(virDomain *dom, const char *request, VsAgentFault *fault, GError **error)
{
    if (refuse_exec && strstr(request, "\"guest-exec\"")) {
        *fault = VS_AGENT_FAULT_FAILED;
        g_set_error_literal(error, VS_ERROR, VS_ERROR_AGENT, "Befehl abgelehnt");
        return NULL;
    }
    return fake_transport(dom, request, fault, error);
}

static char *
script_exec_disabled(const char *execute, JsonObject *args)
{
    return g_strdup("{\"supported_commands\": [{\"name\": \"guest-exec\", "
                    "\"enabled\": false}]}");
}

static void
test_disabled_by_guest_info(void **state)
{
    const char *argv[] = { "mount", NULL };
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) err2 = NULL;
    g_autoptr(VsExecResult) res = NULL;
    g_autoptr(VsExecResult) res2 = NULL;

    vs_agent_set_transport(refusing_transport);
    refuse_exec = TRUE;
    script = script_exec_disabled;
    res = vs_agent_exec(NULL, argv, 1000, &err);
    assert_null(res);
    CHECK_AGENT_ERROR(err);
    assert_non_null(strstr(err->message, "disabled in the guest"));
    /* refused but listed as enabled: a plain failure, with the agent's text */
    script = script_nameless;   /* guest-info unusable: not "disabled" either */
    res2 = vs_agent_exec(NULL, argv, 1000, &err2);
    assert_null(res2);
    CHECK_AGENT_ERROR(err2);
    assert_null(strstr(err2->message, "disabled in the guest"));
    assert_non_null(strstr(err2->message, "Befehl abgelehnt"));
    refuse_exec = FALSE;
}

/* ---- --debug: the trace never carries raw guest bytes ---- */

static GString *debug_log;

static GLogWriterOutput
capture_debug(GLogLevelFlags level, const GLogField *fields, gsize n, gpointer data)
{
    for (gsize i = 0; i < n; i++) {
        if (g_str_equal(fields[i].key, "MESSAGE") && debug_log)
            g_string_append_printf(debug_log, "%s\n", (const char *)fields[i].value);
    }
    return G_LOG_WRITER_HANDLED;
}

static char *
script_hostile_ping(const char *execute, JsonObject *args)
{
    /* a terminal escape and a bidi override, as JSON escapes and raw UTF-8 */
    return g_strdup("{\"x\": \"\\u001b]0;owned\\u0007\u202e\"}");
}

static void
test_debug_trace_sanitised(void **state)
{
    g_autoptr(GError) err = NULL;

    debug_log = g_string_new(NULL);
    script = script_hostile_ping;
    assert_true(vs_agent_ping(NULL, &err));
    assert_no_gerror(err);
    assert_non_null(strstr(debug_log->str, "agent: ? <- {\"execute\":\"guest-ping\""));
    assert_non_null(strstr(debug_log->str, "agent: ? -> "));
    /* the escapes stay JSON text; the raw U+202E is shown escaped */
    assert_null(strstr(debug_log->str, "\u202e"));
    assert_non_null(strstr(debug_log->str, "\\u{202e}"));
    g_string_free(g_steal_pointer(&debug_log), TRUE);
}

/* ---- guest text ---- */

static void
test_sanitize(void **state)
{
    struct { const char *in; gssize len; const char *out; } cases[] = {
        { "/mnt/plain é", -1, "/mnt/plain é" },
        { "a\nb\tc\\d", -1, "a\\nb\\tc\\\\d" },
        { "\x1b[31mred\x1b[0m", -1, "\\x1b[31mred\\x1b[0m" },
        { "csi\xc2\x9b" "2J", -1, "csi\\u{009b}2J" },
        { "bad\xff\xfe", -1, "bad\\xff\\xfe" },
        { "nul\0x", 5, "nul\\x00x" },
        /* overlong '.', a lone continuation byte, a cut sequence */
        { "/srv/\xc0\xae\x80/\xe2\x82", -1, "/srv/\\xc0\\xae\\x80/\\xe2\\x82" },
        /* U+FFFE (a noncharacter) and a private use character */
        { "\xef\xbf\xbe\xee\x80\x80", -1, "\\u{fffe}\\u{e000}" },
        { NULL, -1, "" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *s = vs_text_sanitize(cases[i].in, cases[i].len);
        assert_string_equal(s, cases[i].out);
    }
    {
        /* cut: never inside an escape or a character */
        g_autofree char *a = vs_text_sanitize_cut("ab\x01", -1, 5);
        g_autofree char *b = vs_text_sanitize_cut("a\xc3\xa9\xc3\xa9", -1, 4);
        g_autofree char *c = vs_text_sanitize_cut("abc", -1, 3);

        assert_string_equal(a, "ab [… 1 more byte cut]");
        assert_string_equal(b, "aé [… 2 more bytes cut]");
        assert_string_equal(c, "abc");
    }
}

/* Item 9: the default mount point came from an unchecked tag. */
static void
test_default_target(void **state)
{
    const char *bad[] = { "../../etc", "..", ".", "a/b", "", "a\x1b[2J", "a\nb", "\xc0\xae" };
    g_autoptr(VsShare) share = vs_share_new();
    g_autofree char *plain = NULL;

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *t = NULL;
        g_free(share->tag);
        share->tag = g_strdup(bad[i]);
        t = vs_run_default_target(share);
        assert_null(t);
    }
    g_free(share->tag);
    share->tag = g_strdup("vs-data-1");
    plain = vs_run_default_target(share);
    assert_string_equal(plain, "/mnt/vs-data-1");
}

/* ---- the guest's system (guest-get-osinfo) ---- */

/* What qemu-ga 8.x answers on Windows 11 and on Debian 12. */
#define OSINFO_WINDOWS \
    "{\"name\": \"Microsoft Windows\", \"kernel-release\": \"22621\", " \
    "\"version\": \"Microsoft Windows 11\", \"variant\": \"client\", " \
    "\"pretty-name\": \"Windows 11 Pro\", \"version-id\": \"11\", \"variant-id\": \"client\", " \
    "\"kernel-version\": \"10.0\", \"machine\": \"x86_64\", \"id\": \"mswindows\"}"
#define OSINFO_DEBIAN \
    "{\"name\": \"Debian GNU/Linux\", \"kernel-release\": \"6.1.0-13-amd64\", " \
    "\"version\": \"12 (bookworm)\", \"pretty-name\": \"Debian GNU/Linux 12 (bookworm)\", " \
    "\"version-id\": \"12\", \"kernel-version\": \"#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1\", " \
    "\"machine\": \"x86_64\", \"id\": \"debian\"}"

static char *osinfo_reply;

static char *
script_osinfo(const char *execute, JsonObject *args)
{
    if (g_str_equal(execute, "guest-get-osinfo"))
        return g_strdup(osinfo_reply);
    if (g_str_equal(execute, "guest-info"))
        return g_strdup("{\"version\": \"8.0\", \"supported_commands\": []}");
    return g_strdup("{}");
}

static VsGuestOs *
osinfo_of(const char *reply, GError **error)
{
    VsGuestOs *os = NULL;

    script = script_osinfo;
    osinfo_reply = (char *)reply;
    if (!vs_agent_osinfo(NULL, &os, error))
        assert_null(os);
    return os;
}

/* A reply the parser must take. */
static VsGuestOs *
osinfo_ok(const char *reply)
{
    g_autoptr(GError) err = NULL;
    VsGuestOs *os = osinfo_of(reply, &err);

    assert_no_gerror(err);
    assert_non_null(os);
    return os;
}

static void
test_osinfo_linux(void **state)
{
    g_autoptr(VsGuestOs) os = osinfo_ok(OSINFO_DEBIAN);
    g_autoptr(GError) err = NULL;

    assert_string_equal(os->id, "debian");
    assert_string_equal(os->name, "Debian GNU/Linux 12 (bookworm)");
    assert_string_equal(os->version_id, "12");
    assert_string_equal(os->kernel_release, "6.1.0-13-amd64");
    assert_string_equal(os->machine, "x86_64");
    assert_int_equal(vs_guest_os_kind(os), VS_GUEST_OS_LINUX);
    assert_int_equal(vs_guest_family(os->id, NULL), VS_GUEST_FAMILY_DEBIAN);
    assert_true(vs_guest_os_check(os, &err));
    assert_no_gerror(err);
    assert_non_null(strstr(last_request, "\"guest-get-osinfo\""));
}

static void
test_osinfo_windows(void **state)
{
    g_autoptr(VsGuestOs) os = osinfo_ok(OSINFO_WINDOWS);
    g_autoptr(GError) err = NULL;

    assert_int_equal(vs_guest_os_kind(os), VS_GUEST_OS_WINDOWS);
    assert_int_equal(vs_guest_family(os->id, NULL), VS_GUEST_FAMILY_UNKNOWN);
    assert_false(vs_guest_os_check(os, &err));
    assert_vs_error(err, VS_ERROR_GUEST_OS);
    /* what it runs, and what it would need */
    assert_non_null(strstr(err->message, "Windows 11 Pro"));
    assert_non_null(strstr(err->message, "virtio-win"));
    assert_non_null(strstr(err->message, "WinFsp"));
    assert_int_equal(vs_error_exit_code(err), VS_EXIT_USAGE);
}

/* Another system than Linux or Windows; an ID alone names it. */
static void
test_osinfo_other(void **state)
{
    g_autoptr(VsGuestOs) os = osinfo_ok("{\"id\": \"freebsd\", \"kernel-release\": "
                                        "\"14.0-RELEASE\"}");
    g_autoptr(GError) err = NULL;

    assert_int_equal(vs_guest_os_kind(os), VS_GUEST_OS_OTHER);
    assert_false(vs_guest_os_check(os, &err));
    assert_vs_error(err, VS_ERROR_GUEST_OS);
    assert_non_null(strstr(err->message, "freebsd"));
}

/* Every member is optional: none at all is a system that cannot be told,
 * which may mount, as before agents had the command. */
static void
test_osinfo_missing_fields(void **state)
{
    g_autoptr(VsGuestOs) none = osinfo_ok("{}");
    g_autoptr(VsGuestOs) empty = osinfo_ok("{\"id\": \"\", \"name\": \"Linux\"}");

    assert_null(none->id);
    assert_null(none->name);
    assert_int_equal(vs_guest_os_kind(none), VS_GUEST_OS_UNKNOWN);
    assert_true(vs_guest_os_check(none, NULL));
    assert_true(vs_guest_os_check(NULL, NULL));
    assert_null(empty->id);
    assert_string_equal(empty->name, "Linux");      /* "name" when there is no pretty-name */
    assert_int_equal(vs_guest_os_kind(empty), VS_GUEST_OS_UNKNOWN);
}

/* An old agent (no guest-get-osinfo) or one that has it disabled refuses:
 * unknown, not a failure.  Told by the fault, whatever its words. */
static gboolean refuse_osinfo;

static char *
osinfo_refusing_transport(virDomain *dom, const char *request, VsAgentFault *fault,
                          GError **error)
{
    if (strstr(request, "\"guest-get-osinfo\"")) {
        *fault = refuse_osinfo ? VS_AGENT_FAULT_FAILED : VS_AGENT_FAULT_UNRESPONSIVE;
        g_set_error_literal(error, VS_ERROR, VS_ERROR_AGENT,
                            refuse_osinfo ? "The command guest-get-osinfo has not been found"
                                          : "not connected");
        return NULL;
    }
    return fake_transport(dom, request, fault, error);
}

static void
test_osinfo_old_agent(void **state)
{
    g_autoptr(GError) err = NULL;
    VsGuestOs *os = NULL;

    script = script_osinfo;
    vs_agent_set_transport(osinfo_refusing_transport);
    refuse_osinfo = TRUE;
    assert_true(vs_agent_osinfo(NULL, &os, &err));
    assert_no_gerror(err);
    assert_null(os);
    assert_true(vs_guest_os_check(os, NULL));
    /* an agent that does not answer is no "unknown system": it fails */
    refuse_osinfo = FALSE;
    assert_false(vs_agent_osinfo(NULL, &os, &err));
    CHECK_AGENT_ERROR(err);
    assert_null(os);
}

/* Hostile replies: wrong types, over-long strings, an ID that is not one.
 * Each is a broken reply (an agent error), never a guess. */
static void
test_osinfo_hostile_shapes(void **state)
{
    g_autofree char *huge = NULL;
    g_autofree char *just = NULL;
    g_autoptr(GString) big = g_string_new("{\"pretty-name\": \"");
    const char *bad[] = {
        "[]", "\"mswindows\"", "7", "null",
        "{\"id\": 5}", "{\"id\": null}", "{\"name\": [\"Windows\"]}", "{\"id\": {}}",
        "{\"kernel-release\": true}", "{\"machine\": 1.5}",
        "{\"id\": \"deb ian\"}", "{\"id\": \"debian\\u001b[2J\"}", "{\"id\": \"../etc\"}",
        "{\"id\": \"d\u00e9bian\"}", "{\"id\": \"debian\\nrhel\"}",
    };

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VsGuestOs) os = osinfo_of(bad[i], &err);

        assert_null(os);
        CHECK_AGENT_ERROR(err);
    }
    /* VS_GUEST_OS_FIELD_MAX bytes pass, one more does not */
    for (guint i = 0; i < VS_GUEST_OS_FIELD_MAX; i++)
        g_string_append_c(big, 'W');
    just = g_strconcat(big->str, "\"}", NULL);
    huge = g_strconcat(big->str, "W\"}", NULL);
    {
        g_autoptr(GError) err = NULL;
        g_autoptr(VsGuestOs) ok = osinfo_of(just, &err);
        g_autoptr(VsGuestOs) no = osinfo_of(huge, &err);

        assert_non_null(ok);
        assert_int_equal(strlen(ok->name), VS_GUEST_OS_FIELD_MAX);
        assert_null(no);
        CHECK_AGENT_ERROR(err);
        assert_true(strlen(err->message) < 512);   /* the text itself is not quoted */
    }
}

/* Control and format characters in what is only shown: escaped, in the
 * struct and in the refusal; an upper-case ID is taken as os-release's. */
static void
test_osinfo_control_chars(void **state)
{
    g_autoptr(VsGuestOs) os = osinfo_ok("{\"id\": \"MSWindows\", \"pretty-name\": "
                                        "\"Win\\u001b]0;owned\\u0007dows \u202e11\", "
                                        "\"kernel-release\": \"1\\r\\n2\", "
                                        "\"machine\": \"x\\u0000y\"}");
    g_autoptr(GError) err = NULL;

    assert_string_equal(os->id, "mswindows");
    assert_null(strchr(os->name, '\x1b'));
    assert_null(strchr(os->name, '\a'));
    assert_null(strstr(os->name, "\u202e"));
    assert_null(strchr(os->kernel_release, '\n'));
    assert_null(strchr(os->kernel_release, '\r'));
    assert_false(vs_guest_os_check(os, &err));
    assert_vs_error(err, VS_ERROR_GUEST_OS);
    assert_null(strchr(err->message, '\x1b'));
    assert_null(strstr(err->message, "\u202e"));
}

static void
test_guest_family(void **state)
{
    const struct {
        const char *id, *like;
        VsGuestFamily family;
        const char *install;
    } cases[] = {
        { "debian", NULL, VS_GUEST_FAMILY_DEBIAN, "apt install qemu-guest-agent" },
        { "ubuntu", "debian", VS_GUEST_FAMILY_DEBIAN, "apt install qemu-guest-agent" },
        { "neon", "ubuntu debian", VS_GUEST_FAMILY_DEBIAN, "apt install qemu-guest-agent" },
        { "fedora", NULL, VS_GUEST_FAMILY_FEDORA, "dnf install qemu-guest-agent" },
        { "rhel", "fedora", VS_GUEST_FAMILY_FEDORA, "dnf install qemu-guest-agent" },
        { "centos", NULL, VS_GUEST_FAMILY_FEDORA, "dnf install qemu-guest-agent" },
        { "navy", "rhel centos fedora", VS_GUEST_FAMILY_FEDORA, "dnf install qemu-guest-agent" },
        { "opensuse-leap", "suse opensuse", VS_GUEST_FAMILY_SUSE,
          "zypper install qemu-guest-agent" },
        { "sles", NULL, VS_GUEST_FAMILY_SUSE, "zypper install qemu-guest-agent" },
        { "alpine", NULL, VS_GUEST_FAMILY_ALPINE, "apk add qemu-guest-agent" },
        { "arch", NULL, VS_GUEST_FAMILY_ARCH, "pacman -S qemu-guest-agent" },
        { "garuda", "arch", VS_GUEST_FAMILY_ARCH, "pacman -S qemu-guest-agent" },
        { "mswindows", NULL, VS_GUEST_FAMILY_UNKNOWN, NULL },
        { "nixos", NULL, VS_GUEST_FAMILY_UNKNOWN, NULL },
        { NULL, NULL, VS_GUEST_FAMILY_UNKNOWN, NULL },
        { NULL, "  debian ", VS_GUEST_FAMILY_DEBIAN, "apt install qemu-guest-agent" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        VsGuestFamily f = vs_guest_family(cases[i].id, cases[i].like);

        assert_int_equal(f, cases[i].family);
        assert_non_null(vs_guest_family_to_string(f));
        if (cases[i].install)
            assert_string_equal(vs_guest_family_agent_install(f), cases[i].install);
        else
            assert_null(vs_guest_family_agent_install(f));
    }
}

/* The family virt-install recorded (libosinfo's OS id in the metadata). */
static void
test_guest_family_of_domain(void **state)
{
    const struct {
        const char *os;
        VsGuestFamily family;
    } cases[] = {
        { "http://debian.org/debian/12", VS_GUEST_FAMILY_DEBIAN },
        { "http://ubuntu.com/ubuntu/24.04", VS_GUEST_FAMILY_DEBIAN },
        { "http://redhat.com/rhel/9.4", VS_GUEST_FAMILY_FEDORA },
        { "http://centos.org/centos-stream/9", VS_GUEST_FAMILY_FEDORA },
        { "http://opensuse.org/opensuse/15.6", VS_GUEST_FAMILY_SUSE },
        { "http://alpinelinux.org/alpinelinux/3.20", VS_GUEST_FAMILY_ALPINE },
        { "http://archlinux.org/archlinux/rolling", VS_GUEST_FAMILY_ARCH },
        { "http://microsoft.com/win/11", VS_GUEST_FAMILY_UNKNOWN },
        { "http://debian.org", VS_GUEST_FAMILY_UNKNOWN },
        { "debian", VS_GUEST_FAMILY_UNKNOWN },
        { NULL, VS_GUEST_FAMILY_UNKNOWN },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *xml = g_strdup_printf(
            "<domain type='kvm'><name>d</name><metadata>"
            "<libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/libvirt/domain/1.0'>"
            "%s%s%s</libosinfo:libosinfo></metadata></domain>",
            cases[i].os ? "<libosinfo:os id='" : "", cases[i].os ? cases[i].os : "",
            cases[i].os ? "'/>" : "");
        g_autoptr(xmlDoc) doc = vs_xml_parse(xml, "test", NULL);

        assert_non_null(doc);
        assert_int_equal(vs_guest_family_of_domain(doc), cases[i].family);
    }
    assert_int_equal(vs_guest_family_of_domain(NULL), VS_GUEST_FAMILY_UNKNOWN);
}

/* mount on a Windows guest: refused before any guest command or mount
 * point record, with the guest system error. */
static void
test_mount_refuses_windows(void **state)
{
    const char *xml =
        "<domain type='kvm'><name>dom</name><devices>"
        "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/>"
        "<source dir='/srv/a'/><target dir='vs-a'/></filesystem>"
        "</devices></domain>";
    g_autoptr(VsDomainState) st = running_domain(xml);
    g_autoptr(VsShare) unused = gfs_mount_setup("", "x", "/x");
    g_autoptr(GError) err = NULL;
    VsRunOptions ropts;

    g_hash_table_insert(gfs, g_strdup("/proc/filesystems"), g_string_new("nodev\tvirtiofs\n"));
    script = script_osinfo;
    osinfo_reply = OSINFO_WINDOWS;
    vs_run_options_init(&ropts);
    ropts.timeout_ms = 1000;
    calls = 0;
    assert_false(vs_run_mount(st, NULL, NULL, &ropts, &err));
    assert_vs_error(err, VS_ERROR_GUEST_OS);
    assert_int_equal(gfs_commands, 0);
    assert_null(strstr(last_request, "guest-exec"));
    gfs_teardown();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_make_command),
        cmocka_unit_test_setup_teardown(test_request_is_ascii_with_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_replies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wide_reply_accepted, setup, teardown),
        cmocka_unit_test(test_reply_checker),
        cmocka_unit_test_setup_teardown(test_nameless_disabled_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_info_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_read_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_endless_reads_are_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exec_output_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exec_status_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exec_pid_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exec_stderr_sanitised, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exec_stderr_bounded, setup, teardown),
        cmocka_unit_test(test_watch_repeats),
        cmocka_unit_test_setup_teardown(test_short_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fstab_replaced_atomically, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fstab_bad_write_keeps_original, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_failed_detach_keeps_fstab, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_commands_end_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mount_waits_for_device, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mount_already_mounted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mount_managed_goes_on, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mount_managed_dead_agent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disabled_by_guest_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_debug_trace_sanitised, setup, teardown),
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_default_target),
        cmocka_unit_test_setup_teardown(test_osinfo_linux, setup, teardown),
        cmocka_unit_test_setup_teardown(test_osinfo_windows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_osinfo_other, setup, teardown),
        cmocka_unit_test_setup_teardown(test_osinfo_missing_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_osinfo_old_agent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_osinfo_hostile_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_osinfo_control_chars, setup, teardown),
        cmocka_unit_test(test_guest_family),
        cmocka_unit_test(test_guest_family_of_domain),
        cmocka_unit_test_setup_teardown(test_mount_refuses_windows, setup, teardown),
    };

    g_setenv("G_MESSAGES_DEBUG", "all", TRUE);
    g_log_set_writer_func(capture_debug, NULL, NULL);

    return cmocka_run_group_tests(tests, NULL, NULL);
}
