#!/bin/sh
# The setup page's server lives in /usr/lib/masq beside the other programs; Debian's nodejs runs it.
exec /usr/bin/node /usr/lib/masq/masq-setup.js --web-root /usr/lib/masq/web-setup "$@"
