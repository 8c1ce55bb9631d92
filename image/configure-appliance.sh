#!/bin/sh
# The appliance's settings, written into ROOT, a root filesystem being built with masq installed in it. Both images
# run it: image/build.sh (Debian) and the pi-gen stage image/stage-masq (Raspberry Pi OS).
# Usage: image/configure-appliance.sh [--raspios] ROOT
#   --raspios: Raspberry Pi OS grows its root partition and names the host itself (raspberrypi, or the name given in
#   Raspberry Pi Imager), so of the first-boot units only keys and setup-code are installed (image/README.md).
# MASQ_APT_PUBLIC_URL: where the image's apt source for masq points (default: a placeholder, see image/README.md).
# Needs dist/apt (make apt-repo) next to image/, and chroot into ROOT (its systemctl enables the units).
set -eu
firstboot="grow-root hostname keys setup-code"
# The Wi-Fi manager (the setup hotspot) is our image's: Raspberry Pi OS's NetworkManager owns the radio there.
wifi=masq-wifi.service
if [ "${1:-}" = --raspios ]; then
  firstboot="keys setup-code"
  wifi=
  shift
fi
root=${1:?usage: image/configure-appliance.sh [--raspios] ROOT}
here=$(cd "$(dirname "$0")" && pwd)
files=$here/files

# Our repository at its public address: the build installed masq from a copy of it.
sed "s|^URIs: .*|URIs: ${MASQ_APT_PUBLIC_URL:-https://masq-apt.example.invalid/debian}|" "$here/../dist/apt/masq.sources" \
  > "$root/etc/apt/sources.list.d/masq.sources"
chmod 0644 "$root/etc/apt/sources.list.d/masq.sources"

# The appliance's defaults after the package's own. Only once: a rerun (pi-gen's CONTINUE=1) would repeat keys,
# which TOML refuses.
appliance=$files/config-appliance.toml
tail -n "$(wc -l < "$appliance")" "$root/etc/masq/config.toml" | cmp -s - "$appliance" ||
  cat "$appliance" >> "$root/etc/masq/config.toml"
install -m 0644 "$files/masq-setup-code.txt" "$root/boot/firmware/masq-setup-code.txt"

install -d -m 0755 "$root/etc/systemd/journald.conf.d" "$root/etc/systemd/system.conf.d" "$root/usr/lib/masq-image"
install -m 0644 "$files/journald.conf" "$root/etc/systemd/journald.conf.d/masq-image.conf"
install -m 0644 "$files/system.conf" "$root/etc/systemd/system.conf.d/masq-image.conf"

# Each first-boot unit with the script its ExecStart= runs. masq-lan-entry.socket: the whole-home DNS mode's
# ports, which the appliance offers (lan-dns stays off until the owner turns it on).
set -- fstrim.timer masq-lan-entry.socket $wifi
for name in $firstboot; do
  unit=$files/masq-firstboot-$name.service
  install -m 0644 "$unit" "$root/etc/systemd/system/"
  install -m 0755 "$files/$(sed -n 's|^ExecStart=/usr/lib/masq-image/||p' "$unit")" "$root/usr/lib/masq-image/"
  set -- "$@" "masq-firstboot-$name.service"
done
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin systemctl enable --quiet "$@"

# masq's postinst made the key systemd-creds seals with in this root; each box makes its own (masq-firstboot-keys).
rm -f "$root/var/lib/systemd/credential.secret"
