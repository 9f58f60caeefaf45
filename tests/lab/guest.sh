#!/usr/bin/env bash
# Print the domain XML of the lab's tiny guest on stdout.
# Usage: guest.sh NAME [--memfd|--no-memfd] [--no-acpi] [--cmdline-extra STR] [--disk IMG]
#                [--os busybox|debian13]
#   --no-memfd   no shared memoryBacking (virtiofs then refuses to attach)
#   --disk IMG   an ext2 image as vda: /init keeps /etc/fstab on it (reboot-proof)
#   --no-acpi    no <acpi/>: libvirt passes -no-acpi, so no PCI hotplug
#   --os debian13  the Debian 13 distribution guest (distro.sh): its kernel and
#                initrd, systemd on IMG (--disk, a qcow2 overlay) as root=/dev/vda
#   guest /init understands "vs_nomods", "vs_qga_block=CMD,CMD" and "vs_fake_agent" (see init.sh)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=distro.sh
. "$(dirname "${BASH_SOURCE[0]}")/distro.sh"

usage() { echo "usage: guest.sh NAME [--memfd|--no-memfd] [--no-acpi] [--cmdline-extra STR] [--disk IMG] [--os busybox|debian13]" >&2; exit 2; }
[ $# -ge 1 ] || usage
name=$1; shift
memfd=true acpi=true extra='' disk='' os=busybox
while [ $# -gt 0 ]; do
    case $1 in
        --memfd) memfd=true ;;
        --no-memfd) memfd=false ;;
        --no-acpi) acpi=false ;;
        --cmdline-extra) [ $# -ge 2 ] || usage; extra+=" $2"; shift ;;
        --disk) [ $# -ge 2 ] || usage; disk=$2; shift ;;
        --os) [ $# -ge 2 ] || usage; os=$2; shift ;;
        *) usage ;;
    esac
    shift
done

# xml_esc STR: escape for XML text and for attributes in either quote style.
xml_esc() {
    local s=$1
    s=${s//&/&amp;}; s=${s//</&lt;}; s=${s//>/&gt;}; s=${s//\'/&apos;}; s=${s//\"/&quot;}
    printf '%s' "$s"
}
memory_backing='' acpi_el=''
if $memfd; then
    memory_backing="
  <memoryBacking>
    <source type='memfd'/>
    <access mode='shared'/>
  </memoryBacking>"
fi
if $acpi; then acpi_el="
    <acpi/>"; fi
kernel=$LAB_GUEST/vmlinuz initrd=$LAB_GUEST/initramfs.cpio.gz memory=384
cmdline="console=ttyS0 panic=-1$extra"
case $os in
    busybox) ;;
    debian13)
        [ -n "$disk" ] || { echo "guest.sh: --os debian13 needs --disk (lab_distro_disk)" >&2; exit 2; }
        kernel=$LAB_DISTRO_DIR/vmlinuz initrd=$LAB_DISTRO_DIR/initrd.img memory=512
        # firstboot off: the image is configured; no prompt on the console.
        cmdline="root=/dev/vda rw console=ttyS0 panic=-1 systemd.firstboot=off$extra" ;;
    *) usage ;;
esac
disk_el=''
if [ -n "$disk" ]; then
    disk_type=raw
    [[ $disk == *.qcow2 ]] && disk_type=qcow2
    disk_el="
    <disk type='file' device='disk'>
      <driver name='qemu' type='$disk_type'/>
      <source file='$(xml_esc "$disk")'/>
      <target dev='vda' bus='virtio'/>
    </disk>"; fi
cat <<EOF
<domain type='qemu'>
  <name>$(xml_esc "$name")</name>
  <metadata>
    <lab:owner xmlns:lab='$LAB_NS'>$(xml_esc "$LAB_DIR")</lab:owner>
  </metadata>
  <memory unit='MiB'>$memory</memory>
  <currentMemory unit='MiB'>$memory</currentMemory>${memory_backing}
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$(xml_esc "$kernel")</kernel>
    <initrd>$(xml_esc "$initrd")</initrd>
    <cmdline>$(xml_esc "$cmdline")</cmdline>
  </os>
  <features>${acpi_el}
    <apic/>
  </features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <controller type='usb' model='none'/>${disk_el}
    <serial type='file'>
      <source path='$(xml_esc "$LAB_STATE/$name-console.log")'/>
      <target port='0'/>
    </serial>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
