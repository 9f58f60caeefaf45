/* fuzz-guest-text.c: guest text through vs_text_sanitize, the one function
 * between the guest and a terminal: the result is valid UTF-8 without any
 * control or format character, so no escape sequence can get through. */
#include <config.h>

#include "fuzz.h"
#include "vs-text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *safe = vs_text_sanitize((const char *)data, (gssize)size);

    FUZZ_CHECK(g_utf8_validate(safe, -1, NULL));
    for (const char *p = safe; *p; p = g_utf8_next_char(p)) {
        GUnicodeType t = g_unichar_type(g_utf8_get_char(p));
        FUZZ_CHECK(t != G_UNICODE_CONTROL && t != G_UNICODE_FORMAT &&
                   t != G_UNICODE_LINE_SEPARATOR && t != G_UNICODE_PARAGRAPH_SEPARATOR);
    }
    return 0;
}
