#!/bin/sh
# The setup page's server lives in /usr/lib/masq beside the other programs; Debian's nodejs runs it. A page that
# answers a few requests a minute needs no optimizing compiler, and a small young generation: --lite-mode and
# --max-semi-space-size=1 take about 13 MiB off its idle memory (docs/PERFORMANCE.md); WebAssembly is not used.
exec /usr/bin/node --lite-mode --no-expose-wasm --max-semi-space-size=1 /usr/lib/masq/masq-setup.js --web-root /usr/lib/masq/web-setup "$@"
