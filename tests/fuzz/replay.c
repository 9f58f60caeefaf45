/* replay.c: run every file of tests/fuzz/corpus/TARGET/ (seeds and crash
 * reproducers) through the target's LLVMFuzzerTestOneInput, with the normal
 * compiler, so that `make check` proves none of them crashes any more.
 * Usage: replay-TARGET [FILE|DIR...]   (default: the target's corpus) */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static gboolean
replay_file(const char *path, guint *count)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *data = NULL;
    gsize len;

    if (!g_file_get_contents(path, &data, &len, &error)) {
        g_printerr("replay: %s\n", error->message);
        return FALSE;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    (*count)++;
    return TRUE;
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static gboolean
replay_path(const char *path, guint *count)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = NULL;
    const char *name;

    if (!g_file_test(path, G_FILE_TEST_IS_DIR))
        return replay_file(path, count);
    if (!(dir = g_dir_open(path, 0, NULL))) {
        g_printerr("replay: cannot open %s\n", path);
        return FALSE;
    }
    names = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(dir)))
        g_ptr_array_add(names, g_build_filename(path, name, NULL));
    /* a stable order: a failure names the same file on every run */
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index(names, i);
        if (!g_file_test(file, G_FILE_TEST_IS_REGULAR))
            continue;
        if (g_getenv("FUZZ_REPLAY_VERBOSE"))
            g_printerr("replay: %s\n", file);
        if (!replay_file(file, count))
            return FALSE;
    }
    return TRUE;
}

int
main(int argc, char **argv)
{
    const char *fallback[] = { FUZZ_CORPUS_DIR "/" FUZZ_TARGET, NULL };
    const char *const *paths = argc > 1 ? (const char *const *)argv + 1 : fallback;
    guint count = 0;

    /* TAP, one check, for make check's tap-driver.sh (tests/cmocka-tap.sh);
     * the plan first, so that a crash reads as a check that never ended */
    printf("1..1\n");
    fflush(stdout);
    for (guint i = 0; paths[i]; i++) {
        if (!replay_path(paths[i], &count)) {
            printf("not ok 1 - replay-%s\n", FUZZ_TARGET);
            return EXIT_FAILURE;
        }
    }
    if (count == 0) {
        g_printerr("replay: no inputs for %s (the corpus must hold at least one seed)\n",
                   FUZZ_TARGET);
        printf("not ok 1 - replay-%s: no inputs\n", FUZZ_TARGET);
        return EXIT_FAILURE;
    }
    printf("ok 1 - replay-%s: %u inputs, no crash\n", FUZZ_TARGET, count);
    return EXIT_SUCCESS;
}
