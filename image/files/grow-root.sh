#!/bin/sh
# First boot: grows the root partition (the last one on the card) to the card's end, then its ext4 filesystem,
# while mounted: sfdisk rewrites the partition table, partx tells the kernel, resize2fs grows online.
set -eu
part=$(findmnt -no SOURCE /)
disk=/dev/$(lsblk -no PKNAME "$part")
nr=$(cat "/sys/class/block/$(basename "$part")/partition")
echo ", +" | sfdisk --no-reread --no-tell-kernel -N "$nr" "$disk"
partx --update --nr "$nr" "$disk"
resize2fs "$part"
mkdir -p /var/lib/masq-image
touch /var/lib/masq-image/root-grown
