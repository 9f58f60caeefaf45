/* vs-text.h: text from the guest, or a host path that failed its check, made
 * safe to print; text checked before it goes anywhere (vs_text_validate). */
#pragma once

#include <glib.h>

/* @text (@len bytes, or -1 for NUL-terminated; NULL gives "") as printable
 * UTF-8.  Printable characters (non-ASCII ones too) are kept; control and
 * format characters (C0, DEL, C1 such as the CSI of terminal escape
 * sequences, bidi overrides, line separators), unassigned code points and
 * backslash are escaped as \n, \t, \\ or \u{HHHH}; every byte that is not
 * part of valid UTF-8 (and an embedded NUL) as \xHH, so the exact bytes of
 * an odd file name stay visible.  Every piece of guest text, and every
 * unchecked path, that reaches a terminal, a log or JSON goes through this
 * one function. */
char *vs_text_sanitize(const char *text, gssize len);

/* vs_text_sanitize, but at most @max bytes of it: cut before the first
 * character or escape that does not fit whole, and then marked as cut with
 * the number of input bytes left out. */
char *vs_text_sanitize_cut(const char *text, gssize len, gsize max);

/* Bytes of guest text kept in one error message: a guest can send a 1 MiB
 * stderr (4 MiB escaped), which the watcher would log at every retry. */
#define VS_TEXT_ERROR_MAX 4096

/* Guest text as part of an error message: sanitised and cut at
 * VS_TEXT_ERROR_MAX.  Every piece of guest text in an error goes through it. */
char *vs_text_for_error(const char *text, gssize len);

/* The lines of @text that @drop does not pick, byte for byte: a dropped line
 * takes its newline with it, and a dropped last line without one takes the
 * newline before it, so that lines appended after a text's last line and
 * dropped again give that text back.  *@removed: whether any line went. */
typedef gboolean (*VsTextLinePick)(const char *line, gpointer data);
char *vs_text_drop_lines(const char *text, VsTextLinePick drop, gpointer data,
                         gboolean *removed);

/* An fstab field (the guest's or the host's): white space and backslashes
 * escaped as octal (\040), as fstab(5) wants. */
char *vs_text_fstab_escape(const char *field);

/* Refuse @text unless it is valid UTF-8 without control characters or
 * format characters (VS_ERROR_INVALID).  libvirt, libxml2 and the guest
 * agent handle only UTF-8: libxml2 turns the overlong "\xc0\xae" into '.',
 * so a name that passed the policy would reach libvirt as "..".  Control
 * characters would reach terminals, logs and the guest's fstab; format
 * characters (Unicode category Cf: bidi overrides such as U+202E, zero-width
 * characters such as U+200B, U+FEFF) make a path read as another one;
 * the joiners U+200C and U+200D are spelling and are accepted. */
gboolean vs_text_validate(const char *text, GError **error);
