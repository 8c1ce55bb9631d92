#!/bin/sh
# The program lives in /usr/lib/masq with its one native dependency; Debian's nodejs runs it.
exec /usr/bin/node /usr/lib/masq/masq.js "$@"
