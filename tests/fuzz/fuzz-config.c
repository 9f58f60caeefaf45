/* fuzz-config.c: the configuration file (virt-share.conf) through
 * vs_config_load and the host path policy it sets.  Besides not crashing:
 * a refused file says why, every root kept is normalised ("//etc" is "/etc",
 * so it matches), the built-in deny list is only ever extended unless
 * builtin-denied-roots=false, and a folder below a configured denied root is
 * refused unless an allowed root at least as specific covers it. */
#include <config.h>

#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "vs-config.h"
#include "vs-defaults.h"
#include "vs-error.h"
#include "vs-policy.h"

/* The input as a file vs_config_load can open by name: one memfd, rewritten
 * for every input (no temporary files left behind by the fuzzer). */
static const char *
config_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];

    if (fd < 0) {
        fd = memfd_create("fuzz-config", MFD_CLOEXEC);
        FUZZ_CHECK(fd >= 0);
        g_snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    FUZZ_CHECK(size == 0 || pwrite(fd, data, size, 0) == (ssize_t)size);
    return path;
}

static gboolean
is_under(const char *path, const char *root)
{
    gsize n = strlen(root);

    return g_str_equal(root, "/") ||
           (strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/'));
}

static void
check_normalised(GStrv roots)
{
    for (guint i = 0; roots[i]; i++) {
        g_autofree char *again = vs_config_normalize_root(roots[i]);
        FUZZ_CHECK(roots[i][0] == '/');
        FUZZ_CHECK(g_str_equal(again, roots[i]));
    }
}

/* A folder below each configured denied root is refused, unless an allowed
 * root at least as specific covers it. */
static void
check_denied(const VsConfig *cfg, const char *path)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_auto(GStrv) denied = NULL;

    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL))
        return;
    denied = g_key_file_get_string_list(kf, "policy", "denied-roots", NULL, NULL);
    for (guint i = 0; denied && denied[i]; i++) {
        g_autofree char *root = vs_config_normalize_root(g_strstrip(denied[i]));
        g_autofree char *below = g_build_filename(root, "vs-fuzz", NULL);
        g_autoptr(GError) error = NULL;
        gboolean covered = FALSE;

        if (!*denied[i] || g_str_equal(root, "/"))
            continue;   /* skipped; "/" refuses only itself */
        FUZZ_CHECK(g_strv_contains((const char *const *)cfg->denied_roots, root));
        for (guint j = 0; cfg->allowed_roots[j]; j++)
            covered |= is_under(below, cfg->allowed_roots[j]) &&
                       strlen(cfg->allowed_roots[j]) >= strlen(root);
        if (!vs_policy_check(cfg, below, &error))
            FUZZ_CHECK(g_error_matches(error, VS_ERROR, VS_ERROR_POLICY));
        else
            FUZZ_CHECK(covered);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = config_file(data, size);
    g_autoptr(GError) error = NULL;
    g_autoptr(VsConfig) cfg = vs_config_load(path, &error);
    g_autoptr(VsConfig) builtin = vs_config_new_default();

    /* a refused file says why, in the one error domain */
    FUZZ_CHECK(cfg || g_error_matches(error, VS_ERROR, VS_ERROR_INVALID));
    if (!cfg)
        return 0;
    FUZZ_CHECK(!error);
    FUZZ_CHECK(cfg->driver < VS_DRIVER_LAST && cfg->mode < VS_MODE_LAST);
    FUZZ_CHECK(cfg->hook_timeout_s >= 1 && cfg->hook_timeout_s <= VS_HOOK_CHECK_TIMEOUT_MAX_S);
    check_normalised(cfg->allowed_roots);
    check_normalised(cfg->denied_roots);
    check_normalised(cfg->data_roots);
    /* data places go with the built-in list: both kept or both dropped */
    if (cfg->data_roots[0]) {
        for (guint i = 0; builtin->denied_roots[i]; i++)
            FUZZ_CHECK(g_strv_contains((const char *const *)cfg->denied_roots,
                                       builtin->denied_roots[i]));
    }
    check_denied(cfg, path);
    return 0;
}
