#!/bin/sh
# Builds dist/deb/masq_<version>-<revision>_<arch>.deb (arch: amd64 or arm64) on any machine: the tree is assembled here
# and packed by dpkg-deb. The native code is LMDB's and msgpackr's prebuilt N-API addons, taken from the npm registry
# for the target's CPU, and our cipher addon, compiled here for it (scripts/build-addon.sh).
# Needs: node, npm, dpkg-deb, gcc for the target's CPU (gcc-aarch64-linux-gnu for arm64 on an amd64 machine), and
# binutils-multiarch when strip must read an arm64 ELF on an amd64 machine.
# MASQ_DEB_REVISION (default 1) and MASQ_DEB_DIR (default dist/deb): the system test builds an older revision
# elsewhere to upgrade from.
set -eu

arch=${1:?usage: scripts/build-deb.sh amd64|arm64}
case $arch in
  amd64) cpu=x64 ;;
  arm64) cpu=arm64 ;;
  *) echo "build-deb.sh: no build for '$arch' (amd64 or arm64)" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
top=$(pwd)
for f in dist/masq.js dist/masq-node.js dist/masq-setup.js dist/masq-ssh-access.js dist/masq-wifi.js dist/masq-dns-utility.js dist/web-setup/index.html dist/geo-country.bin; do
  [ -f "$f" ] || { echo "build-deb.sh: $f is missing; run make build first" >&2; exit 1; }
done

version=$(node -p 'require("./package.json").version')
debversion=$version-${MASQ_DEB_REVISION:-1}
debdir=${MASQ_DEB_DIR:-$top/dist/deb}
lmdb_version=$(node -p 'require("./package-lock.json").packages["node_modules/lmdb"].version')
# Every timestamp in the package is the last commit's, so two builds of one commit give the same bytes.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
export SOURCE_DATE_EPOCH
umask 022

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
app=$root/usr/lib/masq

# node_modules holds only what the bundles leave external (lmdb, see scripts/build.mjs) and its runtime
# dependencies. The project's lock file keeps their versions the ones the tests ran with; --cpu makes npm pick
# the target's optional addon packages instead of this machine's; --ignore-scripts because nothing is compiled.
mkdir -p "$work/npm" "$app"
cat > "$work/npm/package.json" <<JSON
{
  "name": "masq",
  "version": "$version",
  "private": true,
  "license": "GPL-3.0-only",
  "type": "module",
  "dependencies": { "lmdb": "$lmdb_version" }
}
JSON
cp package-lock.json "$work/npm/"
(cd "$work/npm" && npm install --omit=dev --os=linux --cpu="$cpu" --libc=glibc --ignore-scripts \
  --no-audit --no-fund --loglevel=error)
nm=$work/npm/node_modules
[ -d "$nm/@lmdb/lmdb-linux-$cpu" ] || { echo "build-deb.sh: npm did not install @lmdb/lmdb-linux-$cpu" >&2; exit 1; }

# What only building, publishing or testing the packages needs: C/C++ sources and headers (the addons come
# prebuilt), install-time commands, musl builds (Debian uses glibc), type definitions, source maps, docs, tests,
# editor state, npm's own records. The licenses stay with their packages.
ngb=$nm/node-gyp-build-optional-packages
rm -rf "$nm/.bin" "$nm/.package-lock.json" "$nm/node-addon-api" "$nm/ordered-binary/assets" \
  "$ngb/bin.js" "$ngb/optional.js" "$ngb/build-test.js" \
  "$nm/lmdb/dependencies" "$nm/lmdb/src" "$nm/lmdb/bin" "$nm/lmdb/binding.gyp" \
  "$nm/lmdb/util/set-optional-deps.cjs" "$nm/lmdb/util/remove-optional-deps.cjs" \
  "$nm/msgpackr-extract/src" "$nm/msgpackr-extract/bin" "$nm/msgpackr-extract/binding.gyp" \
  "$nm/msgpackr/test-worker.js" "$nm/msgpackr/dist/test.js"
find "$nm" \( -name '*.musl.node' -o -name '*.map' -o -name '*.d.ts' -o -name '*.d.cts' -o -name '*.md' \
  -o -name 'rollup.config.js' \) -type f -delete
find "$nm" \( -name tests -o -name test -o -name '.*' \) -type d -prune -exec rm -rf {} +
cp -R "$nm" "$app/node_modules"

# The addons come with debugging symbols (several MB each); nobody debugs them from the package.
find "$app/node_modules" -name '*.node' -type f | while read -r addon; do
  strip --strip-unneeded --remove-section=.comment "$addon" || {
    echo "build-deb.sh: cannot strip $addon (install binutils-multiarch to strip other architectures)" >&2; exit 1; }
done

# The bundles and their chunks without their source maps: the maps would carry the whole TypeScript source.
mkdir -p "$app/chunks"
for f in dist/masq.js dist/masq-node.js dist/masq-setup.js dist/masq-ssh-access.js dist/masq-wifi.js dist/masq-dns-utility.js dist/chunks/*.js; do
  sed '/^\/\/# sourceMappingURL=/d' "$f" > "$app/${f#dist/}"
done
cp "$work/npm/package.json" "$app/package.json"
cp -R dist/web-setup "$app/web-setup"
# The IP-to-country table, read beside the bundles (src/geo/load.ts).
cp dist/geo-country.bin "$app/geo-country.bin"
# The cipher addon, read beside the bundles too (src/crypto/cipher-addon.ts), for the package's CPU.
scripts/build-addon.sh "$arch" "$work/masq-cipher.node"
strip --strip-unneeded --remove-section=.comment "$work/masq-cipher.node"
install -m 0644 "$work/masq-cipher.node" "$app/masq-cipher.node"

install -D -m 0755 packaging/debian/masq.sh "$root/usr/bin/masq"
install -D -m 0755 packaging/debian/masq-node.sh "$root/usr/bin/masq-node"
install -D -m 0755 packaging/debian/masq-setup.sh "$root/usr/bin/masq-setup"
install -D -m 0755 packaging/debian/masq-dns-utility.sh "$root/usr/bin/masq-dns-utility"
# The setup code on the console before login (agetty reads /etc/issue.d) and after an ssh login (motd), from the
# file the Daemon keeps in /run/masq while the box is unclaimed.
mkdir -p "$root/etc/issue.d"
ln -s /run/masq/setup-code.issue "$root/etc/issue.d/masq-setup.issue"
install -D -m 0755 packaging/debian/motd-setup-code.sh "$root/etc/update-motd.d/60-masq-setup-code"
install -D -m 0644 packaging/debian/config.toml "$root/etc/masq/config.toml"
install -D -m 0644 packaging/debian/sysusers.conf "$root/usr/lib/sysusers.d/masq.conf"
install -D -m 0644 packaging/debian/tmpfiles.conf "$root/usr/lib/tmpfiles.d/masq.conf"
install -D -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/masq"
for unit in systemd/*.service systemd/*.socket systemd/*.timer systemd/*.path; do
  [ -f "$unit" ] || { echo "build-deb.sh: no unit in systemd/" >&2; exit 1; }
  install -D -m 0644 "$unit" "$root/usr/lib/systemd/system/$(basename "$unit")"
done

doc=$root/usr/share/doc/masq
install -D -m 0644 packaging/debian/copyright "$doc/copyright"
install -m 0644 packaging/debian/README.Debian "$doc/README.Debian"
# The units' Documentation= points at them (LAN.md: masq-lan-entry.socket); the man page of masq-dns-utility at DNS.md.
install -m 0644 docs/SETUP.md docs/SECURITY.md docs/DNS.md docs/LAN.md "$doc/"
{
  printf 'masq (%s) unstable; urgency=medium\n\n' "$debversion"
  printf '  * masq-pi %s packaged for Debian.\n\n' "$version"
  printf ' -- %s  %s\n' "$(sed -n 's/^Maintainer: //p' packaging/debian/control.in)" \
    "$(LC_ALL=C date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$doc/changelog.Debian.gz"
mkdir -p "$root/usr/share/man/man1"
for page in masq.1 masq-node.1 masq-setup.1 masq-dns-utility.1; do
  gzip -9n < "packaging/man/$page" > "$root/usr/share/man/man1/$page.gz"
done

find "$root" -type d -exec chmod 0755 {} +
find "$app" -type f -exec chmod 0644 {} +

mkdir -p "$root/DEBIAN"
for script in postinst prerm postrm; do
  install -m 0755 "packaging/debian/$script" "$root/DEBIAN/$script"
done
printf '%s\n' /etc/masq/config.toml /etc/update-motd.d/60-masq-setup-code > "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort | xargs md5sum) \
  > "$root/DEBIAN/md5sums"
installed_size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$debversion/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
  packaging/debian/control.in > "$root/DEBIAN/control"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

find "$root" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$debdir"
out=$debdir/masq_${debversion}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
