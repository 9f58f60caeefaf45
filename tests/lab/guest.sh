#!/usr/bin/env bash
# Print the domain XML of the lab's tiny guest on stdout.
# Usage: guest.sh NAME [--memfd|--no-memfd] [--no-acpi] [--cmdline-extra STR] [--disk IMG]
#   --no-memfd   no shared memoryBacking (virtiofs then refuses to attach)
#   --disk IMG   an ext2 image as vda: /init keeps /etc/fstab on it (reboot-proof)
#   --no-acpi    no <acpi/>: libvirt passes -no-acpi, so no PCI hotplug
#   guest /init understands "vs_nomods", "vs_qga_block=CMD,CMD" and "vs_fake_agent" (see init.sh)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { echo "usage: guest.sh NAME [--memfd|--no-memfd] [--no-acpi] [--cmdline-extra STR] [--disk IMG]" >&2; exit 2; }
[ $# -ge 1 ] || usage
name=$1; shift
memfd=true acpi=true extra='' disk=
while [ $# -gt 0 ]; do
    case $1 in
        --memfd) memfd=true ;;
        --no-memfd) memfd=false ;;
        --no-acpi) acpi=false ;;
        --cmdline-extra) [ $# -ge 2 ] || usage; extra+=" $2"; shift ;;
        --disk) [ $# -ge 2 ] || usage; disk=$2; shift ;;
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
disk_el=''
if [ -n "$disk" ]; then disk_el="
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$(xml_esc "$disk")'/>
      <target dev='vda' bus='virtio'/>
    </disk>"; fi

cat <<EOF
<domain type='qemu'>
  <name>$(xml_esc "$name")</name>
  <metadata>
    <lab:owner xmlns:lab='$LAB_NS'>$(xml_esc "$LAB_DIR")</lab:owner>
  </metadata>
  <memory unit='MiB'>384</memory>
  <currentMemory unit='MiB'>384</currentMemory>${memory_backing}
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$(xml_esc "$LAB_GUEST/vmlinuz")</kernel>
    <initrd>$(xml_esc "$LAB_GUEST/initramfs.cpio.gz")</initrd>
    <cmdline>$(xml_esc "console=ttyS0 panic=-1$extra")</cmdline>
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
