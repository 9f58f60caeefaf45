/* vs-text.c: text from the guest, or an unchecked path, made safe to print. */
#include <config.h>

#include "vs-error.h"
#include "vs-i18n.h"
#include "vs-text.h"

static gboolean
vs_text_needs_escape(gunichar c)
{
    switch (g_unichar_type(c)) {
    case G_UNICODE_CONTROL:             /* C0, DEL, C1 */
    case G_UNICODE_FORMAT:              /* bidi overrides, zero-width characters */
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_PRIVATE_USE:
        return TRUE;
    default:
        return c == '\\';
    }
}

static void
vs_text_escape(GString *out, gunichar c)
{
    switch (c) {
    case '\n':
        g_string_append(out, "\\n");
        return;
    case '\t':
        g_string_append(out, "\\t");
        return;
    case '\\':
        g_string_append(out, "\\\\");
        return;
    default:
        break;
    }
    if (c < 0x80)
        g_string_append_printf(out, "\\x%02x", c);
    else
        g_string_append_printf(out, "\\u{%04x}", c);
}

char *
vs_text_sanitize_cut(const char *text, gssize len, gsize max)
{
    const char *p, *end;
    GString *out, *piece;

    if (!text)
        return g_strdup("");
    if (len < 0)
        len = (gssize)strlen(text);
    out = g_string_sized_new(MIN((gsize)len, max));
    piece = g_string_sized_new(16);
    for (p = text, end = text + len; p < end;) {
        gunichar c = g_utf8_get_char_validated(p, end - p);
        gsize used;

        g_string_truncate(piece, 0);
        if (c == (gunichar)-1 || c == (gunichar)-2 || c == 0) {
            /* not UTF-8 (or a NUL): the byte itself, escaped */
            g_string_append_printf(piece, "\\x%02x", (guchar)*p);
            used = 1;
        } else {
            used = g_utf8_next_char(p) - p;
            if (vs_text_needs_escape(c))
                vs_text_escape(piece, c);
            else
                g_string_append_len(piece, p, used);
        }
        /* whole characters and whole escapes only: a cut one would be
         * invalid UTF-8 or read as another byte */
        if (out->len + piece->len > max) {
            unsigned long left = (unsigned long)(end - p);

            g_string_append_printf(out, ngettext(" [… %lu more byte cut]",
                                                 " [… %lu more bytes cut]", left), left);
            break;
        }
        g_string_append_len(out, piece->str, piece->len);
        p += used;
    }
    g_string_free(piece, TRUE);
    return g_string_free(out, FALSE);
}

char *
vs_text_sanitize(const char *text, gssize len)
{
    return vs_text_sanitize_cut(text, len, G_MAXSIZE);
}

char *
vs_text_for_error(const char *text, gssize len)
{
    return vs_text_sanitize_cut(text, len, VS_TEXT_ERROR_MAX);
}

char *
vs_text_drop_lines(const char *text, VsTextLinePick drop, gpointer data, gboolean *removed)
{
    GString *out = g_string_new(NULL);
    const char *p = text ? text : "";

    *removed = FALSE;
    while (*p) {
        const char *nl = strchr(p, '\n');
        gsize len = nl ? (gsize)(nl - p) : strlen(p);
        g_autofree char *line = g_strndup(p, len);

        if (!drop(line, data)) {
            g_string_append_len(out, p, nl ? len + 1 : len);
        } else {
            *removed = TRUE;
            if (!nl && out->len > 0 && out->str[out->len - 1] == '\n')
                g_string_truncate(out, out->len - 1);
        }
        p += nl ? len + 1 : len;
    }
    return g_string_free(out, FALSE);
}

char *
vs_text_fstab_escape(const char *field)
{
    GString *out = g_string_new(NULL);

    for (const char *p = field; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\\')
            g_string_append_printf(out, "\\%03o", (unsigned char)*p);
        else
            g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

gboolean
vs_text_validate(const char *text, GError **error)
{
    const char *end = NULL;

    if (!g_utf8_validate(text, -1, &end)) {
        g_autofree char *shown = vs_text_sanitize(text, -1);
        g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                    _("'%s' is not valid UTF-8 (invalid byte at offset %ld)"), shown,
                    (long)(end - text));
        return FALSE;
    }
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        g_autofree char *shown = NULL;

        /* Format characters (bidi overrides, zero-width spaces) are
         * invisible or reorder what follows: the path the user confirms
         * would not read as the path it is.  The two joiners are spelling,
         * not layout tricks: Persian and Indic words and emoji sequences
         * need them, so names with them are accepted (shown escaped). */
        if (!g_unichar_iscntrl(c) &&
            (g_unichar_type(c) != G_UNICODE_FORMAT || c == 0x200C || c == 0x200D))
            continue;
        shown = vs_text_sanitize(text, -1);
        if (g_unichar_iscntrl(c))
            g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                        _("'%s' contains a control character (at offset %ld)"), shown,
                        (long)(p - text));
        else
            g_set_error(error, VS_ERROR, VS_ERROR_INVALID,
                        _("'%s' contains U+%04X, an invisible Unicode format character "
                          "(at offset %ld)"), shown, (guint)c, (long)(p - text));
        return FALSE;
    }
    return TRUE;
}
