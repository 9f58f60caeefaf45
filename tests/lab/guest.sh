#!/usr/bin/env bash
# Print the domain XML of the lab's tiny guest.
# guest.sh NAME [--memfd|--no-memfd] [--no-acpi] [--cmdline-extra STR]
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

name=${1:?usage: guest.sh NAME [--no-memfd] [--no-acpi] [--cmdline-extra STR]}; shift
memfd=true acpi=true extra=
while [ $# -gt 0 ]; do
    case $1 in
        --memfd) memfd=true ;;
        --no-memfd) memfd=false ;;
        --no-acpi) acpi=false ;;
        --cmdline-extra) extra=" $2"; shift ;;
        *) echo "guest.sh: unknown option $1" >&2; exit 1 ;;
    esac
    shift
done
esc() { local s=$1; s=${s//&/&amp;}; s=${s//</&lt;}; s=${s//>/&gt;}; s=${s//\'/&apos;}; s=${s//\"/&quot;}; printf '%s' "$s"; }

cat <<XML
<domain type='qemu'>
  <name>$(esc "$name")</name>
  <memory unit='MiB'>384</memory>
  <vcpu>1</vcpu>
$($memfd && printf "  <memoryBacking>\n    <source type='memfd'/>\n    <access mode='shared'/>\n  </memoryBacking>\n")
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$(esc "$LAB_GUEST/vmlinuz")</kernel>
    <initrd>$(esc "$LAB_GUEST/initramfs.cpio.gz")</initrd>
    <cmdline>$(esc "console=ttyS0 panic=-1 quiet$extra")</cmdline>
  </os>
  <features>
$($acpi && printf "    <acpi/>\n")
    <apic/>
  </features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <serial type='file'>
      <source path='$(esc "$LAB_STATE/$name-console.log")'/>
      <target port='0'/>
    </serial>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <memballoon model='none'/>
  </devices>
</domain>
XML
