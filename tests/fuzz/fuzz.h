/* fuzz.h: what every tests/fuzz/fuzz-*.c target provides (libFuzzer's entry
 * point).  The same function is linked into libFuzzer (--enable-fuzzing) and
 * into replay.c, which runs the corpus in `make check`. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property of the code under test does not hold: crash loudly, in both the
 * fuzzer (which saves the input) and the replay driver (which fails). */
#define FUZZ_CHECK(cond) \
    do { \
        if (!(cond)) { \
            g_printerr("%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
            abort(); \
        } \
    } while (0)

/* The input as a NUL-terminated string (inputs may hold NULs: the text
 * ends at the first one, as it would for a C string from the guest). */
static inline char *
fuzz_text(const uint8_t *data, size_t size)
{
    return g_strndup((const char *)data, size);
}

/* The next line of *@p (without its newline), moving *@p past it; NULL when
 * no newline is left: the rest is the target's text. */
static inline char *
fuzz_next_line(const char **p)
{
    const char *nl = strchr(*p, '\n');
    char *line;

    if (!nl)
        return NULL;
    line = g_strndup(*p, nl - *p);
    *p = nl + 1;
    return line;
}
