// When V8 collects the young generation: earlier than its default, for a process that carries cells.

import { setFlagsFromString } from 'node:v8';

/** Percent of the young generation's capacity at which V8 schedules a scavenge between tasks (its default: 80). */
export const SCAVENGE_AT_PERCENT = 10;

/** The flag's name in the given V8: `scavenge-task-trigger` up to V8 10 (Node 18), `minor-gc-task-trigger` since. */
export function scavengeTriggerFlag(v8Version: string): string {
  const major = Number(v8Version.split('.')[0]);
  return `--${major >= 11 ? 'minor-gc' : 'scavenge'}-task-trigger=${SCAVENGE_AT_PERCENT}`;
}

/**
 * Every cell a Node carries leaves array buffers behind (the socket's read, each cipher's output): a few hundred
 * bytes of JS objects holding 32 KiB each. V8 counts the buffers allocated since the last full collection against
 * the old generation's limit but frees them only at the next scavenge, so at 80 % of a 1 MiB young generation an
 * originator held 10–17 MiB of dead buffers, crossed its limit and ran a full collection every 50–70 ms.
 * Scavenging at 10 % keeps that swing small (docs/PERFORMANCE.md). V8 reads the flag at each allocation step, so
 * setting it at start is enough.
 */
export function scavengeEarly(): void {
  setFlagsFromString(scavengeTriggerFlag(process.versions.v8));
}
