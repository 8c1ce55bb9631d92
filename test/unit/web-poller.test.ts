// The dashboard's refresh rhythm, on fake timers and a fake tab: each panel every interval after its last answer,
// never two requests of one panel at once, nothing while the tab is hidden, everything at once when it shows again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Poller } from '../../web-setup/core/poller.js';

class FakeTimers {
  now = 0;
  private next = 1;
  private readonly due = new Map<number, { at: number; f: () => void }>();
  setTimeout(f: () => void, ms: number): unknown {
    const id = this.next++;
    this.due.set(id, { at: this.now + ms, f });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }
  pending(): number {
    return this.due.size;
  }
  /** Moves time on, firing what falls due, and lets the promises those start settle. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      const [id, t] = [...this.due.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (id === undefined || !t || t.at > end) break;
      this.due.delete(id);
      this.now = t.at;
      t.f();
      await settle();
    }
    this.now = end;
    await settle();
  }
}

const settle = async (): Promise<void> => { for (let i = 0; i < 10; i++) await Promise.resolve(); };

function fakeTab() {
  let hidden = false;
  const listeners = new Set<() => void>();
  return {
    visibility: { hidden: () => hidden, onChange: (f: () => void) => { listeners.add(f); return () => listeners.delete(f); } },
    set(h: boolean) { hidden = h; for (const f of listeners) f(); },
    listeners,
  };
}

test('each panel refreshes now and then every interval after its answer', async () => {
  const timers = new FakeTimers();
  const tab = fakeTab();
  const poller = new Poller(timers, tab.visibility, 5000);
  const times: number[] = [];
  poller.add(async () => { times.push(timers.now); });
  await settle();
  await timers.advance(16_000);
  assert.deepEqual(times, [0, 5000, 10_000, 15_000]);
  poller.stop();
  assert.equal(timers.pending(), 0);
  assert.equal(tab.listeners.size, 0);
});

test('a slow answer delays the next request instead of overlapping it; a failure does not stop the rhythm', async () => {
  const timers = new FakeTimers();
  const poller = new Poller(timers, fakeTab().visibility, 5000);
  let inFlight = 0;
  let most = 0;
  const starts: number[] = [];
  poller.add(() => {
    starts.push(timers.now);
    inFlight++;
    most = Math.max(most, inFlight);
    return new Promise<void>((_, reject) => timers.setTimeout(() => { inFlight--; reject(new Error('box busy')); }, 7000));
  });
  await timers.advance(30_000);
  assert.equal(most, 1);
  assert.deepEqual(starts, [0, 12_000, 24_000]);
  poller.stop();
});

test('a hidden tab asks nothing; showing it again refreshes every panel at once', async () => {
  const timers = new FakeTimers();
  const tab = fakeTab();
  const poller = new Poller(timers, tab.visibility, 5000);
  const a: number[] = [];
  const b: number[] = [];
  poller.add(async () => { a.push(timers.now); });
  poller.add(async () => { b.push(timers.now); });
  await settle();
  tab.set(true);
  await timers.advance(60_000);
  assert.deepEqual(a, [0]);
  tab.set(false);
  await settle();
  assert.deepEqual([a, b], [[0, 60_000], [0, 60_000]]);
  await timers.advance(5000);
  assert.deepEqual(a, [0, 60_000, 65_000], 'the rhythm starts again from the refresh');
  poller.stop();
});

test('refreshAll during a request runs once more right after it', async () => {
  const timers = new FakeTimers();
  const poller = new Poller(timers, fakeTab().visibility, 5000);
  const starts: number[] = [];
  poller.add(() => { starts.push(timers.now); return new Promise<void>((r) => timers.setTimeout(r, 1000)); });
  await timers.advance(500);
  poller.refreshAll();
  poller.refreshAll();
  await timers.advance(1500);
  assert.deepEqual(starts, [0, 1000]);
  poller.stop();
  await timers.advance(20_000);
  assert.deepEqual(starts, [0, 1000], 'nothing after stop');
});
