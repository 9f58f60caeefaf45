/* test-tag.c: mount tags (vs-tag.h) and host/guest path checks (vs-path.h). */
#include <config.h>

#include <stdlib.h>
#include <unistd.h>

#include "vs-test-util.h"

#include "vs-error.h"
#include "vs-path.h"
#include "vs-tag.h"
#include "vs-text.h"

/* ---- vs_tag_validate ---- */

static void
assert_tag_ok(const char *tag, VsDriver driver)
{
    g_autoptr(GError) err = NULL;
    gboolean ok = vs_tag_validate(tag, driver, &err);

    if (!ok)
        print_error("tag '%s' (%s) rejected\n", tag, vs_driver_to_string(driver));
    assert_no_gerror(err);
    assert_true(ok);
}

static void
assert_tag_invalid(const char *tag, VsDriver driver)
{
    g_autoptr(GError) err = NULL;
    gboolean ok = vs_tag_validate(tag, driver, &err);

    if (ok)
        print_error("tag '%s' (%s) accepted\n", tag ? tag : "(null)",
                    vs_driver_to_string(driver));
    assert_false(ok);
    assert_vs_error(err, VS_ERROR_INVALID);
    assert_non_null(err->message);
    assert_true(err->message[0] != '\0');
}

static void
test_tag_max_len(void **state)
{
    assert_int_equal(vs_tag_max_len(VS_DRIVER_9P), 31);
    assert_int_equal(vs_tag_max_len(VS_DRIVER_VIRTIOFS), 36);
    /* auto is not resolved yet: the stricter 9p limit applies. */
    assert_int_equal(vs_tag_max_len(VS_DRIVER_AUTO), 31);
}

static void
test_tag_validate_empty(void **state)
{
    assert_tag_invalid("", VS_DRIVER_9P);
    assert_tag_invalid("", VS_DRIVER_VIRTIOFS);
    assert_tag_invalid(NULL, VS_DRIVER_9P);
}

static void
test_tag_validate_length(void **state)
{
    g_autofree char *t31 = g_strnfill(31, 'a');
    g_autofree char *t32 = g_strnfill(32, 'a');
    g_autofree char *t36 = g_strnfill(36, 'a');
    g_autofree char *t37 = g_strnfill(37, 'a');

    assert_tag_ok("a", VS_DRIVER_9P);
    assert_tag_ok(t31, VS_DRIVER_9P);
    assert_tag_ok(t31, VS_DRIVER_AUTO);
    assert_tag_invalid(t32, VS_DRIVER_9P);
    assert_tag_invalid(t32, VS_DRIVER_AUTO);
    assert_tag_ok(t32, VS_DRIVER_VIRTIOFS);
    assert_tag_ok(t36, VS_DRIVER_VIRTIOFS);
    assert_tag_invalid(t36, VS_DRIVER_9P);
    assert_tag_invalid(t37, VS_DRIVER_VIRTIOFS);
}

static void
test_tag_validate_chars(void **state)
{
    static const char *const bad[] = {
        "my tag", "a/b", "/abs", "a,b", "-lead", ".lead", "tab\there", "new\nline",
        "quote'", "dq\"", "amp&", "lt<", "gt>", "semi;", "colon:", "eq=", "caf\xc3\xa9",
        "star*", "back\\slash", "trail ", NULL
    };
    static const char *const good[] = {
        "data", "Data_2", "a.b", "a-b", "0lead-digit", "_under", "x.", "x-", "A", NULL
    };

    for (guint i = 0; bad[i]; i++) {
        assert_tag_invalid(bad[i], VS_DRIVER_9P);
        assert_tag_invalid(bad[i], VS_DRIVER_VIRTIOFS);
    }
    for (guint i = 0; good[i]; i++) {
        assert_tag_ok(good[i], VS_DRIVER_9P);
        assert_tag_ok(good[i], VS_DRIVER_VIRTIOFS);
    }
}

/* ---- vs_tag_generate ---- */

static const char *const nasty_sources[] = {
    "/srv/data",
    "/srv/my documents",
    "/srv/it's \"quoted\"",
    "/srv/a&b<c>d",
    "/srv/caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",          /* café 日本語 */
    "/srv/\xf0\x9f\x98\x80\xf0\x9f\x98\x80",                          /* emoji only */
    "/srv/a-very-long-directory-name-that-goes-on-and-on-and-on-for-ever-and-ever",
    "/srv/" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "/",
    "/srv/data/",
    "/srv/data//",
    "/srv/.hidden",
    "/srv/-dash",
    "/srv/...",
    "/srv/---",
    "/srv/ ",
    "/srv/__x__",
    "/srv/a,b;c:d=e",
    "/srv/tab\tnew\nline",
    "relative/dir",
    "",
    NULL
};

static void
assert_generated_tag_sane(const char *source, const char *tag)
{
    g_autoptr(GError) err = NULL;

    assert_non_null(tag);
    if (strlen(tag) > VS_TAG_MAX_9P || !vs_tag_validate(tag, VS_DRIVER_9P, &err)) {
        print_error("bad tag '%s' (%zu bytes) generated for '%s': %s\n", tag, strlen(tag),
                    source, err ? err->message : "too long");
        fail();
    }
    assert_true(g_str_has_prefix(tag, "vs-"));
}

static void
test_tag_generate_valid(void **state)
{
    for (guint i = 0; nasty_sources[i]; i++) {
        g_autofree char *tag = vs_tag_generate(nasty_sources[i], NULL);
        assert_generated_tag_sane(nasty_sources[i], tag);
    }
}

static void
test_tag_generate_deterministic(void **state)
{
    for (guint i = 0; nasty_sources[i]; i++) {
        g_autofree char *a = vs_tag_generate(nasty_sources[i], NULL);
        g_autofree char *b = vs_tag_generate(nasty_sources[i], NULL);
        g_autoptr(GHashTable) empty = g_hash_table_new(g_str_hash, g_str_equal);
        g_autofree char *c = vs_tag_generate(nasty_sources[i], empty);

        assert_string_equal(a, b);
        assert_string_equal(a, c);
    }
}

static void
test_tag_generate_distinct(void **state)
{
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    static const char *const same_base[] = { "/x/data", "/y/data", "/x/data2", NULL };

    /* Every distinct path gets its own tag (the hash covers the whole path). */
    for (guint i = 0; nasty_sources[i]; i++) {
        char *tag = vs_tag_generate(nasty_sources[i], NULL);

        if (g_hash_table_contains(seen, tag))
            print_error("tag '%s' of '%s' already generated for another path\n", tag,
                        nasty_sources[i]);
        assert_false(g_hash_table_contains(seen, tag));
        g_hash_table_add(seen, tag);
    }
    for (guint i = 0; same_base[i]; i++) {
        char *tag = vs_tag_generate(same_base[i], NULL);

        assert_false(g_hash_table_contains(seen, tag));
        g_hash_table_add(seen, tag);
    }
}

static void
test_tag_generate_readable(void **state)
{
    g_autofree char *tag = vs_tag_generate("/home/user/Projects", NULL);
    g_autofree char *root = vs_tag_generate("/", NULL);

    /* "vs-" + basename + "-" + 8 hex digits */
    assert_true(g_str_has_prefix(tag, "vs-Projects-"));
    assert_int_equal(strlen(tag), strlen("vs-Projects-") + 8);
    for (const char *p = tag + strlen("vs-Projects-"); *p; p++)
        assert_true(g_ascii_isxdigit(*p));
    assert_true(g_str_has_prefix(root, "vs-root-"));
}

static void
test_tag_generate_clash(void **state)
{
    for (guint i = 0; nasty_sources[i]; i++) {
        const char *source = nasty_sources[i];
        g_autoptr(GHashTable) taken = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                            g_free, NULL);
        g_autofree char *first = vs_tag_generate(source, taken);
        g_autofree char *second = NULL;
        g_autofree char *third = NULL;
        g_autofree char *again = NULL;

        g_hash_table_add(taken, g_strdup(first));
        second = vs_tag_generate(source, taken);
        assert_generated_tag_sane(source, second);
        assert_string_not_equal(first, second);

        g_hash_table_add(taken, g_strdup(second));
        third = vs_tag_generate(source, taken);
        assert_generated_tag_sane(source, third);
        assert_string_not_equal(third, first);
        assert_string_not_equal(third, second);

        /* Still deterministic with the same taken set. */
        again = vs_tag_generate(source, taken);
        assert_string_equal(third, again);
    }
}

/* ---- vs_path_host_dir_resolve ---- */

typedef struct {
    char *tmp;          /* g_dir_make_tmp */
    char *real_tmp;     /* its canonical path (TMPDIR may be a symlink) */
} PathFixture;

static int
path_setup(void **state)
{
    PathFixture *fx = g_new0(PathFixture, 1);
    char *real;

    fx->tmp = vs_test_tmpdir();
    real = realpath(fx->tmp, NULL);
    assert_non_null(real);
    fx->real_tmp = g_strdup(real);
    free(real);
    *state = fx;
    return 0;
}

static int
path_teardown(void **state)
{
    PathFixture *fx = *state;

    vs_test_rmtree(fx->tmp);
    g_free(fx->tmp);
    g_free(fx->real_tmp);
    g_free(fx);
    return 0;
}

static void
assert_resolve_fails(const char *path)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *res = vs_path_host_dir_resolve(path, &err);

    if (res)
        print_error("'%s' resolved to '%s'\n", path ? path : "(null)", res);
    assert_null(res);
    assert_vs_error(err, VS_ERROR_INVALID);
}

static void
test_resolve_bad(void **state)
{
    PathFixture *fx = *state;
    g_autofree char *missing = g_build_filename(fx->tmp, "missing", NULL);
    g_autofree char *missing_sub = g_build_filename(fx->tmp, "missing", "sub", NULL);
    g_autofree char *file = g_build_filename(fx->tmp, "file", NULL);
    g_autofree char *dangling = g_build_filename(fx->tmp, "dangling", NULL);
    g_autofree char *file_link = g_build_filename(fx->tmp, "file-link", NULL);
    g_autoptr(GError) err = NULL;

    assert_true(g_file_set_contents(file, "x", -1, &err));
    assert_int_equal(symlink(missing, dangling), 0);
    assert_int_equal(symlink(file, file_link), 0);

    assert_resolve_fails(NULL);
    assert_resolve_fails("");
    assert_resolve_fails("relative/dir");     /* missing, relative or not */
    /* relative folders are the current directory's, here for every front end */
    {
        g_autofree char *cwd = g_get_current_dir();
        g_autofree char *real = realpath(cwd, NULL);
        g_autofree char *dot = vs_path_host_dir_resolve(".", &err);

        assert_no_gerror(err);
        assert_string_equal(dot, real);
    }
    assert_resolve_fails(missing);
    assert_resolve_fails(missing_sub);
    assert_resolve_fails(file);
    assert_resolve_fails(dangling);
    assert_resolve_fails(file_link);
}

static void
test_resolve_bad_messages(void **state)
{
    PathFixture *fx = *state;
    g_autofree char *missing = g_build_filename(fx->tmp, "no such dir", NULL);
    g_autoptr(GError) err = NULL;
    g_autofree char *res = vs_path_host_dir_resolve(missing, &err);

    /* The user must see which path was wrong. */
    assert_null(res);
    assert_non_null(err);
    assert_non_null(strstr(err->message, missing));
}

static void
assert_resolves_to(const char *path, const char *expected)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *res = vs_path_host_dir_resolve(path, &err);

    assert_no_gerror(err);
    assert_non_null(res);
    assert_string_equal(res, expected);
}

static void
test_resolve_ok(void **state)
{
    PathFixture *fx = *state;
    g_autofree char *sub = g_build_filename(fx->tmp, "sub", NULL);
    g_autofree char *real_sub = g_build_filename(fx->real_tmp, "sub", NULL);
    g_autofree char *link = g_build_filename(fx->tmp, "link", NULL);
    g_autofree char *link2 = g_build_filename(fx->tmp, "link-to-link", NULL);
    g_autofree char *dotted = g_build_filename(fx->tmp, "sub", "..", "sub", ".", NULL);
    g_autofree char *slash = g_strconcat(sub, "/", NULL);

    assert_int_equal(g_mkdir(sub, 0700), 0);
    assert_int_equal(symlink(sub, link), 0);
    assert_int_equal(symlink("link", link2), 0);       /* relative link target */

    assert_resolves_to(fx->tmp, fx->real_tmp);
    assert_resolves_to(sub, real_sub);
    assert_resolves_to(slash, real_sub);
    assert_resolves_to(link, real_sub);
    assert_resolves_to(link2, real_sub);
    assert_resolves_to(dotted, real_sub);
    assert_resolves_to("/", "/");
}

static void
test_resolve_special_chars(void **state)
{
    PathFixture *fx = *state;
    static const char *const names[] = {
        "with space", "a&b", "it's", "say \"hi\"", "a<b>c", "caf\xc3\xa9", " lead",
        "a b&c<d'e\"f", "Ünïcödé 日本", NULL
    };

    for (guint i = 0; names[i]; i++) {
        g_autofree char *dir = g_build_filename(fx->tmp, names[i], NULL);
        g_autofree char *real_dir = g_build_filename(fx->real_tmp, names[i], NULL);

        assert_int_equal(g_mkdir(dir, 0700), 0);
        assert_resolves_to(dir, real_dir);
    }
}

static void
assert_guest_path_invalid(const char *path)
{
    g_autoptr(GError) err = NULL;

    assert_false(vs_path_guest_validate(path, &err));
    assert_vs_error(err, VS_ERROR_INVALID);
}

/* Names that are not UTF-8 text, or carry control or format characters, are
 * refused, also when a symbolic link leads to them. */
static void
test_resolve_not_text(void **state)
{
    PathFixture *fx = *state;
    static const char *const names[] = {
        "\xc0\xae\xc0\xae",      /* overlong "..": libxml2 writes it as &#x2E;&#x2E; */
        "caf\xe9",                 /* Latin-1 */
        "\xff",
        "new\nline", "tab\there", "esc\x1b[31m", "del\x7f", "c1\xc2\x9b",
        /* format characters: U+202E (right-to-left override), U+200B, U+FEFF */
        "rlo\u202etxt.exe", "zero\u200bwidth", "bom\ufeff", NULL
    };

    for (guint i = 0; names[i]; i++) {
        g_autofree char *dir = g_build_filename(fx->tmp, names[i], NULL);
        g_autofree char *link = g_strdup_printf("%s/link%u", fx->tmp, i);

        assert_int_equal(g_mkdir(dir, 0700), 0);
        assert_resolve_fails(dir);
        assert_int_equal(symlink(dir, link), 0);
        assert_resolve_fails(link);
        /* the guest side too */
        assert_guest_path_invalid(dir);
    }
}

/* A format character is refused like a control character, and named by its
 * code point; other non-ASCII text passes. */
static void
test_text_format_chars(void **state)
{
    g_autoptr(GError) err = NULL;

    assert_false(vs_text_validate("/srv/abc\u202efdp.exe", &err));
    assert_vs_error(err, VS_ERROR_INVALID);
    assert_non_null(strstr(err->message, "U+202E"));
    /* the name itself is shown escaped, never with the raw override */
    assert_non_null(strstr(err->message, "/srv/abc\\u{202e}fdp.exe"));
    assert_null(strstr(err->message, "\u202e"));
    g_clear_error(&err);

    assert_true(vs_text_validate("/srv/Ünïcödé 日本", &err));
    assert_no_gerror(err);
    /* "mi-khāham" in Persian needs a zero-width non-joiner; an emoji family
     * is joined with zero-width joiners */
    assert_true(vs_text_validate("/srv/می‌خواهم", &err));
    assert_no_gerror(err);
    assert_true(vs_text_validate("/srv/👨‍👩‍👧", &err));
    assert_no_gerror(err);
    /* the other zero-width characters stay refused */
    assert_false(vs_text_validate("/srv/ab​c", &err));
    assert_vs_error(err, VS_ERROR_INVALID);
}

/* ---- vs_path_guest_validate ---- */

static void
assert_guest_path(const char *path, gboolean expect_ok)
{
    g_autoptr(GError) err = NULL;
    gboolean ok = vs_path_guest_validate(path, &err);

    if (ok != expect_ok)
        print_error("guest path '%s': expected %s\n", path ? path : "(null)",
                    expect_ok ? "valid" : "invalid");
    assert_int_equal(ok, expect_ok);
    if (expect_ok)
        assert_no_gerror(err);
    else
        assert_vs_error(err, VS_ERROR_INVALID);
}

static void
test_guest_path(void **state)
{
    static const char *const bad[] = {
        NULL, "", "relative", "mnt/x", "./x", "/", "//", "///", "/a/../b", "/..", "/.",
        "/a/.", "/a/./b", "/mnt/x/..", NULL
    };
    static const char *const good[] = {
        "/mnt/x", "/mnt", "/a/b/c", "/mnt/x/", "/mnt//x", "/mnt/with space",
        "/mnt/a&b'c\"d", "/mnt/..x", "/mnt/x..", "/mnt/.hidden", NULL
    };

    /* bad[0] is NULL on purpose: start at 0 and stop at the second NULL. */
    assert_guest_path(bad[0], FALSE);
    for (guint i = 1; bad[i]; i++)
        assert_guest_path(bad[i], FALSE);
    for (guint i = 0; good[i]; i++)
        assert_guest_path(good[i], TRUE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tag_max_len),
        cmocka_unit_test(test_tag_validate_empty),
        cmocka_unit_test(test_tag_validate_length),
        cmocka_unit_test(test_tag_validate_chars),
        cmocka_unit_test(test_tag_generate_valid),
        cmocka_unit_test(test_tag_generate_deterministic),
        cmocka_unit_test(test_tag_generate_distinct),
        cmocka_unit_test(test_tag_generate_readable),
        cmocka_unit_test(test_tag_generate_clash),
        cmocka_unit_test_setup_teardown(test_resolve_bad, path_setup, path_teardown),
        cmocka_unit_test_setup_teardown(test_resolve_bad_messages, path_setup, path_teardown),
        cmocka_unit_test_setup_teardown(test_resolve_ok, path_setup, path_teardown),
        cmocka_unit_test_setup_teardown(test_resolve_special_chars, path_setup, path_teardown),
        cmocka_unit_test_setup_teardown(test_resolve_not_text, path_setup, path_teardown),
        cmocka_unit_test(test_text_format_chars),
        cmocka_unit_test(test_guest_path),
    };

    return cmocka_run_group_tests_name("tag", tests, NULL, NULL);
}
