import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { scavengeTriggerFlag } from '../../src/system/index.js';

test('the scavenge trigger has its V8 10 name on Node 18 and its later name since V8 11', () => {
  assert.equal(scavengeTriggerFlag('10.2.154.26-node.36'), '--scavenge-task-trigger=10');
  assert.equal(scavengeTriggerFlag('11.3.244.8-node.30'), '--minor-gc-task-trigger=10');
  assert.equal(scavengeTriggerFlag('12.4.254.21-node.33'), '--minor-gc-task-trigger=10');
});

// A process with the Node's 1 MiB young generation allocating 32 KiB buffers with little other garbage, one turn of
// the event loop at a time (V8 runs its scavenge task between turns); it prints its minor and full collections.
const ALLOCATOR = `
const { PerformanceObserver } = require('node:perf_hooks');
let minor = 0, major = 0, keep = [], turns = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) { if (e.detail.kind === 1) minor++; else if (e.detail.kind === 4) major++; } }).observe({ entryTypes: ['gc'] });
const turn = () => {
  for (let i = 0; i < 10; i++) keep.push({ b: Buffer.allocUnsafe(32768), i });
  if (keep.length > 40) keep = keep.slice(-20);
  if (++turns < 3000) setImmediate(turn); else setTimeout(() => process.stdout.write(JSON.stringify({ minor, major })), 50);
};
turn();`;

function collections(early: boolean): { minor: number; major: number; stderr: string } {
  const pre = early ? `require('node:v8').setFlagsFromString(${JSON.stringify(scavengeTriggerFlag(process.versions.v8))});` : '';
  const r = spawnSync(process.execPath, ['--max-semi-space-size=1', '-e', pre + ALLOCATOR], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return { ...(JSON.parse(r.stdout) as { minor: number; major: number }), stderr: r.stderr };
}

test('with the trigger set, this V8 knows the flag and scavenges several times as often, so dead buffers do not pile up', () => {
  const before = collections(false);
  const after = collections(true);
  assert.equal(after.stderr, '', 'V8 did not know the flag');
  assert.ok(after.minor >= 2.5 * before.minor, `scavenges: ${after.minor} with the trigger, ${before.minor} without`);
  assert.ok(after.major <= before.major, `full collections: ${after.major} with the trigger, ${before.major} without`);
});
