// systemd notification: the status line, the watchdog period, the tool's arguments and when a message is sent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusMemory, SystemdNotifier, formatStatus, notifyArgs, watchdogIntervalMs, type NodeStatus } from '../../src/system/sd-notify.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';

test('the status line names mode, neighbors, stage and proxy; zero-hop has no mesh to report', () => {
  assert.equal(formatStatus({ mode: 'standard', neighbors: 3, stage: 'RouteFound', proxy: '127.0.0.1:5380' }), 'standard mode, 3 neighbors, RouteFound, proxy 127.0.0.1:5380');
  assert.equal(formatStatus({ mode: 'consume-only', neighbors: 1, stage: 'ConnectedToNeighbor', proxy: '[::1]:5380' }), 'consume-only mode, 1 neighbor, ConnectedToNeighbor, proxy [::1]:5380');
  assert.equal(formatStatus({ mode: 'zero-hop', proxy: '127.0.0.1:5380' }), 'zero-hop mode, proxy 127.0.0.1:5380');
  assert.equal(formatStatus({ mode: 'standard', neighbors: 2, stage: 'RouteFound', proxy: 'p', mapping: 'public 11.22.33.1:7777 via PCP' }), 'standard mode, 2 neighbors, RouteFound, proxy p, public 11.22.33.1:7777 via PCP');
  assert.equal(formatStatus({ mode: 'standard\nREADY=1', proxy: 'p' }), 'standard READY=1 mode, proxy p', 'no newline reaches the tool');
});

test('the watchdog beats at half WATCHDOG_USEC, only for the process it names', () => {
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 7), 15_000);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 7), 15_000);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '8' }, 7), undefined);
  assert.equal(watchdogIntervalMs({}, 7), undefined);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: 'soon' }, 7), undefined);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '0' }, 7), undefined);
  assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '1' }, 7), 1, 'never a zero interval');
});

test('the tool gets assignments every systemd version understands', () => {
  assert.deepEqual(notifyArgs({ ready: true, status: 'zero-hop mode, proxy p' }), ['READY=1', 'STATUS=zero-hop mode, proxy p']);
  assert.deepEqual(notifyArgs({ status: 's' }), ['STATUS=s']);
  assert.deepEqual(notifyArgs({ watchdog: true }), ['WATCHDOG=1']);
  assert.deepEqual(notifyArgs({ stopping: true }), ['STOPPING=1']);
});

test('a status line is sent only when it differs from the last one', () => {
  const m = new StatusMemory();
  assert.equal(m.next('a'), 'a');
  assert.equal(m.next('a'), undefined);
  assert.equal(m.next('b'), 'b');
  assert.equal(m.next('a'), 'a');
});

function quietLog(lines: string[]): ReturnType<typeof createLogger> {
  return createLogger(createLogCore('debug', { write: (l) => void lines.push(l) }), 'Node');
}

test('without NOTIFY_SOCKET there is no notifier; with it: ready, changed statuses, stopping, in order', async () => {
  const status: NodeStatus = { mode: 'standard', neighbors: 0, stage: 'NotConnected', proxy: 'p' };
  assert.equal(SystemdNotifier.create({ env: {}, pid: 1, log: quietLog([]), status: () => status }), undefined);
  const sent: string[][] = [];
  const n = SystemdNotifier.create({ env: { NOTIFY_SOCKET: '/run/x' }, pid: 1, log: quietLog([]), status: () => status, run: async (a) => void sent.push([...a]) });
  assert.ok(n);
  await n.ready();
  await n.refresh();
  status.neighbors = 2;
  status.stage = 'RouteFound';
  await n.refresh();
  await n.stopping();
  assert.deepEqual(sent, [
    ['READY=1', 'STATUS=standard mode, 0 neighbors, NotConnected, proxy p'],
    ['STATUS=standard mode, 2 neighbors, RouteFound, proxy p'],
    ['STOPPING=1'],
  ]);
});

test('the watchdog beats until stopping, and a failing tool is one warning, never a throw', async () => {
  const sent: string[] = [];
  const lines: string[] = [];
  const n = SystemdNotifier.create({
    env: { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '40000' }, pid: 1, log: quietLog(lines), status: () => ({ mode: 'zero-hop', proxy: 'p' }),
    run: (a) => {
      sent.push(a.join(' '));
      return Promise.reject(new Error('spawn systemd-notify ENOENT'));
    },
  });
  assert.ok(n);
  await n.ready();
  await new Promise((r) => setTimeout(r, 130));
  await n.stopping();
  const beats = sent.filter((s) => s === 'WATCHDOG=1').length;
  assert.ok(beats >= 3, `${beats} beats in 130 ms at a 20 ms period`);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(sent.filter((s) => s === 'WATCHDOG=1').length, beats, 'no beat after stopping');
  assert.equal(lines.filter((l) => l.includes('WARN')).length, 1);
  assert.match(lines.find((l) => l.includes('WARN')) ?? '', /Could not notify systemd \(READY=1 .*ENOENT/);
});
