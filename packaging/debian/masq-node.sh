#!/bin/sh
# The program lives in /usr/lib/masq with its one native dependency; Debian's nodejs runs it. A young generation of
# 1 MiB (V8's default grows to 16) and one malloc arena instead of one per thread: 15 MiB less at idle and 35 MiB
# less under load, the same CPU on a quiet machine and less on a busy one (docs/PERFORMANCE.md). The Node also has
# V8 scavenge it early (src/system/young-collections.ts). The Daemon starts the Node with the same flags.
MALLOC_ARENA_MAX=1 exec /usr/bin/node --max-semi-space-size=1 /usr/lib/masq/masq-node.js "$@"
