#!/bin/sh
# masq-dns-utility makes this machine the system's DNS server and gives the settings back; Debian's nodejs runs it.
set -eu
exec /usr/bin/node /usr/lib/masq/masq-dns-utility.js "$@"
