/* test-guest.c: the pure guest-side helpers: /proc/mounts parsing, the mount
 * argv, /proc/filesystems, fstab lines (--persist). */
#include <config.h>

#include "vs-test-util.h"

#include "vs-guest.h"
#include "vs-share.h"

static VsShare *
make_share(VsDriver driver, const char *tag, const char *target, gboolean ro)
{
    VsShare *s = vs_share_new();
    s->source = g_strdup("/srv/x");
    s->tag = g_strdup(tag);
    s->target = g_strdup(target);
    s->driver = driver;
    s->mode = driver == VS_DRIVER_9P ? VS_MODE_SQUASH : VS_MODE_PASSTHROUGH;
    s->readonly = ro;
    return s;
}

static void
test_parse_mounts(void **state)
{
    const char *text =
        "rootfs / rootfs rw 0 0\n"
        "vs-a /mnt/with\\040space 9p rw,sync,msize=512000,trans=virtio 0 0\n"
        "tagv /mnt/v virtiofs rw,relatime 0 0\n"
        "vs-a /elsewhere ext4 rw 0 0\n"
        "garbage\n";
    g_autoptr(GPtrArray) m = vs_guest_parse_mounts(text);
    VsGuestMount *hit;

    assert_int_equal(m->len, 4);
    hit = vs_guest_find_mount(m, "vs-a");
    assert_non_null(hit);
    assert_string_equal(hit->target, "/mnt/with space");
    assert_string_equal(hit->fstype, "9p");
    assert_non_null(strstr(hit->options, "msize=512000"));
    hit = vs_guest_find_mount(m, "tagv");
    assert_non_null(hit);
    assert_string_equal(hit->fstype, "virtiofs");
    /* only 9p/virtiofs mounts count as shares */
    assert_null(vs_guest_find_mount(m, "rootfs"));
    assert_null(vs_guest_find_mount(m, "nope"));
}

static void
test_mount_argv(void **state)
{
    g_autoptr(VsShare) p9 = make_share(VS_DRIVER_9P, "t9", "/mnt/a b", TRUE);
    g_autoptr(VsShare) vfs = make_share(VS_DRIVER_VIRTIOFS, "tv", "/mnt/v", FALSE);
    g_auto(GStrv) a = vs_guest_mount_argv(p9);
    g_auto(GStrv) b = vs_guest_mount_argv(vfs);
    const char *want_a[] = { "mount", "-t", "9p", "-o",
                             "trans=virtio,version=9p2000.L,msize=512000,ro", "--", "t9", "/mnt/a b",
                             NULL };
    const char *want_b[] = { "mount", "-t", "virtiofs", "-o", "rw", "--", "tv", "/mnt/v", NULL };

    /* an argv array: the path with a space is one argument, no shell quoting */
    assert_int_equal(g_strv_length(a), 8);
    for (guint i = 0; want_a[i]; i++)
        assert_string_equal(a[i], want_a[i]);
    for (guint i = 0; want_b[i]; i++)
        assert_string_equal(b[i], want_b[i]);
}

static void
test_filesystems(void **state)
{
    const char *text = "nodev\tsysfs\nnodev\ttmpfs\n\text4\nnodev\t9p\n";

    assert_true(vs_guest_filesystems_has(text, "9p"));
    assert_true(vs_guest_filesystems_has(text, "ext4"));
    assert_false(vs_guest_filesystems_has(text, "virtiofs"));
    assert_false(vs_guest_filesystems_has(text, "9"));
    assert_false(vs_guest_filesystems_has("", "9p"));
}

static void
test_fstab(void **state)
{
    g_autoptr(VsShare) s = make_share(VS_DRIVER_9P, "vs-x", "/mnt/a b\\c", FALSE);
    g_autofree char *line = vs_guest_fstab_line(s);
    g_autofree char *base = g_strdup("# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n");
    g_autofree char *with = NULL;
    g_autofree char *again = NULL;
    g_autofree char *without = NULL;
    g_autofree char *other = NULL;
    gboolean removed;

    /* escaped mount point, nofail so a missing share never blocks boot */
    assert_string_equal(line, "vs-x /mnt/a\\040b\\134c 9p "
                              "trans=virtio,version=9p2000.L,msize=512000,rw,nofail 0 0\n");
    with = g_strconcat(base, line, NULL);
    /* removing takes exactly our line out and keeps the rest byte for byte */
    without = vs_guest_fstab_without(with, "vs-x", &removed);
    assert_true(removed);
    assert_string_equal(without, base);
    /* idempotent: nothing to remove the second time */
    again = vs_guest_fstab_without(without, "vs-x", &removed);
    assert_false(removed);
    assert_string_equal(again, base);
    /* a non-share line that happens to start with the tag stays */
    other = vs_guest_fstab_without("vs-x /data ext4 defaults 0 0\n", "vs-x", &removed);
    assert_false(removed);
    assert_string_equal(other, "vs-x /data ext4 defaults 0 0\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_mounts),
        cmocka_unit_test(test_mount_argv),
        cmocka_unit_test(test_filesystems),
        cmocka_unit_test(test_fstab),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
