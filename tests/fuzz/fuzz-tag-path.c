/* fuzz-tag-path.c: tags, guest mount points and host paths (user input, and
 * tags read back from a domain's XML) through their checks and the host path
 * policy.  Whatever a check accepts must have the shape it promises; whatever
 * it refuses is said in an error whose text is safe to print (valid UTF-8,
 * no control or format character: it reaches the user's terminal as is). */
#include <config.h>

#include "fuzz.h"
#include "vs-config.h"
#include "vs-error.h"
#include "vs-path.h"
#include "vs-policy.h"
#include "vs-run.h"
#include "vs-tag.h"
#include "vs-text.h"

/* Valid UTF-8 without control characters or format characters (bidi
 * overrides, zero-width characters) other than the two joiners: what
 * vs_text_validate lets through. */
static gboolean
is_text(const char *text)
{
    if (!g_utf8_validate(text, -1, NULL))
        return FALSE;
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);

        if (g_unichar_iscntrl(c) ||
            (g_unichar_type(c) == G_UNICODE_FORMAT && c != 0x200C && c != 0x200D))
            return FALSE;
    }
    return TRUE;
}

static void
check_refusal(const GError *error)
{
    FUZZ_CHECK(error && error->domain == VS_ERROR);
    FUZZ_CHECK(is_text(error->message));
}

static void
check_tag(const char *tag)
{
    VsDriver drivers[] = { VS_DRIVER_9P, VS_DRIVER_VIRTIOFS };

    for (guint d = 0; d < G_N_ELEMENTS(drivers); d++) {
        g_autoptr(GError) error = NULL;
        gsize len = strlen(tag);

        if (!vs_tag_validate(tag, drivers[d], &error)) {
            check_refusal(error);
            continue;
        }
        FUZZ_CHECK(len >= 1 && len <= vs_tag_max_len(drivers[d]));
        FUZZ_CHECK(tag[0] != '-' && tag[0] != '.');
        FUZZ_CHECK(strspn(tag, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789._-") == len);
    }
}

/* Generated tags are valid for both drivers and never one already taken. */
static void
check_generated(const char *source)
{
    g_autoptr(GHashTable) taken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char *first = vs_tag_generate(source, NULL);
    g_autofree char *second = NULL;

    FUZZ_CHECK(vs_tag_validate(first, VS_DRIVER_9P, NULL));
    FUZZ_CHECK(vs_tag_validate(first, VS_DRIVER_VIRTIOFS, NULL));
    g_hash_table_add(taken, first);
    second = vs_tag_generate(source, taken);
    FUZZ_CHECK(vs_tag_validate(second, VS_DRIVER_9P, NULL));
    FUZZ_CHECK(!g_hash_table_contains(taken, second));
}

static void
check_guest_path(const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) default_error = NULL;
    g_auto(GStrv) parts = NULL;

    /* an implied mount point passes the guest path check too */
    if (vs_path_guest_default_target_check(path, &default_error))
        FUZZ_CHECK(vs_path_guest_validate(path, NULL));
    else
        check_refusal(default_error);
    if (!vs_path_guest_validate(path, &error)) {
        check_refusal(error);
        return;
    }
    FUZZ_CHECK(path[0] == '/' && is_text(path));
    FUZZ_CHECK(strspn(path, "/") < strlen(path));
    parts = g_strsplit(path, "/", -1);
    for (guint i = 0; parts[i]; i++)
        FUZZ_CHECK(!g_str_equal(parts[i], ".") && !g_str_equal(parts[i], ".."));
}

/* The mount point used when none was recorded (the tag may come from a
 * domain XML edited by hand): none at all, or one that passes the check. */
static void
check_default_target(const char *tag)
{
    g_autoptr(VsShare) share = vs_share_new();
    g_autofree char *target = NULL;

    share->tag = g_strdup(tag);
    target = vs_run_default_target(share);
    if (target)
        FUZZ_CHECK(vs_path_guest_validate(target, NULL));
}

/* The host path checks: the text check, the directory lookup (read only),
 * and the built-in policy on the normalised path. */
static void
check_host_path(const char *path, const VsConfig *cfg)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) policy_error = NULL;
    g_autofree char *resolved = NULL;
    g_autofree char *norm = NULL;
    g_autofree char *again = NULL;

    if (vs_text_validate(path, &error))
        FUZZ_CHECK(is_text(path));
    else
        check_refusal(error);
    g_clear_error(&error);

    if ((resolved = vs_path_host_dir_resolve(path, &error))) {
        FUZZ_CHECK(resolved[0] == '/' && is_text(resolved));
        FUZZ_CHECK(g_file_test(resolved, G_FILE_TEST_IS_DIR));
    } else {
        check_refusal(error);
    }

    if (path[0] != '/')
        return;
    norm = vs_config_normalize_root(path);
    again = vs_config_normalize_root(norm);
    FUZZ_CHECK(g_str_equal(norm, again));
    if (!vs_policy_check(cfg, norm, &policy_error)) {
        FUZZ_CHECK(g_error_matches(policy_error, VS_ERROR, VS_ERROR_POLICY));
        return;
    }
    /* allowed by the built-in policy: outside every system tree except the
     * data places inside them */
    for (guint i = 0; cfg->denied_roots[i]; i++) {
        const char *root = cfg->denied_roots[i];
        gboolean in_data = FALSE;

        if (g_str_equal(root, "/")) {
            FUZZ_CHECK(!g_str_equal(norm, "/"));
            continue;
        }
        for (guint j = 0; cfg->data_roots[j]; j++) {
            gsize n = strlen(cfg->data_roots[j]);
            in_data |= strncmp(norm, cfg->data_roots[j], n) == 0 &&
                       (norm[n] == '\0' || norm[n] == '/');
        }
        if (!in_data) {
            gsize n = strlen(root);
            FUZZ_CHECK(!(strncmp(norm, root, n) == 0 && (norm[n] == '\0' || norm[n] == '/')));
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static VsConfig *builtin;
    g_autofree char *text = fuzz_text(data, size);

    if (!builtin)
        builtin = vs_config_new_default();
    check_tag(text);
    check_generated(text);
    check_guest_path(text);
    check_default_target(text);
    check_host_path(text, builtin);
    return 0;
}
