/* vs-text.h: text from the guest, made safe to print. */
#pragma once

#include <glib.h>

/* @text (@len bytes, or -1 for NUL-terminated; NULL gives "") as printable
 * UTF-8: invalid UTF-8 becomes U+FFFD; control and format characters
 * (C0, DEL, C1 such as the CSI of terminal escape sequences, bidi overrides,
 * line separators) and backslash are escaped as \n, \t, \\, \xHH or \u{HHHH}.
 * Every piece of guest text that reaches a terminal, a log or JSON goes
 * through this one function. */
char *vs_text_sanitize(const char *text, gssize len);
