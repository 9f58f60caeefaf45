#!/usr/bin/env bash
# Install what building and unit-testing virt-share needs (Debian 12).
set -euo pipefail
pkgs=(build-essential autoconf automake autopoint gettext pkg-config
      libvirt-dev libxml2-dev libglib2.0-dev libglib2.0-dev-bin libjson-glib-dev
      libcmocka-dev libacl1-dev xz-utils python3 perl
      libgtk-4-dev libadwaita-1-dev desktop-file-utils appstream
      ansible-core yamllint)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "build-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
