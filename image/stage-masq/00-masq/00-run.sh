#!/bin/bash
# masq from our signed repository dist/apt (make apt-repo) onto Raspberry Pi OS, then the appliance's settings
# (image/configure-appliance.sh, as image/build.sh does). pi-gen runs it as root from this directory, with ROOTFS_DIR
# the root being built and on_chroot to run commands in it. MASQ_APT_PUBLIC_URL (exported from pi-gen's config):
# where the image's apt source for masq points.
# Not -u: pi-gen's functions (on_chroot) read variables it may leave unset.
set -e
: "${ROOTFS_DIR:?pi-gen runs this script (it sets ROOTFS_DIR)}"
top=$(cd "$(dirname "$0")/../../.." && pwd)
repo=$top/dist/apt
ls "$repo"/pool/main/m/masq/masq_*_arm64.deb >/dev/null 2>&1 ||
  { echo "stage-masq: no arm64 masq package in $repo; run make apt-repo first" >&2; exit 1; }

# A copy of our repository, read next to Raspberry Pi OS's sources (masq's nodejs comes from Debian's); neither the
# copy nor its source stays in the root, whether the install works or not.
copy=$ROOTFS_DIR/var/tmp/masq-apt
build_source=$ROOTFS_DIR/etc/apt/sources.list.d/masq-build.sources
trap 'rm -rf "$copy" "$build_source"' EXIT
trap 'exit 1' INT TERM HUP
install -d -m 0755 "$ROOTFS_DIR/etc/apt/keyrings" "$copy"
install -m 0644 "$repo/masq-archive-keyring.gpg" "$ROOTFS_DIR/etc/apt/keyrings/"
cp -r "$repo/dists" "$repo/pool" "$copy/"
sed "s|^URIs: .*|URIs: file:///var/tmp/masq-apt|" "$repo/masq.sources" > "$build_source"
on_chroot <<'CHROOT'
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends masq
CHROOT

"$top/image/configure-appliance.sh" --raspios "$ROOTFS_DIR"
