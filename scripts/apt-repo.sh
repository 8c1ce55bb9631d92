#!/bin/sh
# Builds dist/apt/, a signed apt repository (suite stable, component main) of the packages in dist/deb/, with
# the public key (masq-archive-keyring.gpg) and a deb822 source for it (masq.sources).
# MASQ_APT_KEY_DIR: a GnuPG home whose key signs the repository (made there on first use, so later builds
# keep the key that installed systems trust); unset, a throwaway key signs it.
# MASQ_APT_URL: the address the repository is served from (default: file:// of dist/apt).
# MASQ_DEB_DIR / MASQ_APT_DIR: where the packages come from and the repository goes (default dist/deb, dist/apt).
# Needs: apt-utils (apt-ftparchive), gnupg.
set -eu
cd "$(dirname "$0")/.."
repo=${MASQ_APT_DIR:-$(pwd)/dist/apt}
debdir=${MASQ_DEB_DIR:-$(pwd)/dist/deb}
ls "$debdir"/masq_*.deb >/dev/null 2>&1 || { echo "apt-repo.sh: no $debdir/masq_*.deb; run make deb first" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'gpgconf --homedir "$GNUPGHOME" --kill all 2>/dev/null || true; rm -rf "$tmp"' EXIT
if [ -n "${MASQ_APT_KEY_DIR:-}" ]; then
  mkdir -p "$MASQ_APT_KEY_DIR"
  chmod 0700 "$MASQ_APT_KEY_DIR"
  GNUPGHOME=$(cd "$MASQ_APT_KEY_DIR" && pwd)
else
  GNUPGHOME=$tmp/gnupg
  mkdir -m 0700 "$GNUPGHOME"
fi
export GNUPGHOME
if ! gpg --batch --list-secret-keys 2>/dev/null | grep -q '^sec'; then
  gpg --batch --quiet --passphrase '' --quick-generate-key 'masq-pi archive signing key' ed25519 sign never
fi
key=$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')

rm -rf "$repo"
mkdir -p "$repo/pool/main/m/masq"
cp "$debdir"/masq_*.deb "$repo/pool/main/m/masq/"
cd "$repo"
for arch in amd64 arm64; do
  dir=dists/stable/main/binary-$arch
  mkdir -p "$dir"
  apt-ftparchive --arch "$arch" packages pool > "$dir/Packages"
  gzip -9n < "$dir/Packages" > "$dir/Packages.gz"
done
apt-ftparchive \
  -o APT::FTPArchive::Release::Origin=masq-pi \
  -o APT::FTPArchive::Release::Label=masq \
  -o APT::FTPArchive::Release::Suite=stable \
  -o APT::FTPArchive::Release::Codename=stable \
  -o APT::FTPArchive::Release::Architectures='amd64 arm64' \
  -o APT::FTPArchive::Release::Components=main \
  -o APT::FTPArchive::Release::Description='MASQ Node packages' \
  release dists/stable > "$tmp/Release"
mv "$tmp/Release" dists/stable/Release
gpg --batch --quiet --yes --local-user "$key" --digest-algo SHA512 --clearsign -o dists/stable/InRelease dists/stable/Release
gpg --batch --quiet --yes --local-user "$key" --digest-algo SHA512 --armor --detach-sign -o dists/stable/Release.gpg \
  dists/stable/Release
gpg --batch --export "$key" > masq-archive-keyring.gpg

cat > masq.sources <<SOURCES
Types: deb
URIs: ${MASQ_APT_URL:-file://$repo}
Suites: stable
Components: main
Signed-By: /etc/apt/keyrings/masq-archive-keyring.gpg
SOURCES
echo "$repo (signed by $key)"
