/* vs-tag.h: mount tags: the name under which the guest sees a share. */
#pragma once

#include <glib.h>
#include "vs-share.h"

/* Longest tag the device accepts: 31 bytes for virtio-9p (as libvirt/QEMU
 * users such as vagrant-libvirt found), 36 for virtio-fs (the virtio spec). */
#define VS_TAG_MAX_9P 31
#define VS_TAG_MAX_VIRTIOFS 36

gsize vs_tag_max_len(VsDriver driver);

/* A tag is 1..max bytes of [A-Za-z0-9._-], not starting with '-' or '.'. */
gboolean vs_tag_validate(const char *tag, VsDriver driver, GError **error);

/* A deterministic tag for @source: "vs-" + a cleaned-up basename + "-" + 8 hex
 * digits of its SHA-256, within the 9p limit.  @taken (may be NULL) holds tags
 * already used in the domain; a clash picks the next hash. */
char *vs_tag_generate(const char *source, GHashTable *taken);
