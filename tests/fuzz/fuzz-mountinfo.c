/* fuzz-mountinfo.c: the guest's /proc/self/mounts and /proc/filesystems text
 * (guest controlled) through the parsers that read them. */
#include <config.h>

#include "fuzz.h"
#include "vs-guest.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_text(data, size);
    g_autoptr(GPtrArray) mounts = vs_guest_parse_mounts(text);
    VsGuestMount *m;

    for (guint i = 0; i < mounts->len; i++) {
        m = g_ptr_array_index(mounts, i);
        FUZZ_CHECK(m->source && m->target && m->fstype && m->options);
        /* every parsed mount is found again by its own tag */
        if (g_str_equal(m->fstype, "9p") || g_str_equal(m->fstype, "virtiofs"))
            FUZZ_CHECK(vs_guest_find_mount(mounts, m->source) != NULL);
    }
    vs_guest_find_mount(mounts, "vs-data-0123abcd");
    vs_guest_filesystems_has(text, "9p");
    vs_guest_filesystems_has(text, "virtiofs");
    return 0;
}
