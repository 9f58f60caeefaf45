/* fuzz-fstab.c: editing the guest's /etc/fstab (guest controlled text).
 * Input: a tag line, a mount point line, then the fstab text.  Besides not
 * crashing, the edit must keep its promises: adding then removing the share
 * gives back the original text byte for byte, adding twice is adding once. */
#include <config.h>

#include "fuzz.h"
#include "vs-guest.h"
#include "vs-path.h"
#include "vs-tag.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *input = fuzz_text(data, size);
    const char *text = input;
    g_autofree char *tag = fuzz_next_line(&text);
    g_autofree char *target = tag ? fuzz_next_line(&text) : NULL;
    g_autoptr(VsShare) share = vs_share_new();
    g_autofree char *with = NULL;
    g_autofree char *twice = NULL;
    g_autofree char *back = NULL;
    g_autofree char *plain = NULL;
    gboolean removed, had_tag;

    if (!target) {
        text = input;   /* no header: fuzz the text alone */
        g_clear_pointer(&tag, g_free);
    }
    share->tag = tag && vs_tag_validate(tag, VS_DRIVER_VIRTIOFS, NULL) ?
        g_strdup(tag) : g_strdup("vs-fuzz-0123abcd");
    share->target = target && vs_path_guest_validate(target, NULL) ?
        g_strdup(target) : g_strdup("/mnt/fuzz");
    share->driver = size % 2 ? VS_DRIVER_9P : VS_DRIVER_VIRTIOFS;
    share->readonly = size % 3 == 0;

    plain = vs_guest_fstab_without(text, share->tag, &had_tag);
    with = vs_guest_fstab_with(text, share);
    twice = vs_guest_fstab_with(with, share);
    FUZZ_CHECK(g_str_equal(with, twice));
    back = vs_guest_fstab_without(with, share->tag, &removed);
    FUZZ_CHECK(removed);
    if (!had_tag)
        FUZZ_CHECK(g_str_equal(back, text));
    else
        FUZZ_CHECK(g_str_equal(back, plain));
    return 0;
}
