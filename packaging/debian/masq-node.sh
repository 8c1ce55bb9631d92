#!/bin/sh
# The program lives in /usr/lib/masq with its one native dependency; Debian's nodejs runs it. A young generation of
# 1 MiB (V8's default grows to 16) keeps the cells a relay allocates in the CPU's cache: 30-40 % less CPU per MB
# relayed and 25-30 MiB less memory under load. One malloc arena instead of one per thread that allocates: 3 MiB less
# at idle, 6-11 under load, the same CPU (docs/PERFORMANCE.md). The Daemon starts the Node with both.
MALLOC_ARENA_MAX=1 exec /usr/bin/node --max-semi-space-size=1 /usr/lib/masq/masq-node.js "$@"
