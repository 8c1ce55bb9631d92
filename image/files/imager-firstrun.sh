#!/bin/sh
# Runs in place of what systemd.run= names on the kernel command line (kernel-command-line.service's drop-in
# masq-imager.conf), which is how Raspberry Pi Imager boots its firstrun.sh. The owner's script is never run:
# masq-imager reads it (/boot/firmware/firstrun.sh) as data, applies its settings, scrubs it and takes the
# systemd.run entries out of cmdline.txt. Exit 0: systemd then reboots into the normal boot.
set -eu
cmdline=/boot/firmware/cmdline.txt
if ! node /usr/lib/masq-image/masq-imager.js; then
  echo "masq-imager did not finish: journalctl -t masq-imager says why" >&2
fi
# Whatever happened above, the next boot must be the normal one, not this again.
if grep -q 'systemd\.run' "$cmdline"; then
  sed -i -e 's/ systemd\.run[_a-z]*=[^ ]*//g' -e 's/ systemd\.unit=kernel-command-line\.target//g' "$cmdline"
fi
exit 0
