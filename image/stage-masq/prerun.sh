#!/bin/bash
# pi-gen runs this before the stage: it starts from a copy of the previous stage's root (stage2, Raspberry Pi OS
# Lite), or from its own root when a build is continued (CONTINUE=1).
# Not -u: pi-gen's functions (copy_previous, on_chroot) read variables it may leave unset.
set -e
[ -d "$ROOTFS_DIR" ] || copy_previous
