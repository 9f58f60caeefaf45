/* vs-tag.c: mount tags. */
#include <config.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-tag.h"
#include "vs-text.h"

gsize
vs_tag_max_len(VsDriver driver)
{
    return driver == VS_DRIVER_VIRTIOFS ? VS_TAG_MAX_VIRTIOFS : VS_TAG_MAX_9P;
}

static gboolean
vs_tag_char_ok(char c)
{
    return g_ascii_isalnum(c) || c == '.' || c == '_' || c == '-';
}

gboolean
vs_tag_validate(const char *tag, VsDriver driver, GError **error)
{
    gsize max = vs_tag_max_len(driver);
    gsize len = tag ? strlen(tag) : 0;
    g_autofree char *shown = NULL;

    if (len == 0) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID, _("the tag must not be empty"));
        return FALSE;
    }
    /* a refused tag is shown escaped: it may be any bytes */
    shown = vs_text_sanitize(tag, -1);
    if (len > max) {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("tag '%s' is %zu bytes long; %s allows at most %zu"),
                    shown, len, vs_driver_to_string(driver == VS_DRIVER_AUTO ? VS_DRIVER_9P : driver),
                    max);
        return FALSE;
    }
    if (tag[0] == '-' || tag[0] == '.') {
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("tag '%s' must not start with '-' or '.'"), shown);
        return FALSE;
    }
    for (const char *p = tag; *p; p++) {
        if (!vs_tag_char_ok(*p)) {
            g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                        _("tag '%s' may only contain letters, digits, '.', '_' and '-'"),
                        shown);
            return FALSE;
        }
    }
    return TRUE;
}

#define VS_TAG_PREFIX "vs-"
#define VS_TAG_HASH_LEN 8
/* "vs-" + name + "-" + hash fits the 9p limit. */
#define VS_TAG_NAME_MAX (VS_TAG_MAX_9P - (sizeof(VS_TAG_PREFIX) - 1) - 1 - VS_TAG_HASH_LEN)

char *
vs_tag_generate(const char *source, GHashTable *taken)
{
    g_autofree char *base = g_path_get_basename(source);
    g_autoptr(GString) name = g_string_new(NULL);

    for (const char *p = base; *p && name->len < VS_TAG_NAME_MAX; p++) {
        char c = vs_tag_char_ok(*p) ? *p : '_';
        if (c == '_' && name->len && name->str[name->len - 1] == '_')
            continue;
        g_string_append_c(name, c);
    }
    while (name->len && (name->str[0] == '.' || name->str[0] == '-'))
        g_string_erase(name, 0, 1);
    if (name->len == 0 || strcmp(base, G_DIR_SEPARATOR_S) == 0)
        g_string_assign(name, "root");

    for (guint attempt = 0;; attempt++) {
        g_autofree char *seed = attempt ? g_strdup_printf("%s\n%u", source, attempt)
                                        : g_strdup(source);
        g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, seed, -1);
        char *tag = g_strdup_printf(VS_TAG_PREFIX "%s-%.*s", name->str, VS_TAG_HASH_LEN, hash);

        if (!taken || !g_hash_table_contains(taken, tag))
            return tag;
        g_free(tag);
    }
}
