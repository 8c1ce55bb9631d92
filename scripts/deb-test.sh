#!/bin/sh
# `make deb-test`: builds the packages twice from this tree (revision 0 as "the previous build", then the current
# revision) into two repositories signed by one key, then boots clean Debian 12 and 13 roots and an arm64 root
# (test/system) to install, restart, upgrade and purge. Needs root, mmdebstrap, systemd-container,
# qemu-user-static and binfmt-support besides the packaging tools.
set -eu
cd "$(dirname "$0")/.."
key=$(mktemp -d)
trap 'gpgconf --homedir "$key" --kill all 2>/dev/null || true; rm -rf "$key" dist/deb-previous' EXIT
export MASQ_APT_KEY_DIR="$key"
for arch in amd64 arm64; do MASQ_DEB_REVISION=0 MASQ_DEB_DIR=dist/deb-previous scripts/build-deb.sh "$arch" >/dev/null; done
MASQ_DEB_DIR=$(pwd)/dist/deb-previous MASQ_APT_DIR=$(pwd)/dist/apt-previous scripts/apt-repo.sh >/dev/null
rm -rf dist/deb
for arch in amd64 arm64; do scripts/build-deb.sh "$arch" >/dev/null; done
scripts/apt-repo.sh >/dev/null
# The Debian roots first: built once and cached, they take longer than a test may the first time.
node --import tsx scripts/debian-roots.ts
start=$(date +%s)
scripts/run-tests.sh system
echo "deb-test: system tests took $(( $(date +%s) - start )) s"
