/* vs-defaults.h: tuned defaults (chosen as tests/bench/README, "Defaults chosen from it", says). */
#pragma once

/* 9p message size: the Linux default (8 KiB before 5.15, 128 KiB after) makes
 * every read and write a round trip of a few KiB.  The virtio transport of
 * Linux 6.1 caps msize at 125 pages (512000 bytes): asking for 524288 is
 * silently cut to 512000 (measured in the lab), so ask for the real maximum. */
#define VS_9P_MSIZE 512000

/* How long guest-side steps may take (agent wait, mount) by default. */
#define VS_DEFAULT_TIMEOUT_MS 60000

/* The longest --timeout: one day.  Seconds become guint milliseconds, which
 * would wrap above 4294967 s. */
#define VS_MAX_TIMEOUT_S 86400

/* A share's device can be present before the guest can mount it: after a
 * hot-plug the guest is still probing the PCI device, and after a boot the
 * agent can answer while udev is still loading the transport module (a
 * Debian 13 guest under load failed 'mount -t 9p' with "special device does
 * not exist" right after its agent came up).  Every mount is retried with
 * back-off for this long. */
#define VS_DEVICE_SETTLE_MS 10000

/* How long the libvirt hook may spend checking one share at a domain start
 * (a hung NFS or FUSE folder must not hold the start); [hook] check-timeout. */
#define VS_HOOK_CHECK_TIMEOUT_S 5
#define VS_HOOK_CHECK_TIMEOUT_MAX_S 60
