// Streams over an in-memory network: set-up, echo through relays, refusals, a relay's transport never carrying the
// plaintext, and tear-down leaving no circuits.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { generateIdentity } from '../../src/crypto/identity.js';
import type { RoundTrip } from '../../src/neighborhood/routes.js';
import { RECORD_KINDS } from '../../src/mesh/transport.js';
import { StreamFailure } from '../../src/mesh/connector.js';
import { createDirectExit } from '../../src/proxy/direct-exit.js';
import { type ServiceCharges, type StreamService, startStreams } from '../../src/stream/index.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { CELL_TYPE, DESTROY_REASON } from '../../src/wire/cells.js';
import { MemoryNetwork, type MemoryTransport } from '../helpers/memory-transport.js';
import { TEST_CONSUMING_KEY, testPayer } from '../helpers/payer.js';
import { addressOf } from '../../src/wallet/keys.js';
import { PAYER_BYTES } from '../../src/crypto/onion.js';

const log = createLogger(createLogCore((process.env.MESH_LOG ?? 'off') as 'off'), 'test');
const echo = createServer({ allowHalfOpen: true }, (s) => s.pipe(s));
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
const echoPort = (echo.address() as AddressInfo).port;

interface Node { key: string; mesh: StreamService; transport: MemoryTransport }
interface RouteQ { avoid: Set<string> }

function network(names: string[], edges: [string, string][], opts: { exits?: string[]; nonRelays?: string[]; silent?: string[]; unpaid?: string[]; forged?: string[]; route: (from: string, q: RouteQ) => RoundTrip | undefined; penalize?: (p: string, r: string) => void; charges?: (name: string) => ServiceCharges }): Map<string, Node> {
  const net = new MemoryNetwork();
  const nodes = new Map<string, Node>();
  const keyOf = new Map<string, string>();
  const nameOf = new Map<string, string>();
  const ids = names.map((n) => {
    const id = generateIdentity();
    keyOf.set(n, id.publicKey.toString('hex'));
    nameOf.set(id.publicKey.toString('hex'), n);
    return { n, id };
  });
  for (const { n, id } of ids) {
    const key = id.publicKey.toString('hex');
    const transport = net.add(key);
    // A silent Node has links but runs no hopper: what it is sent goes unanswered.
    if (opts.silent?.includes(n)) continue;
    const exit = (opts.exits ?? names).includes(n) ? createDirectExit({ dnsServers: ['127.0.0.1:9'], allowPrivate: true, log }) : undefined;
    const mesh = startStreams({
      identity: id,
      transport,
      route: (q) => {
        const rt = opts.route(n, { avoid: new Set([...(q.avoid ?? [])].map((k) => nameOf.get(k) as string)) });
        return rt && { over: rt.over.map((x) => keyOf.get(x) as string), back: rt.back.map((x) => keyOf.get(x) as string), cost: 0n, exitCountry: 'ZZ' };
      },
      ...(exit ? { exit } : {}),
      relays: !(opts.nonRelays ?? []).includes(n),
      penalize: opts.penalize ?? (() => undefined),
      payer: opts.forged?.includes(n)
        ? { slotFor: () => Buffer.alloc(PAYER_BYTES, 7), accepts: testPayer(id).accepts }
        : testPayer(id, opts.unpaid?.includes(n) ?? false),
      ...(opts.charges ? { charges: opts.charges(n) } : {}),
      log,
      openTimeoutMs: 1000,
    });
    nodes.set(n, { key, mesh, transport });
  }
  for (const [a, b] of edges) net.link(keyOf.get(a) as string, keyOf.get(b) as string);
  return nodes;
}

const meshes: StreamService[] = [];
after(() => {
  for (const m of meshes) m.close();
  echo.close();
});

function roundTrip(over: string[], back: string[]): RoundTrip {
  return { over, back, cost: 0n };
}

async function collect(d: Duplex): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of d) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

test('a stream goes out over two relays and comes back over others; relays never see the plaintext', async () => {
  const nodes = network(['O', 'A', 'B', 'X', 'C', 'D'], [['O', 'A'], ['A', 'B'], ['B', 'X'], ['X', 'C'], ['C', 'D'], ['D', 'O']], {
    route: () => roundTrip(['O', 'A', 'B', 'X'], ['X', 'C', 'D', 'O']),
  });
  for (const n of nodes.values()) meshes.push(n.mesh);
  const o = nodes.get('O') as Node;
  const a = nodes.get('A') as Node;
  a.transport.record = true;
  const secret = Buffer.from('GET /very-secret-path HTTP/1.1\r\n\r\n'.repeat(500));
  const d = await o.mesh.connector.open({ host: '127.0.0.1', port: echoPort }, new AbortController().signal);
  const got = collect(d);
  d.end(secret);
  assert.ok((await got).equals(secret), 'the echo comes back intact');
  const carried = Buffer.concat(a.transport.sent.map((s) => s.body));
  assert.ok(carried.length > secret.length, 'the relay carried the request');
  assert.equal(carried.indexOf('very-secret-path'), -1);
  assert.equal(carried.indexOf('127.0.0.1'), -1);
  assert.ok((a.mesh.stats().cellsRelayed) > 0);
  await new Promise((r) => setTimeout(r, 20));
  for (const [name, n] of nodes) {
    const s = n.mesh.stats();
    assert.deepEqual([name, s.relaying, s.originating, s.exiting], [name, 0, 0, 0], 'every circuit is gone after the stream');
  }
});

test('every relay and the exit charge the stream to the payer\'s wallet, held in memory of its own', async () => {
  const charged: { by: string; role: string; wallet: Buffer; bytes: number }[] = [];
  const nodes = network(['O', 'A', 'B', 'X', 'C', 'D'], [['O', 'A'], ['A', 'B'], ['B', 'X'], ['X', 'C'], ['C', 'D'], ['D', 'O']], {
    route: () => roundTrip(['O', 'A', 'B', 'X'], ['X', 'C', 'D', 'O']),
    charges: (by) => ({
      relayed: (wallet, bytes) => void charged.push({ by, role: 'relay', wallet, bytes }),
      exited: (wallet, bytes) => void charged.push({ by, role: 'exit', wallet, bytes }),
      consumed: () => undefined,
    }),
  });
  for (const n of nodes.values()) meshes.push(n.mesh);
  const d = await (nodes.get('O') as Node).mesh.connector.open({ host: '127.0.0.1', port: echoPort }, new AbortController().signal);
  const got = collect(d);
  d.end(Buffer.alloc(10_000, 1));
  assert.equal((await got).length, 10_000);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(charged.map((c) => `${c.by}:${c.role}`).sort(), ['A:relay', 'B:relay', 'C:relay', 'D:relay', 'X:exit']);
  for (const c of charged) {
    assert.ok(c.wallet.equals(addressOf(TEST_CONSUMING_KEY)), `${c.by} charges the consuming wallet`);
    assert.ok(c.bytes >= 10_000, `${c.by} counted what it carried (${c.bytes})`);
    // A wallet that were a slice of the OPEN would keep the OPEN's buffers (or a whole pool slab) for the stream's life.
    assert.equal(c.wallet.buffer.byteLength, 20, `${c.by}'s wallet shares no bigger buffer`);
  }
});

test('a consume-only exit refuses; a Node that does not relay refuses; no route is a route failure', async () => {
  const nodes = network(['O', 'A', 'X'], [['O', 'A'], ['A', 'X'], ['X', 'O']], {
    exits: ['O'],
    route: () => roundTrip(['O', 'A', 'X'], ['X', 'O']),
  });
  for (const n of nodes.values()) meshes.push(n.mesh);
  const o = nodes.get('O') as Node;
  await assert.rejects(o.mesh.connector.open({ host: '127.0.0.1', port: echoPort }, new AbortController().signal),
    (e: unknown) => e instanceof StreamFailure && e.kind === 'route');
  const stubborn = network(['O', 'A', 'X'], [['O', 'A'], ['A', 'X'], ['X', 'O']], {
    nonRelays: ['A'],
    route: () => roundTrip(['O', 'A', 'X'], ['X', 'O']),
  });
  for (const n of stubborn.values()) meshes.push(n.mesh);
  await assert.rejects((stubborn.get('O') as Node).mesh.connector.open({ host: '127.0.0.1', port: echoPort }, new AbortController().signal),
    (e: unknown) => e instanceof StreamFailure && e.kind === 'route' && /refused/.test(e.message));
  const none = network(['O'], [], { route: () => undefined });
  meshes.push((none.get('O') as Node).mesh);
  await assert.rejects((none.get('O') as Node).mesh.connector.open({ host: 'example.com', port: 80 }, new AbortController().signal),
    (e: unknown) => e instanceof StreamFailure && e.kind === 'route' && /no route/.test(e.message));
});

test('no consuming wallet: a payment failure; a forged payer proof: every hop refuses the stream', async () => {
  const topology: [string, string][] = [['O', 'A'], ['A', 'X'], ['X', 'O']];
  const route = (): RoundTrip => roundTrip(['O', 'A', 'X'], ['X', 'O']);
  const unpaid = network(['O', 'A', 'X'], topology, { unpaid: ['O'], route });
  for (const n of unpaid.values()) meshes.push(n.mesh);
  await assert.rejects((unpaid.get('O') as Node).mesh.connector.open({ host: '127.0.0.1', port: echoPort }, new AbortController().signal),
    (e: unknown) => e instanceof StreamFailure && e.kind === 'payment');
  const forged = network(['O', 'A', 'X'], topology, { forged: ['O'], route });
  for (const n of forged.values()) meshes.push(n.mesh);
  await assert.rejects((forged.get('O') as Node).mesh.connector.open({ host: '127.0.0.1', port: echoPort }, new AbortController().signal),
    (e: unknown) => e instanceof StreamFailure && e.kind === 'route' && /refused/.test(e.message));
  assert.equal((forged.get('A') as Node).mesh.stats().relaying, 0, 'the relay carried nothing');
  // The same Nodes with a real proof carry the stream.
  const paid = network(['O', 'A', 'X'], topology, { route });
  for (const n of paid.values()) meshes.push(n.mesh);
  const d = await (paid.get('O') as Node).mesh.connector.open({ host: '127.0.0.1', port: echoPort }, new AbortController().signal);
  d.end('paid for');
  assert.equal((await collect(d)).toString(), 'paid for');
});

test('a route refused or unanswered before the exit answers is avoided and another is tried', async () => {
  const asked: string[][] = [];
  const nodes = network(['O', 'A', 'X', 'C', 'B', 'Y', 'D', 'Z'], [['O', 'A'], ['A', 'X'], ['X', 'C'], ['C', 'O'], ['O', 'B'], ['B', 'Y'], ['Y', 'D'], ['D', 'O'], ['O', 'Z'], ['Z', 'Y']], {
    nonRelays: ['A'],
    silent: ['Z'],
    route: (_from, q) => {
      asked.push([...q.avoid].sort());
      if (q.avoid.size === 0) return asked.length === 1 ? roundTrip(['O', 'A', 'X'], ['X', 'C', 'O']) : roundTrip(['O', 'Z', 'Y'], ['Y', 'D', 'O']);
      if (q.avoid.has('Z')) return roundTrip(['O', 'B', 'Y'], ['Y', 'D', 'O']);
      return undefined;
    },
  });
  for (const n of nodes.values()) meshes.push(n.mesh);
  const o = nodes.get('O') as Node;
  const started = Date.now();
  const d = await o.mesh.connector.open({ host: '127.0.0.1', port: echoPort }, new AbortController().signal);
  const got = collect(d);
  d.end('ping');
  assert.equal((await got).toString(), 'ping');
  assert.deepEqual(asked[0], [], 'the first route is asked for without avoidance');
  assert.deepEqual(asked[1], ['A', 'C', 'X'], 'after A refused, its route\'s Nodes are avoided (none left: no avoidance)');
  assert.deepEqual(asked.at(-1), ['A', 'C', 'D', 'X', 'Y', 'Z'], 'after Z stayed silent, its route is avoided too');
  assert.ok(Date.now() - started >= 1000, 'the silent route was given up after the open timeout');
});

test('an undecodable cell is penalized and answered with DESTROY', async () => {
  const penalized: string[] = [];
  const nodes = network(['O', 'A'], [['O', 'A']], { route: () => undefined, penalize: (p, r) => penalized.push(`${p}:${r}`) });
  for (const n of nodes.values()) meshes.push(n.mesh);
  const o = nodes.get('O') as Node;
  const a = nodes.get('A') as Node;
  o.transport.record = true;
  a.transport.send(o.key, RECORD_KINDS.cell, Buffer.from([9, 0, 0, 0, 1]));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(penalized.length, 1);
  assert.match(penalized[0] as string, new RegExp(`^${a.key}:undecodable cell`));
  assert.deepEqual(o.transport.sent.map((s) => [...s.body]), [[CELL_TYPE.destroy, 0, 0, 0, 1, DESTROY_REASON.protocol]]);
});
