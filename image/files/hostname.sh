#!/bin/sh
# First boot: names the box masq-XXXX, XXXX the last four hex digits of the board's serial number (or, on a board
# without one, of its first network interface's MAC address), so each box has its own mDNS name, masq-XXXX.local.
set -eu
serial() {
  for f in /proc/device-tree/serial-number /sys/firmware/devicetree/base/serial-number; do
    [ -r "$f" ] && tr -d '\000' < "$f" && return 0
  done
  return 1
}
# Network drivers may still be loading this early: wait a little for a real interface.
first_mac() {
  i=0
  while [ "$i" -lt 20 ]; do
    for a in /sys/class/net/*/address; do
      [ -r "$a" ] || continue
      case "$a" in /sys/class/net/lo/*) continue ;; esac
      mac=$(cat "$a")
      [ "$mac" != 00:00:00:00:00:00 ] && echo "$mac" && return 0
    done
    sleep 0.5
    i=$((i + 1))
  done
  return 1
}
hex=$({ serial || first_mac || od -An -N2 -tx1 /dev/urandom; } | tr -cd '0-9a-fA-F' | tr 'A-F' 'a-f')
name=masq-$(echo "$hex" | sed 's/.*\(....\)$/\1/')
echo "$name" > /etc/hostname
hostname "$name"
# Some tools (sudo) want the box's own name to resolve without DNS.
sed -i '/^127\.0\.1\.1[[:space:]]/d' /etc/hosts
printf '127.0.1.1\t%s\n' "$name" >> /etc/hosts
echo "This box is $name ($name.local on the local network)"
