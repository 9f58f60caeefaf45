/* vs-enum.h: enum <-> string tables (libvirt's src/util/virenum.h is the model).
 *
 *   in the header:  VS_ENUM_DECL(vs_driver);
 *   in the .c file: VS_ENUM_IMPL(vs_driver, VS_DRIVER_LAST, "auto", "9p", "virtiofs");
 *
 * generate const char *vs_driver_to_string(int) (NULL when out of range) and
 * int vs_driver_from_string(const char *) (-1 when unknown).  The build fails
 * when the list does not have exactly _LAST names, so a new enum value cannot
 * be forgotten.  The strings are stable: JSON output and options use them. */
#pragma once

#include <glib.h>

const char *vs_enum_to_string(const char *const *names, guint n_names, int value);
int vs_enum_from_string(const char *const *names, guint n_names, const char *str);

#define VS_ENUM_DECL(name) \
    const char *name##_to_string(int value); \
    int name##_from_string(const char *str)

#define VS_ENUM_IMPL(name, last, ...) \
    static const char *const name##_names[] = { __VA_ARGS__ }; \
    G_STATIC_ASSERT(G_N_ELEMENTS(name##_names) == (last)); \
    const char *name##_to_string(int value) \
    { \
        return vs_enum_to_string(name##_names, G_N_ELEMENTS(name##_names), value); \
    } \
    int name##_from_string(const char *str) \
    { \
        return vs_enum_from_string(name##_names, G_N_ELEMENTS(name##_names), str); \
    }
