#!/bin/sh
# Builds the Raspberry Pi image, dist/image/masq-pi-<version>-arm64.img.xz (+ .sha256, .bmap), from Debian's
# packages and our masq package out of the signed repository dist/apt (make apt-repo). Runs as root; needs
# mmdebstrap, qemu-user-static, dosfstools, mtools, e2fsprogs, fdisk, xz-utils, bmap-tools (make image installs them).
# MASQ_DEBIAN_MIRROR: the Debian mirror to build from (default: the first Debian one in this machine's apt sources).
# MASQ_APT_PUBLIC_URL: where the image's apt source for masq points (default: a placeholder, see image/README.md).
# MASQ_IMAGE_PUBLIC_URL: where the image is published, for Raspberry Pi Imager's OS list entry (default: a placeholder).
# MASQ_ROOT_CACHE: where the bare Debian root tarball is kept between builds (default /var/tmp/masq-roots).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
start=$(date +%s)
step() { echo "image: $1 ($(($(date +%s) - start)) s)"; }

# What makes the bare root a Pi system with a network, ssh and mDNS; the masq package comes on top of it.
packages="raspi-firmware linux-image-arm64 firmware-brcm80211 systemd-sysv udev initramfs-tools zstd dbus nodejs
openssh-server avahi-daemon libnss-mdns systemd-timesyncd systemd-resolved wpasupplicant ca-certificates netbase
e2fsprogs fdisk iproute2 kmod less nano sudo wireless-regdb tzdata hostapd dnsmasq-base iw nftables"
# Manual pages, documentation and translations stay out of the image (the image size limit); copyrights stay.
dpkgopts="path-exclude=/usr/share/man/* path-exclude=/usr/share/doc/* path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/locale/* path-include=/usr/share/locale/locale.alias path-exclude=/usr/share/info/*"
# Kernel modules for hardware no Raspberry Pi has (PC graphics cards, InfiniBand, data-centre NICs, TV tuners): the
# image's size limit. As dpkg options they stay out after kernel upgrades too.
for m in gpu/drm/amd gpu/drm/nouveau gpu/drm/radeon infiniband net/ethernet/mellanox media/dvb-frontends \
  media/pci media/tuners media/usb/dvb-usb-v2 media/usb/dvb-usb; do
  dpkgopts="$dpkgopts path-exclude=/lib/modules/*/kernel/drivers/$m/* path-exclude=/usr/lib/modules/*/kernel/drivers/$m/*"
done

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
key=$(printf '%s\n' v1 "$packages" "$dpkgopts" "$(cat "$top/image/files/initramfs-fstype.conf")" | sha256sum | cut -c1-12)
tarball=$cache/image-trixie-arm64-$key.tar
if [ -f "$tarball" ]; then
  step "reusing the Debian root $tarball"
else
  step "building the Debian root (about 16 minutes under emulation on 2 cores) from $mirror"
  mkdir -p "$cache"
  set -f --
  for o in $dpkgopts; do set -- "$@" "--dpkgopt=$o"; done
  set +f
  # The root's type is known before the kernel's package makes the initramfs, so its fsck hook puts fsck.ext4 in
  # it and the root is checked (fsck.repair=yes) before it is mounted.
  # shellcheck disable=SC2016 # $1 is mmdebstrap's, expanded when it runs the hook
  mmdebstrap --quiet --architectures=arm64 --variant=minbase --components=main,non-free-firmware --format=tar \
    --setup-hook='mkdir -p "$1/etc/initramfs-tools/conf.d"' \
    --setup-hook="copy-in $top/image/files/initramfs-fstype.conf /etc/initramfs-tools/conf.d" \
    --include="$(echo "$packages" | tr -s '[:space:]' ',' | sed 's/,$//')" "$@" \
    trixie "$tarball.part" "deb $mirror trixie main non-free-firmware"
  mv "$tarball.part" "$tarball"
  step "Debian root built, $(du -m "$tarball" | cut -f1) MiB"
fi

# 2. The image's root: the bare root, our package from our signed repository, the appliance's settings.
step "unpacking the Debian root"
mkdir "$root"
tar -C "$root" --numeric-owner -xpf "$tarball"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"

step "installing masq from the signed repository dist/apt"
files=$top/image/files
install -d -m 0755 "$root/etc/apt/keyrings" "$root/var/tmp/masq-apt"
install -m 0644 "$top/dist/apt/masq-archive-keyring.gpg" "$root/etc/apt/keyrings/"
cp -r "$top/dist/apt/dists" "$top/dist/apt/pool" "$root/var/tmp/masq-apt/"
# Only our repository is read here: everything masq depends on is in the bare root already.
sed "s|^URIs: .*|URIs: file:///var/tmp/masq-apt|" "$top/dist/apt/masq.sources" > "$root/etc/apt/masq-build.sources"
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
apt_build="-o Dir::Etc::SourceList=/etc/apt/masq-build.sources -o Dir::Etc::SourceParts=-"
# shellcheck disable=SC2086 # $apt_build is a list of options
in_root apt-get $apt_build -qq update
# shellcheck disable=SC2086
in_root env DEBIAN_FRONTEND=noninteractive apt-get $apt_build -qq -y --no-install-recommends install masq
rm -rf "$root/usr/sbin/policy-rc.d" "$root/etc/apt/masq-build.sources" "$root/var/tmp/masq-apt"
in_root apt-get clean
rm -rf "$root"/var/lib/apt/lists/*

step "configuring the image"
# apt: Debian's own mirrors (not the build machine's).
rm -f "$root/etc/apt/sources.list"
install -m 0644 "$files/debian.sources" "$root/etc/apt/sources.list.d/debian.sources"

# The boot partition: the kernel command line finds the root by its label. Consoles: the serial port of the Pi 3
# and 4 (ttyS1), then the screen (HDMI), the last console= being /dev/console. The hook would probe the build
# machine for both (and for a Pi 4, which must not get cma=64M): it is told instead, CMA=0 leaving out cma=.
sed -i '/^#\{0,1\}\(ROOTPART\|CONSOLES\|CMA\)=/d' "$root/etc/default/raspi-firmware"
printf 'ROOTPART=LABEL=masq-root\nCONSOLES="ttyS1,115200 tty0"\nCMA=0\n' >> "$root/etc/default/raspi-firmware"
kver=$(basename "$(find "$root/lib/modules" -mindepth 1 -maxdepth 1 | head -n 1)")
# The hook does its work only when told it runs for a package's configure step.
in_root env DEB_MAINT_PARAMS=configure /etc/kernel/postinst.d/z50-raspi-firmware "$kver"

install -m 0644 "$files/fstab" "$root/etc/fstab"
install -d -m 0755 "$root/etc/systemd/resolved.conf.d" "$root/etc/systemd/network"
install -m 0644 "$files/resolved.conf" "$root/etc/systemd/resolved.conf.d/masq-image.conf"
install -m 0644 "$files/10-masq-wired.network" "$root/etc/systemd/network/"
# What this image shares with the pi-gen stage: our apt source, config.toml, the setup-code file, the journal, the
# watchdog, fstrim and the first-boot units.
"$top/image/configure-appliance.sh" "$root"
in_root systemctl enable --quiet systemd-networkd.service systemd-resolved.service systemd-timesyncd.service
# Raspberry Pi Imager's settings (image/README.md), on this image alone: Raspberry Pi OS applies them itself, and
# the .deb also serves Debian desktops. masq-firstboot-imager applies user-data, network-config or firstrun.sh from
# the card; any systemd.run= on the kernel command line (Imager's firstrun.sh boot) runs our shim instead.
[ -f "$top/dist/masq-imager.js" ] || { echo "image/build.sh: no dist/masq-imager.js; run make build" >&2; exit 1; }
sed '/^\/\/# sourceMappingURL=/d' "$top/dist/masq-imager.js" > "$root/usr/lib/masq-image/masq-imager.js"
chmod 0644 "$root/usr/lib/masq-image/masq-imager.js"
install -m 0755 "$files/imager-firstrun.sh" "$root/usr/lib/masq-image/"
install -m 0644 "$files/masq-firstboot-imager.service" "$root/etc/systemd/system/"
install -D -m 0644 "$files/kernel-command-line-imager.conf" \
  "$root/etc/systemd/system/kernel-command-line.service.d/masq-imager.conf"
in_root systemctl enable --quiet masq-firstboot-imager.service
# An empty machine id makes systemd run its first-boot wizard, which would wait on the console for a locale,
# keymap, time zone and root password: the box is set up from its setup page instead.
in_root systemctl mask --quiet systemd-firstboot.service

# No login has a usable password, and nothing secret or box-specific is shipped: each box makes its own ssh host
# keys, credential key, machine id and random seed at first boot (the first-boot units above).
in_root passwd --quiet --lock root
# An empty hash field would be a login without any password: only locked (! or *) fields pass.
if awk -F: '$2 !~ /^[!*]/ { bad = 1 } END { exit !bad }' "$root/etc/shadow"; then
  echo "image/build.sh: a user of the image has a usable password" >&2; exit 1
fi
rm -f "$root"/etc/ssh/ssh_host_* "$root/var/lib/systemd/random-seed" "$root/etc/hostname"
[ -L "$root/var/lib/dbus/machine-id" ] || rm -f "$root/var/lib/dbus/machine-id"
: > "$root/etc/machine-id"
for m in dev/pts dev sys proc; do umount "$root/$m"; done

# 3. The image file, written without loop devices: an MBR with a FAT32 boot partition (what the Pi's firmware
# reads) and the ext4 root, sized to what it holds (it grows to fill the card at first boot).
step "writing the image file"
version=$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$top/package.json" | head -n 1)
out=$top/dist/image
name=masq-pi-$version-arm64.img
mkdir -p "$out"
rm -f "$out/$name" "$out/$name.xz" "$out/$name.xz.sha256" "$out/$name.bmap" "$out/masq-pi-$version.rpi-imager.json"
boot_start=8192                  # sectors of 512 bytes: the partitions start at 4 MiB, as on Raspberry Pi OS
boot_sectors=$((256 * 2048))     # 256 MiB
root_start=$((boot_start + boot_sectors))
used_mib=$(($(du -sm "$root" | cut -f1) - $(du -sm "$root/boot/firmware" | cut -f1)))  # the FAT gets /boot/firmware
root_mib=$((used_mib + used_mib / 5 + 160))  # room for the journal, ext4's metadata and the first updates
img=$work/$name
truncate -s $(((root_start / 2048 + root_mib) * 1024 * 1024)) "$img"
sfdisk --quiet "$img" <<PARTITIONS
label: dos
start=$boot_start, size=$boot_sectors, type=c, bootable
start=$root_start, type=83
PARTITIONS
mkfs.vfat -F 32 -s 2 -n MASQ-BOOT --offset="$boot_start" "$img" $((boot_sectors / 2)) >/dev/null
mcopy -s -p -m -i "$img@@$((boot_start * 512))" "$root"/boot/firmware/* ::/
find "$root/boot/firmware" -mindepth 1 -delete
mkfs.ext4 -q -F -L masq-root -d "$root" -E offset=$((root_start * 512)) "$img" "${root_mib}M"
step "image file written: root $used_mib MiB used of $root_mib MiB"

bmaptool -q create -o "$out/$name.bmap" "$img"
step "compressing with xz"
xz -T0 -6 -c "$img" > "$out/$name.xz.part"
mv "$out/$name.xz.part" "$out/$name.xz"
(cd "$out" && sha256sum "$name.xz" > "$name.xz.sha256")
# Raspberry Pi Imager 2 offers its OS customisation (user, ssh key, Wi-Fi, time zone) only for an OS list entry
# that says how to pass it on (init_format): this one, opened in Imager as a custom content repository.
printf '{"os_list":[{"name":"MASQ Node %s (masq-pi)","description":"%s","url":"%s","release_date":"%s","extract_size":%s,"extract_sha256":"%s","image_download_size":%s,"image_download_sha256":"%s","devices":["pi3-64bit","pi4-64bit"],"architecture":"arm64","init_format":"cloudinit"}]}\n' \
  "$version" "A MASQ Node appliance: set it up from a phone at http://masq-XXXX.local/" \
  "${MASQ_IMAGE_PUBLIC_URL:-https://masq-images.example.invalid}/$name.xz" "$(date -u +%F)" \
  "$(stat -c %s "$img")" "$(sha256sum "$img" | cut -d' ' -f1)" "$(stat -c %s "$out/$name.xz")" \
  "$(cut -d' ' -f1 "$out/$name.xz.sha256")" > "$out/masq-pi-$version.rpi-imager.json"
step "done: $out/$name.xz, $(($(stat -c %s "$out/$name.xz") / 1000000)) MB (the limit is 250 MB)"
