#!/bin/sh
# First boot: shows the Daemon's setup code on the console and appends it, as a comment line, to the seed file on
# the boot partition, which any PC can read from the card. A comment, so that it is never taken for a seed.
set -eu
file=/boot/firmware/masq-setup-code.txt
i=0
until out=$(masq setup-code 2>&1); do
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "The Daemon did not answer: $out" >&2; exit 1; }
  sleep 1
done
echo "$out"
if mountpoint -q /boot/firmware; then
  { echo "# $(hostname), first boot:"; printf '%s\n' "$out" | sed 's/^/# /'; } >> "$file"
  sync "$file"
fi
mkdir -p /var/lib/masq-image
touch /var/lib/masq-image/setup-code-written
