#!/bin/sh
# First boot: the secrets each box must make for itself, never shipped in the image: the ssh host keys and the
# host key systemd-creds seals the Node's database password with (masq setup --unattended-restart on).
set -eu
ssh-keygen -A
systemd-creds setup
mkdir -p /var/lib/masq-image
touch /var/lib/masq-image/keys-made
