/* vs-enum.c: the lookups behind VS_ENUM_IMPL. */
#include <config.h>

#include <string.h>

#include "vs-enum.h"

const char *
vs_enum_to_string(const char *const *names, guint n_names, int value)
{
    if (value < 0 || (guint)value >= n_names)
        return NULL;
    return names[value];
}

int
vs_enum_from_string(const char *const *names, guint n_names, const char *str)
{
    if (!str)
        return -1;
    for (guint i = 0; i < n_names; i++) {
        if (strcmp(names[i], str) == 0)
            return (int)i;
    }
    return -1;
}
