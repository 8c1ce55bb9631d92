// The mapping keeper's schedule against scripted clients: renewal at half the lifetime, a permanent mapping
// polled instead, an address change (renewal or announcement) passed on, a lost mapping mapped again, nothing
// working retried with backoff, and stop() removing the mapping and every timer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADDRESS_POLL_MS, MappingKeeper, RETRY_FIRST_MS } from '../../src/automap/keeper.js';
import type { Timers } from '../../src/system/timers.js';
import { AutomapError } from '../../src/automap/errors.js';
import type { Mapping, MappingClient, MappingProtocol } from '../../src/automap/types.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';

const ROUTER = '192.168.1.1';

class FakeClient implements MappingClient {
  address = '11.22.33.1';
  lifetime = 600;
  fail: AutomapError | undefined;
  maps = 0;
  unmapped = 0;
  constructor(readonly protocol: MappingProtocol, readonly router = ROUTER) {}
  async externalAddress(): Promise<string> {
    if (this.fail) throw this.fail;
    return this.address;
  }
  async map(internalPort: number): Promise<Mapping> {
    if (this.fail) throw this.fail;
    this.maps++;
    return { protocol: this.protocol, externalAddress: this.address, externalPort: internalPort, internalPort, lifetimeSec: this.lifetime, router: this.router };
  }
  async unmap(): Promise<void> {
    this.unmapped++;
  }
}

function harness(setup: (c: Record<MappingProtocol, FakeClient>) => void = () => undefined) {
  let now = 1_000_000;
  const due: { f: () => void; at: number }[] = [];
  const timers: Timers = {
    setTimeout: (f, ms) => {
      const t = { f, at: now + ms };
      due.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = due.indexOf(h as (typeof due)[number]);
      if (i >= 0) due.splice(i, 1);
    },
  };
  const clients = { pcp: new FakeClient('pcp'), pmp: new FakeClient('pmp'), igdp: new FakeClient('igdp') };
  setup(clients);
  const changes: string[] = [];
  const remembered: MappingProtocol[] = [];
  const keeper = new MappingKeeper({
    internalPort: 7777, gateway: async () => ROUTER, clients: () => clients,
    remember: async (p) => void remembered.push(p), addressChanged: (ip, port) => void changes.push(`${ip}:${port}`),
    log: createLogger(createLogCore('off'), 'Automap'), now: () => now, timers,
  });
  /** Moves time to the next timer and runs it; returns how far it moved. */
  const advance = async (): Promise<number> => {
    due.sort((a, b) => a.at - b.at);
    const t = due.shift();
    assert.ok(t, 'a timer is due');
    const moved = t.at - now;
    now = t.at;
    t.f();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    return moved;
  };
  return { keeper, clients, changes, remembered, due, advance };
}

const refused = (): AutomapError => new AutomapError('refused', 'no');

test('maps with the first protocol that works, remembers it, and renews at half the lifetime', async () => {
  const h = harness((c) => { c.pcp.fail = refused(); c.pmp.lifetime = 60; });
  const status = await h.keeper.start();
  assert.equal(status.state, 'mapped');
  assert.deepEqual(h.remembered, ['pmp']);
  assert.deepEqual(h.changes, ['11.22.33.1:7777']);
  assert.equal(await h.advance(), 30_000, 'renewal at half of 60 s');
  assert.equal(h.clients.pmp.maps, 2);
  assert.equal(h.changes.length, 1, 'the same address is not news');
  const s = h.keeper.status();
  assert.ok(s?.state === 'mapped' && s.attempts.length === 1, 'the failed PCP attempt stays in the status');
  await h.keeper.stop();
  assert.equal(h.clients.pmp.unmapped, 1);
  assert.equal(h.due.length, 0);
});

test('a permanent mapping is never renewed; its address is polled and a change passed on', async () => {
  const h = harness((c) => { c.pcp.fail = refused(); c.pmp.fail = refused(); c.igdp.lifetime = 0; });
  await h.keeper.start();
  assert.equal(await h.advance(), ADDRESS_POLL_MS);
  assert.equal(h.clients.igdp.maps, 1, 'polled, not renewed');
  h.clients.igdp.address = '11.22.33.9';
  await h.advance();
  assert.deepEqual(h.changes, ['11.22.33.1:7777', '11.22.33.9:7777']);
  await h.keeper.stop();
});

test('an announcement from the router is checked at once; one from elsewhere is ignored', async () => {
  const h = harness();
  await h.keeper.start();
  h.clients.pcp.address = '11.22.33.9';
  h.keeper.announced('10.9.9.9');
  await new Promise((r) => setImmediate(r));
  assert.equal(h.changes.length, 1);
  h.keeper.announced(ROUTER);
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(h.changes, ['11.22.33.1:7777', '11.22.33.9:7777']);
  await h.keeper.stop();
});

test('a renewal that fails maps again with every protocol; nothing working is retried with growing waits', async () => {
  const h = harness();
  await h.keeper.start();
  for (const c of Object.values(h.clients)) c.fail = refused();
  await h.advance(); // the poll fails: the mapping is lost
  assert.equal(await h.advance(), 0, 'mapped again at once');
  assert.equal(h.keeper.status()?.state, 'failed');
  assert.equal(await h.advance(), RETRY_FIRST_MS);
  assert.equal(await h.advance(), RETRY_FIRST_MS * 2, 'the wait doubles');
  h.clients.igdp.fail = undefined;
  await h.advance();
  assert.equal(h.keeper.status()?.state, 'mapped');
  await h.keeper.stop();
  assert.equal(h.due.length, 0);
});

test('no gateway: failed, no-router, and retried', async () => {
  const h = harness();
  const keeper = new MappingKeeper({
    internalPort: 1, gateway: async () => undefined, clients: () => h.clients, remember: async () => undefined, addressChanged: () => undefined,
    log: createLogger(createLogCore('off'), 'Automap'), timers: { setTimeout: () => 1, clearTimeout: () => undefined },
  });
  const s = await keeper.start();
  assert.ok(s.state === 'failed' && s.cause === 'no-router', JSON.stringify(s));
  await keeper.stop();
});

test('a failure that is no router answer (a bug) still leaves start() with a status, and is logged', async () => {
  const core = createLogCore('error');
  const logs: string[] = [];
  core.listeners.add((_l, _c, m) => logs.push(m));
  const keeper = new MappingKeeper({
    internalPort: 1, gateway: () => Promise.reject(new Error('no /proc')), clients: () => harness().clients, remember: async () => undefined,
    addressChanged: () => undefined, log: createLogger(core, 'Automap'), timers: { setTimeout: () => 1, clearTimeout: () => undefined },
  });
  const s = await keeper.start();
  assert.equal(s.state, 'failed');
  assert.ok(logs.some((l) => /no \/proc/.test(l)), logs.join('\n'));
  await keeper.stop();
});
