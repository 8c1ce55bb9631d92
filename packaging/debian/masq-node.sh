#!/bin/sh
# The program lives in /usr/lib/masq with its one native dependency; Debian's nodejs runs it. A young generation of
# 1 MiB (V8's default grows to 16) and one malloc arena instead of one per thread: 15 MiB less at idle and 35 MiB
# less under load, the same CPU on a quiet machine and less on a busy one. An old generation of 32 MiB before V8
# sizes it by itself: sized to the Node's small heap, it ran a full collection every few megabytes an originator
# carried (the buffers of its cells count against it), at twice the CPU per MB (docs/PERFORMANCE.md). The Daemon
# starts the Node with all three.
MALLOC_ARENA_MAX=1 exec /usr/bin/node --max-semi-space-size=1 --initial-old-space-size=32 /usr/lib/masq/masq-node.js "$@"
