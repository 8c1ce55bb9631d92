#!/bin/sh
# Builds the Raspberry Pi image, dist/image/masq-pi-<version>-arm64.img.xz (+ .sha256, .bmap), from Debian's
# packages and our masq package out of the signed repository dist/apt (make apt-repo). Runs as root; needs
# mmdebstrap, qemu-user-static, dosfstools, mtools, e2fsprogs, fdisk, xz-utils, bmap-tools (make image installs them).
# MASQ_DEBIAN_MIRROR: the Debian mirror to build from (default: the first Debian one in this machine's apt sources).
# MASQ_APT_PUBLIC_URL: where the image's apt source for masq points (default: a placeholder, see image/README.md).
# MASQ_ROOT_CACHE: where the bare Debian root tarball is kept between builds (default /var/tmp/masq-roots).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
start=$(date +%s)
step() { echo "image: $1 ($(($(date +%s) - start)) s)"; }

# What makes the bare root a Pi system with a network, ssh and mDNS; the masq package comes on top of it.
packages="raspi-firmware linux-image-arm64 firmware-brcm80211 systemd-sysv udev initramfs-tools zstd dbus nodejs
openssh-server avahi-daemon libnss-mdns systemd-timesyncd systemd-resolved wpasupplicant ca-certificates netbase
e2fsprogs fdisk iproute2 kmod less nano sudo"
# Manual pages, documentation and translations stay out of the image (the image size limit); copyrights stay.
dpkgopts="path-exclude=/usr/share/man/* path-exclude=/usr/share/doc/* path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/locale/* path-include=/usr/share/locale/locale.alias path-exclude=/usr/share/info/*"

debian_mirror() {
  sed -n 's/^URIs:[[:space:]]*//p; s/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]*\)\{0,1\}\([^[:space:]]*\).*/\2/p' \
    /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | tr ' ' '\n' | grep -E '/debian/?$' | head -n 1
}
mirror=${MASQ_DEBIAN_MIRROR:-$(debian_mirror)}
mirror=${mirror:-http://deb.debian.org/debian}
cache=${MASQ_ROOT_CACHE:-/var/tmp/masq-roots}

ls "$top"/dist/apt/pool/main/m/masq/masq_*_arm64.deb >/dev/null 2>&1 ||
  { echo "image/build.sh: no arm64 masq package in dist/apt; run make apt-repo first" >&2; exit 1; }

# The arm64 root's programs run through qemu-user, registered with binfmt_misc.
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  update-binfmts --enable qemu-aarch64
fi

work=$(mktemp -d /var/tmp/masq-image.XXXXXX)
root=$work/root
cleanup() {
  for m in dev/pts dev sys proc; do
    if mountpoint -q "$root/$m" 2>/dev/null; then umount -l "$root/$m"; fi
  done
  rm -rf "$work" "${tarball:-}.part"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# 1. The bare Debian root, cached by its package list and options (building it takes minutes under emulation).
key=$(printf '%s\n' v1 "$packages" "$dpkgopts" | sha256sum | cut -c1-12)
tarball=$cache/image-trixie-arm64-$key.tar
if [ -f "$tarball" ]; then
  step "reusing the Debian root $tarball"
else
  step "building the Debian root (about 12 minutes under emulation) from $mirror"
  mkdir -p "$cache"
  set -f --
  for o in $dpkgopts; do set -- "$@" "--dpkgopt=$o"; done
  set +f
  mmdebstrap --quiet --architectures=arm64 --variant=minbase --components=main,non-free-firmware --format=tar \
    --include="$(echo "$packages" | tr -s '[:space:]' ',' | sed 's/,$//')" "$@" \
    trixie "$tarball.part" "deb $mirror trixie main non-free-firmware"
  mv "$tarball.part" "$tarball"
  step "Debian root built, $(du -m "$tarball" | cut -f1) MiB"
fi
