#!/bin/sh
# Shows the box's one-time setup code after a login while the box is unclaimed (the Daemon writes the file).
[ -r /run/masq/setup-code.issue ] && cat /run/masq/setup-code.issue
exit 0
