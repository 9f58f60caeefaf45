/* vs-test-util.h: helpers shared by the cmocka unit tests (header only). */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "vs-error.h"

static inline const char *
vs_test_error_name(int code)
{
    const char *name = vs_error_code_to_string(code);

    return name ? name : "(unknown code)";
}

/* Fail (at the caller's line) unless @err is VS_ERROR / @code. */
static inline void
vs_test_check_error(const GError *err, int code, const char *file, int line)
{
    if (!err) {
        print_error("expected error %s, but the call succeeded\n", vs_test_error_name(code));
        _fail(file, line);
        return;
    }
    if (err->domain != VS_ERROR || err->code != code) {
        print_error("expected error %s, got %s/%d (%s): %s\n", vs_test_error_name(code),
                    g_quark_to_string(err->domain), err->code,
                    err->domain == VS_ERROR ? vs_test_error_name(err->code) : "?",
                    err->message);
        _fail(file, line);
    }
}

/* Fail (at the caller's line) if @err is set, printing its message. */
static inline void
vs_test_check_no_error(const GError *err, const char *file, int line)
{
    if (err) {
        print_error("unexpected error %s/%d: %s\n", g_quark_to_string(err->domain),
                    err->code, err->message);
        _fail(file, line);
    }
}

#define assert_vs_error(err, code) vs_test_check_error((err), (code), __FILE__, __LINE__)
#define assert_no_gerror(err) vs_test_check_no_error((err), __FILE__, __LINE__)

/* Fail when two (long) texts differ, showing where: the first differing line
 * with a few lines of context from both (on stderr: cmocka's print_error
 * truncates long messages). */
static inline void
vs_test_check_text_equal(const char *expected, const char *actual, const char *what,
                         const char *file, int line)
{
    g_auto(GStrv) want = NULL;
    g_auto(GStrv) got = NULL;
    guint n_want, n_got, first = 0;

    if (g_strcmp0(expected, actual) == 0)
        return;
    want = g_strsplit(expected ? expected : "(null)", "\n", -1);
    got = g_strsplit(actual ? actual : "(null)", "\n", -1);
    n_want = g_strv_length(want);
    n_got = g_strv_length(got);
    while (first < n_want && first < n_got && strcmp(want[first], got[first]) == 0)
        first++;
    g_printerr("%s differs from line %u on:\n", what, first + 1);
    for (guint i = first >= 3 ? first - 3 : 0; i < first + 6 && i < MAX(n_want, n_got); i++) {
        if (i < first) {
            g_printerr("    %4u  %s\n", i + 1, want[i]);
            continue;
        }
        if (i < n_want)
            g_printerr("  - %4u  %s\n", i + 1, want[i]);
        if (i < n_got)
            g_printerr("  + %4u  %s\n", i + 1, got[i]);
    }
    g_printerr("  (- expected, + actual)\n");
    _fail(file, line);
}

#define assert_text_equal(expected, actual, what) \
    vs_test_check_text_equal((expected), (actual), (what), __FILE__, __LINE__)

/* A fresh temporary directory, removed (recursively) by vs_test_rmtree. */
static inline char *
vs_test_tmpdir(void)
{
    g_autoptr(GError) err = NULL;
    char *dir = g_dir_make_tmp("vs-test-XXXXXX", &err);

    assert_no_gerror(err);
    assert_non_null(dir);
    return dir;
}

static inline void
vs_test_rmtree(const char *path)
{
    g_autoptr(GDir) dir = NULL;
    const char *name;

    if (!path)
        return;
    if (g_file_test(path, G_FILE_TEST_IS_SYMLINK) || !g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_unlink(path);
        return;
    }
    dir = g_dir_open(path, 0, NULL);
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *child = g_build_filename(path, name, NULL);
        vs_test_rmtree(child);
    }
    g_rmdir(path);
}

/* Read a whole file; fails the test if it cannot. */
static inline char *
vs_test_read_file(const char *path)
{
    g_autoptr(GError) err = NULL;
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, &err))
        print_error("cannot read %s: %s\n", path, err->message);
    assert_no_gerror(err);
    return text;
}

/* The URI of the libvirt test driver loaded with tests/data/testnode.xml. */
#define VS_TEST_NODE_URI "test://" TEST_DATA_DIR "/testnode.xml"
