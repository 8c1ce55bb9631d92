// Round trips prepared ahead of need, with real links and real onion crypto: four Nodes in one process on
// 127.0.0.1. The originator's route function and the stamps of what routes were drawn from are the test's, so it
// can tell a request that drew its route from one that found it ready.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { OwnRoute, RoundTrip } from '../../src/neighborhood/index.js';
import { createDirectExit } from '../../src/proxy/direct-exit.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { type FakeDns, startFakeDns } from '../helpers/proxy-dns.js';
import { type MeshNode as Node, closeStreamMesh, startStreamMesh } from '../helpers/stream-mesh.js';

const log = createLogger(createLogCore('off'), 'ready');
const NAMES = ['O', 'A', 'B', 'X', 'Y'] as const;
type Name = (typeof NAMES)[number];
const HOST = 'ready.test';
/** A name no stream has asked for before the last test. */
const FRESH = 'fresh.test';
let nodes = new Map<Name, Node>();
let web: Server;
let webPort = 0;
let dns: FakeDns;
let badDns: FakeDns;
/** Round trips drawn so far, and the version the stamp of every round trip reads. */
let drawn = 0;
let version = 1;
/** When set, the round trip's first relay has an all-zero key: a low-order X25519 point no slot can be sealed to. */
let unusableRelay = false;

const key = (n: Name): string => (nodes.get(n) as Node).key;
const routeOver = (exit: Name): OwnRoute => ({ over: ['O', 'A', exit].map((n) => key(n as Name)), back: [exit, 'B', 'O'].map((n) => key(n as Name)), cost: 0n, exitCountry: 'ZZ' });

/** X is the cheapest exit, Y the next; a penalized exit comes last. */
function route(q: { exitPenalty?(key: string): bigint }): OwnRoute | undefined {
  drawn++;
  const [first, second] = (['X', 'Y'] as const).map(routeOver).sort((a, b) => Number((q.exitPenalty?.(a.over[2] as string) ?? 0n) - (q.exitPenalty?.(b.over[2] as string) ?? 0n)));
  const rt = first ?? second;
  if (rt && unusableRelay) rt.over[1] = '00'.repeat(64);
  return rt;
}

before(async () => {
  web = createServer((req, res) => res.end(`you asked for ${req.url}`));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as AddressInfo).port;
  dns = await startFakeDns({ [HOST]: ['127.0.0.1'], [FRESH]: ['127.0.0.1'] });
  badDns = await startFakeDns({});
  nodes = await startStreamMesh(NAMES, (n) => ({
    route: n === 'O' ? route : () => undefined,
    ...(n === 'O' ? { routeStamp: (rt: RoundTrip) => `${version}:${rt.over.join(',')}` } : {}),
    exit: createDirectExit({ dnsServers: [n === 'X' ? badDns.server : dns.server], allowPrivate: true, log }),
    relays: true,
    penalize: () => undefined,
    log,
    openTimeoutMs: 3000,
  }));
});

after(async () => {
  closeStreamMesh(nodes);
  web.close();
  web.closeAllConnections();
  await dns.close();
  await badDns.close();
});

/** Opens a stream to `host` and says whether its route was drawn on the request's path (the draw is synchronous). */
function open(host = HOST): { drewRoute: boolean; stream: Promise<Duplex> } {
  const before = drawn;
  const stream = (nodes.get('O') as Node).mesh.connector.open({ host, port: webPort }, new AbortController().signal);
  return { drewRoute: drawn > before, stream };
}

async function get(d: Duplex, path: string): Promise<string> {
  const parts: Buffer[] = [];
  d.end(`GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`);
  for await (const c of d) parts.push(c as Buffer);
  return Buffer.concat(parts).toString();
}

const spareTurns = async (n = 10): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

test('after a first stream, the next finds its round trip ready: drawn and sealed in spare turns, and it works', async () => {
  const first = open('other.test');
  assert.ok(first.drewRoute, 'nothing is ready before the first request');
  await assert.rejects(first.stream, 'other.test resolves nowhere: both exits fail it');
  await spareTurns();
  const drawnAhead = drawn;
  const second = open();
  assert.equal(second.drewRoute, false, 'the round trip was ready');
  assert.match(await get(await second.stream, '/ready'), /you asked for \/ready$/);
  await spareTurns();
  assert.ok(drawn > drawnAhead, 'the one taken is replaced in a spare turn');
});

test('a ready round trip drawn from what has changed since is not used', async () => {
  await spareTurns();
  version++;
  const next = open();
  assert.ok(next.drewRoute, 'the stamps differ, so the round trip is drawn again');
  assert.match(await get(await next.stream, '/changed'), /you asked for \/changed$/);
});

test('an exit that could not resolve this host is not taken from the ready ones', async () => {
  // X resolves nothing: the first stream to FRESH fails there and is served by Y, and X is remembered for FRESH.
  await spareTurns();
  const { stream } = open(FRESH);
  assert.match(await get(await stream, '/first'), /you asked for \/first$/);
  await spareTurns();
  const again = open(FRESH);
  assert.ok(again.drewRoute, 'ready round trips end at X, which failed this host: one through Y is drawn instead');
  assert.match(await get(await again.stream, '/again'), /you asked for \/again$/);
});

test('a hop whose key no slot can be sealed to fails the request, not the Node: nothing is made ahead from it', async () => {
  await spareTurns();
  version++;
  unusableRelay = true;
  try {
    await assert.rejects(open().stream, /unusable ephemeral key/);
    // The spare turns after it try to seal the same round trip ahead; an exception there would end the process.
    await spareTurns(20);
  } finally {
    unusableRelay = false;
  }
  version++;
  const next = open();
  assert.ok(next.drewRoute, 'nothing was made ahead from the unusable round trip');
  assert.match(await get(await next.stream, '/usable'), /you asked for \/usable$/);
});
