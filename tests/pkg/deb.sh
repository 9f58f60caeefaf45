#!/usr/bin/env bash
# Debian packages, as a packager and an administrator meet them (Debian 12,
# root): build-deps from Debian packages, dpkg-buildpackage -us -uc -b on a
# copy of the checkout (virt-share and virt-share-desktop), lintian, install,
# every file where Debian expects it, the installed unit through
# systemd-analyze verify, the launcher and metainfo through their validators,
# then purge and nothing left.
# It installs the package system-wide: on a shared machine run it under the
# lab lock (the hook it installs is the one the e2e lab uses).
# VS_DEB_CHECK=1 also runs make check inside the package build (default:
# nocheck, since run-all.sh has just run it on the same tree).
# VS_DEB_DIR=DIR skips the build and tests the virt-share_*.deb and .changes
# already in DIR (to check install and purge again quickly).
# VS_DEB_KEEP=DIR copies the built .debs and .changes to DIR (for
# tests/e2e/installed.sh, which installs them in a booted Debian root).
# --build-only DIR: build (no lintian, no install), the results in DIR.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../tap.sh
. "$top/tests/tap.sh"

build_only=false
case ${1:-} in
    --build-only) [ -n "${2:-}" ] || tap_bail "usage: deb.sh [--build-only DIR]"
                  build_only=true; VS_DEB_KEEP=$2; unset VS_DEB_DIR ;;
    "") ;;
    *) tap_bail "usage: deb.sh [--build-only DIR]" ;;
esac
[ "$(id -u)" -eq 0 ] || tap_bail "needs root (apt-get, dpkg -i)"
pkgs=(virt-share virt-share-desktop)
$build_only || for p in "${pkgs[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        tap_bail "a $p package is already installed; this test would replace and purge it"
    fi
done
export DEBIAN_FRONTEND=noninteractive

# ---- build dependencies, from debian/control ----
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
apt_q() { apt-get -q -y -o Dpkg::Use-Pty=0 "$@" >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log"; return 1; }; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

profiles=
[ "${VS_DEB_CHECK:-0}" = 1 ] || profiles=nocheck
updated=
for p in dpkg-dev debhelper lintian; do
    installed "$p" && continue
    [ -n "$updated" ] || { apt_q update && updated=1; }
    apt_q install --no-install-recommends "$p" || tap_bail "cannot install $p"
done
if ! (cd "$top" && dpkg-checkbuilddeps ${profiles:+-P"$profiles"}) >/dev/null 2>&1; then
    deps=$(sed -n '/^Build-Depends:/,/^[A-Z]/{/^Build-Depends:/{s/^[^:]*://;p;d};/^[A-Z]/d;p}' "$top/debian/control" | tr -d '\n')
    [ -n "$updated" ] || apt_q update
    apt_q satisfy --no-install-recommends -o APT::Build-Profiles="$profiles" "$deps" ||
        tap_bail "cannot install the build dependencies: $deps"
fi
tap_check "build dependencies satisfied (dpkg-checkbuilddeps)" \
    bash -c 'cd "$1" && dpkg-checkbuilddeps ${2:+-P"$2"}' _ "$top" "$profiles"

# ---- build, on a copy (the checkout stays configured for the other tests) ----
out=${VS_DEB_DIR:-$work}
src=$work/virt-share
mkdir "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$top" && git ls-files -z --cached --others --exclude-standard) |
        (cd "$top" && tar --null -T - -cf -) | tar -xf - -C "$src"
else
    (cd "$top" && tar --exclude=./.git -cf - .) | tar -xf - -C "$src"
fi
# Copied with its build outputs (no git to tell them apart): start clean, or
# make would keep objects compiled for another prefix.
if [ -f "$src/Makefile" ]; then
    make -C "$src" -s distclean >/dev/null 2>&1 || tap_bail "make distclean failed in the copy"
fi
opts="parallel=2"
[ "${VS_DEB_CHECK:-0}" = 1 ] || opts="$opts nocheck"
start=$SECONDS
if [ -n "${VS_DEB_DIR:-}" ]; then
    tap_skip "dpkg-buildpackage -us -uc -b" "VS_DEB_DIR=$VS_DEB_DIR: testing the package built there"
elif (cd "$src" && DEB_BUILD_OPTIONS=$opts dpkg-buildpackage -us -uc -b ${profiles:+-P"$profiles"}) >"$work/build.log" 2>&1; then
    tap_ok "dpkg-buildpackage -us -uc -b ($((SECONDS - start)) s)"
else
    tail -40 "$work/build.log"
    tap_bail "dpkg-buildpackage failed"
fi
debs=()
for p in "${pkgs[@]}"; do
    debs+=("$(ls "$out/${p}"_*.deb)") || tap_bail "no ${p}_*.deb in $out"
done
changes=$(ls "$out"/virt-share_*.changes) || tap_bail "no virt-share_*.changes in $out"
if [ -n "${VS_DEB_KEEP:-}" ]; then
    { mkdir -p "$VS_DEB_KEEP" && cp "${debs[@]}" "$changes" "$VS_DEB_KEEP/"; } ||
        tap_bail "cannot copy the packages to $VS_DEB_KEEP"
    tap_diag "packages kept in $VS_DEB_KEEP"
fi
$build_only && tap_done

# ---- lintian: no error, no warning; info tags are shown, not fatal ----
lint=$(lintian --fail-on error,warning --display-info "$changes" 2>&1)
rc=$?
if [ "$rc" -eq 0 ]; then tap_ok "lintian: no error or warning"; else tap_not_ok "lintian: no error or warning" "$lint"; fi
[ -z "$lint" ] || tap_diag "lintian says: $lint"

# ---- install ----
hook_link=/etc/libvirt/hooks/qemu.d/virt-share
hook_target=/usr/libexec/virt-share/virt-share-hook
if [ -e "$hook_link" ] || [ -L "$hook_link" ]; then tap_bail "$hook_link exists before the install"; fi
if apt_q install --no-install-recommends "${debs[@]}"; then
    tap_ok "apt-get install ${debs[*]##*/}"
else
    tap_bail "the packages do not install"
fi
tap_check "postinst says libvirt reads hooks only at start, with the command, and restarts nothing" \
    bash -c 'grep -q "libvirt reads its hooks only when it starts" "$1" &&
        grep -q "systemctl try-restart libvirtd.service virtqemud.service" "$1"' _ "$work/apt.log"
files=$(dpkg -L "${pkgs[@]}")

tap_check "/usr/bin/virt-share --version" \
    bash -c '/usr/bin/virt-share --version | grep -q "^virt-share [0-9]"'
expect_file() {   # expect_file PATH [test-flag]
    tap_check "installed: $1" test "${2:--f}" "$1"
}
expect_file /usr/bin/virt-share -x
expect_file /usr/libexec/virt-share/virt-share-hook -x
tap_check "hook: /etc/libvirt/hooks/qemu.d/virt-share -> /usr/libexec/virt-share/virt-share-hook" \
    test "$(readlink -f /etc/libvirt/hooks/qemu.d/virt-share)" = /usr/libexec/virt-share/virt-share-hook
expect_file /lib/systemd/system/virt-share-watch.service
expect_file /usr/share/bash-completion/completions/virt-share
expect_file /usr/share/man/man1/virt-share.1.gz
tap_check "the man pages name /etc/virt-share/virt-share.conf, no literal \$sysconfdir" \
    bash -c 'for m in virt-share virt-share-desktop; do
        # roff writes each hyphen as \-
        zcat "/usr/share/man/man1/$m.1.gz" | sed "s/\\\\-/-/g" >"$1/$m.man" || exit 1
        grep -q "/etc/virt-share/virt-share.conf" "$1/$m.man" && ! grep -q "sysconfdir" "$1/$m.man" || exit 1
    done' _ "$work"
expect_file /usr/share/locale/de/LC_MESSAGES/virt-share.mo
expect_file /etc/virt-share/virt-share.conf
expect_file /usr/share/doc/virt-share/copyright
expect_file /usr/bin/virt-share-desktop -x
expect_file /usr/share/applications/org.virtshare.VirtShare.desktop
expect_file /usr/share/metainfo/org.virtshare.VirtShare.metainfo.xml
expect_file /usr/share/icons/hicolor/scalable/apps/org.virtshare.VirtShare.svg
expect_file /usr/share/man/man1/virt-share-desktop.1.gz
expect_file /usr/share/doc/virt-share-desktop/copyright
tap_check "desktop-file-validate the installed launcher" \
    desktop-file-validate /usr/share/applications/org.virtshare.VirtShare.desktop
tap_check "appstreamcli validate the installed metainfo" \
    appstreamcli validate --no-net /usr/share/metainfo/org.virtshare.VirtShare.metainfo.xml
tap_check "virt-share-desktop depends on virt-share of the same version" \
    bash -c 'dpkg-query -W -f="\${Depends}" virt-share-desktop | grep -q "virt-share (= $(dpkg-query -W -f="\${Version}" virt-share))"'
tap_check "German catalogue used by the desktop program: LANGUAGE=de virt-share-desktop --help" \
    bash -c 'env -u DISPLAY -u WAYLAND_DISPLAY LANGUAGE=de LANG=C.UTF-8 /usr/bin/virt-share-desktop --help |
             grep -q "Ordner des Hosts"'
tap_check "virt-share-desktop --help without a display" \
    bash -c 'env -u DISPLAY -u WAYLAND_DISPLAY /usr/bin/virt-share-desktop --help | grep -q -- --connect'
tap_check "virt-share suggests virtiofsd" \
    bash -c 'dpkg-query -W -f="\${Suggests}" virt-share | grep -qw virtiofsd'
tap_check "autopkgtest debian/tests/cli passes against the installed package" \
    bash -c 'cd / && PATH=/usr/bin:/bin sh "$1/debian/tests/cli"' _ "$top"
tap_check "conffile: /etc/virt-share/virt-share.conf" \
    bash -c 'dpkg-query -W -f="\${Conffiles}\n" virt-share | grep -q "^ /etc/virt-share/virt-share.conf "'
tap_check "German catalogue used: LANGUAGE=de virt-share --help" \
    bash -c 'LANGUAGE=de LANG=C.UTF-8 virt-share --help | grep -qi "befehl\|verzeichnis\|freigabe"'
tap_check "watcher not enabled by installing the package" \
    bash -c '! ls /etc/systemd/system/*.wants/virt-share-watch.service 2>/dev/null | grep -q .'
# verify works without systemd as PID 1; with man-db it also looks up
# Documentation=man:virt-share(1), which the package installs.
man=yes
command -v man >/dev/null || man=no
if ! command -v systemd-analyze >/dev/null; then
    tap_skip "systemd-analyze verify /lib/systemd/system/virt-share-watch.service" "no systemd-analyze"
elif out=$(systemd-analyze verify --man="$man" /lib/systemd/system/virt-share-watch.service 2>&1) &&
     [ -z "$out" ]; then
    tap_ok "systemd-analyze verify /lib/systemd/system/virt-share-watch.service"
else
    tap_not_ok "systemd-analyze verify /lib/systemd/system/virt-share-watch.service" "$out"
fi

# ---- the hook's link: made by postinst; an administrator's removal sticks ----
reinstall() { apt_q install --reinstall --no-install-recommends "${debs[@]}"; }
rm -f "$hook_link"
tap_check "a reinstall (as an upgrade runs postinst) leaves the link the administrator removed away" \
    bash -c 'reinstall_ok=$1; link=$2; [ "$reinstall_ok" = 0 ] && [ ! -e "$link" ] && [ ! -L "$link" ]' \
    _ "$(reinstall; echo $?)" "$hook_link"
ln -s "$hook_target" "$hook_link"
tap_check "apt-get remove takes the package's link away with the program" \
    bash -c 'apt-get -q -y remove virt-share-desktop virt-share >/dev/null 2>&1 && [ ! -L "$1" ]' _ "$hook_link"
tap_check "installed again after remove, the link is back" \
    bash -c 'reinstall_ok=$1; [ "$reinstall_ok" = 0 ] && [ "$(readlink "$2")" = "$3" ]' \
    _ "$(reinstall; echo $?)" "$hook_link" "$hook_target"

# ---- purge: nothing of the package left ----
if apt_q purge "${pkgs[@]}"; then
    tap_ok "apt-get purge ${pkgs[*]}"
else
    tap_not_ok "apt-get purge ${pkgs[*]}" "$(tail -5 "$work/apt.log")"
fi
left=()
while IFS= read -r f; do
    # directories other packages own (/usr/share/locale/de, ...) may stay,
    # and so do /lib and /bin, links to /usr's under the merged /usr; the
    # packages ship no link to a directory of their own
    [ -d "$f" ] && continue
    [ -e "$f" ] || [ -L "$f" ] && left+=("$f")
done <<<"$files"
for d in "$hook_link" /var/lib/virt-share /etc/virt-share /usr/libexec/virt-share /usr/share/doc/virt-share \
         /usr/share/doc/virt-share-desktop; do
    [ -e "$d" ] || [ -L "$d" ] && left+=("$d")
done
for f in /var/lib/systemd/deb-systemd-helper-enabled/virt-share-watch.service.dsh-also \
         /var/lib/systemd/deb-systemd-helper-masked/virt-share-watch.service; do
    [ -e "$f" ] && left+=("$f")
done
if [ "${#left[@]}" -eq 0 ]; then tap_ok "purge left no file behind"; else tap_not_ok "purge left no file behind" "${left[*]}"; fi
tap_check "dpkg knows neither package any more" \
    bash -c '! dpkg-query -W -f="\${db:Status-Status}\n" "$@" 2>/dev/null | grep -qv "^not-installed$"' \
    _ "${pkgs[@]}"
tap_diag "package test: $SECONDS s in all"
tap_done
