#!/bin/sh
# Compiles the cipher addon (src/crypto/native/masq-cipher.c) for amd64 or arm64 into the file given, with Debian's
# hardening flags. The headers are Node-API's own (the node-api-headers npm package, the same on every CPU); OpenSSL
# is the process's, bound when the addon loads, so nothing else is needed: gcc for this machine's CPU, or
# gcc-aarch64-linux-gnu to build the arm64 package on an amd64 machine.
set -eu
arch=${1:?usage: scripts/build-addon.sh amd64|arm64 OUTPUT}
out=${2:?usage: scripts/build-addon.sh amd64|arm64 OUTPUT}
case $arch in
  amd64) cc=x86_64-linux-gnu-gcc ;;
  arm64) cc=aarch64-linux-gnu-gcc ;;
  *) echo "build-addon.sh: no build for '$arch' (amd64 or arm64)" >&2; exit 2 ;;
esac
command -v "$cc" >/dev/null 2>&1 || { echo "build-addon.sh: $cc is missing (Debian package gcc for this machine's CPU, gcc-aarch64-linux-gnu for arm64)" >&2; exit 1; }
cd "$(dirname "$0")/.."
mkdir -p "$(dirname "$out")"
# -z now: every OpenSSL call is bound at load, so a process without them fails to load the addon, not mid-stream.
"$cc" -std=c11 -O2 -g0 -fPIC -shared -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
  -DNAPI_VERSION=8 -Inode_modules/node-api-headers/include -Wl,-z,relro -Wl,-z,now \
  -o "$out.tmp" src/crypto/native/masq-cipher.c
mv "$out.tmp" "$out"
