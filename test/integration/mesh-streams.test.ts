// Streams over real neighbor links: seven Nodes in one process, fully linked on 127.0.0.1, with routes chosen by
// the test. 10 MB through 3 hops, 1 and 6 hops, an exit that cannot resolve the host, a relay dying mid-download,
// and what a relay's links carry.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { OwnRoute } from '../../src/neighborhood/index.js';
import { StreamFailure } from '../../src/mesh/connector.js';
import { createDirectExit } from '../../src/proxy/direct-exit.js';
import type { StreamService } from '../../src/stream/index.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import type { LinkTransport } from '../helpers/link-transport.js';
import { type FakeDns, startFakeDns } from '../helpers/proxy-dns.js';
import { type MeshNode as Node, closeStreamMesh, startStreamMesh } from '../helpers/stream-mesh.js';

const log = createLogger(createLogCore((process.env.MESH_LOG ?? 'off') as 'off'), 'mesh');
const NAMES = ['O', 'A', 'B', 'X', 'C', 'D', 'Y'] as const;
type Name = (typeof NAMES)[number];
const BIG = 10 * 1024 * 1024;
const HOST = 'web.test';
/** A name of its own, so that no earlier test has penalized an exit for it. */
const EARLY_HOST = 'early.test';

const block = createHash('sha512').update('masq').digest();
const big = Buffer.alloc(BIG);
for (let i = 0; i < BIG; i += block.length) block.copy(big, i);
const bigSha = createHash('sha256').update(big).digest('hex');

let nodes = new Map<Name, Node>();
let web: Server;
let webPort = 0;
let goodDns: FakeDns;
let badDns: FakeDns;
/**
 * The round trips O may use, best first. Like the Neighborhood's, the route function skips routes over a pair of
 * Nodes that are not linked (any more) and those touching an avoided Node.
 */
let plan: Name[][][] = [];
const exitsAsked: string[] = [];
const FLOOD = 512 * 1024 * 1024;
let floodSent = 0;

const key = (n: Name): string => (nodes.get(n) as Node).key;
const transportOf = (k: string): LinkTransport => ([...nodes.values()].find((n) => n.key === k) as Node).transport;
const o = (): StreamService => (nodes.get('O') as Node).mesh;

function route(q: { exitPenalty?(key: string): bigint; avoid?: ReadonlySet<string> }): OwnRoute | undefined {
  const candidates = plan
    .map(([over, back]) => ({ over: (over as Name[]).map(key), back: (back as Name[]).map(key), cost: 0n, exitCountry: 'ZZ' }))
    .filter((rt) => ![...rt.over, ...rt.back].some((k) => q.avoid?.has(k)))
    .filter((rt) => [rt.over, rt.back].every((path) => path.slice(1).every((k, i) => transportOf(path[i] as string).isLinked(k))))
    .map((rt) => ({ ...rt, cost: q.exitPenalty?.(rt.over[rt.over.length - 1] as string) ?? 0n }));
  const best = candidates.sort((a, b) => (a.cost < b.cost ? -1 : a.cost > b.cost ? 1 : 0))[0];
  if (best) exitsAsked.push(best.over[best.over.length - 1] as string);
  return best;
}

before(async () => {
  web = createServer((req, res) => {
    if (req.url === '/big') return res.end(big);
    if (req.url === '/flood') {
      // As fast as the connection takes it, up to FLOOD bytes, counting what the socket accepted.
      let left = FLOOD;
      const pump = (): void => {
        while (left > 0) {
          left -= 64 * 1024;
          floodSent += 64 * 1024;
          if (!res.write(big.subarray(0, 64 * 1024))) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => { left = 0; });
      return pump();
    }
    if (req.url === '/slow') {
      // About 2 MB/s until the client goes away.
      const timer = setInterval(() => res.write(big.subarray(0, 64 * 1024)), 30);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.end(`you asked for ${req.url}`);
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as AddressInfo).port;
  goodDns = await startFakeDns({ [HOST]: ['127.0.0.1'], [EARLY_HOST]: ['127.0.0.1'] });
  badDns = await startFakeDns({});
  nodes = await startStreamMesh(NAMES, (n) => ({
    route: n === 'O' ? route : () => undefined,
    exit: createDirectExit({ dnsServers: [n === 'Y' ? badDns.server : goodDns.server], allowPrivate: true, log }),
    relays: true,
    penalize: (peer, reason) => log.warn(`penalize ${peer.slice(0, 8)}: ${reason}`),
    log: log.child(n),
    openTimeoutMs: 3000,
  }));
  await new Promise((r) => setTimeout(r, 100));
});

after(async () => {
  closeStreamMesh(nodes);
  web.close();
  web.closeAllConnections();
  await goodDns.close();
  await badDns.close();
});

/** Sends a GET through a stream and returns the response body (Connection: close, so the body ends the stream). */
async function get(d: Duplex, path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  d.end(`GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`);
  for await (const c of d) parts.push(c as Buffer);
  const all = Buffer.concat(parts);
  const at = all.indexOf('\r\n\r\n');
  assert.match(all.subarray(0, at).toString(), /^HTTP\/1\.1 200/);
  return all.subarray(at + 4);
}

const open = (): Promise<Duplex> => o().connector.open({ host: HOST, port: webPort }, new AbortController().signal);

test('10 MB through 3 hops arrive intact; a relay\'s links never carry the request or the host name', async () => {
  plan = [[['O', 'A', 'B', 'X'], ['X', 'C', 'D', 'O']]];
  const a = nodes.get('A') as Node;
  a.transport.record = true;
  const started = process.hrtime.bigint();
  const body = await get(await open(), '/big');
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  a.transport.record = false;
  assert.equal(body.length, BIG);
  assert.equal(createHash('sha256').update(body).digest('hex'), bigSha);
  console.log(`# 10 MB through 3 hops in ${ms.toFixed(0)} ms (${(BIG / 1024 / 1024 / (ms / 1000)).toFixed(1)} MB/s)`);
  const seen = Buffer.concat(a.transport.seen);
  assert.ok(seen.length > 0);
  assert.equal(seen.indexOf('GET /big'), -1, 'the request is not in what the relay carried');
  assert.equal(seen.indexOf(HOST), -1, 'nor the host name');
  assert.ok(a.mesh.stats().cellsRelayed > 0 && a.mesh.stats().bytesRelayed > 0);
  await new Promise((r) => setTimeout(r, 50));
  for (const n of nodes.values()) assert.deepEqual(n.mesh.stats().relaying + n.mesh.stats().exiting + n.mesh.stats().originating, 0, 'every circuit is gone');
});

test('one hop and six hops', async () => {
  plan = [[['O', 'X'], ['X', 'O']]];
  assert.equal((await get(await open(), '/hello')).toString(), 'you asked for /hello');
  plan = [[['O', 'A', 'B', 'C', 'D', 'Y', 'X'], ['X', 'D', 'C', 'B', 'A', 'Y', 'O']]];
  const body = await get(await open(), '/big');
  assert.equal(createHash('sha256').update(body).digest('hex'), bigSha);
});

test('an exit that cannot resolve the host is penalized and another exit serves the stream', async () => {
  plan = [[['O', 'A', 'Y'], ['Y', 'B', 'O']], [['O', 'A', 'X'], ['X', 'B', 'O']]];
  exitsAsked.length = 0;
  assert.equal((await get(await open(), '/dns')).toString(), 'you asked for /dns');
  assert.deepEqual(exitsAsked, [key('Y'), key('X')], 'Y first (cheapest), then X once Y failed to resolve');
  plan = [[['O', 'A', 'Y'], ['Y', 'B', 'O']]];
  await assert.rejects(open(), (e: unknown) => e instanceof StreamFailure && e.kind === 'dns');
});

test('optimistic data: the request rides right behind the OPEN, held by relays still forwarding it, and is sent again on a retry', async () => {
  plan = [[['O', 'A', 'Y'], ['Y', 'B', 'O']], [['O', 'A', 'B', 'X'], ['X', 'C', 'D', 'O']]];
  exitsAsked.length = 0;
  const request = Buffer.from(`GET /early HTTP/1.1\r\nHost: ${EARLY_HOST}\r\nConnection: close\r\n\r\n`);
  const d = await o().connector.open({ host: EARLY_HOST, port: webPort }, new AbortController().signal, request);
  assert.deepEqual(exitsAsked, [key('Y'), key('X')], 'Y could not resolve the host; X got the request again');
  d.end();
  const parts: Buffer[] = [];
  for await (const c of d) parts.push(c as Buffer);
  assert.match(Buffer.concat(parts).toString(), /^HTTP\/1\.1 200[\s\S]*you asked for \/early$/, 'the request was not written twice nor lost');
});

test('a relay dying mid-download ends the stream with an error; the next stream goes around it', async () => {
  plan = [[['O', 'A', 'B', 'X'], ['X', 'C', 'D', 'O']], [['O', 'A', 'B', 'X'], ['X', 'Y', 'D', 'O']]];
  const d = await open();
  d.write(`GET /slow HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`);
  let got = 0;
  const failed = new Promise<Error>((resolve, reject) => {
    d.on('data', (c: Buffer) => {
      got += c.length;
      if (got > 256 * 1024 && got - c.length <= 256 * 1024) (nodes.get('C') as Node).transport.cutAll();
    });
    d.once('error', resolve);
    d.once('end', () => reject(new Error('the stream ended cleanly')));
  });
  const e = await failed;
  assert.match(e.message, /link on the route went down/);
  const body = await get(await open(), '/after');
  assert.equal(body.toString(), 'you asked for /after');
});

test('a client that stops reading stops the server: windows and backpressure bound what every hop holds', async () => {
  // C lost its links in the test before.
  plan = [[['O', 'A', 'B', 'X'], ['X', 'Y', 'D', 'O']]];
  const d = await open();
  floodSent = 0;
  d.write(`GET /flood HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`);
  // Nobody reads the client end for a while: the exit may send one window, then the server's socket fills up.
  await new Promise((r) => setTimeout(r, 1500));
  const whilePaused = floodSent;
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(floodSent > 0, 'the server started sending');
  console.log(`# held back after ${floodSent} bytes`);
  assert.equal(floodSent, whilePaused, 'the server is held back while the client does not read');
  assert.ok(floodSent < 16 * 1024 * 1024, `at most a window plus socket buffers left the server (${floodSent} bytes of ${FLOOD})`);
  // Reading again lets it flow again.
  let got = 0;
  await new Promise<void>((resolve) => {
    d.on('data', (c: Buffer) => {
      got += c.length;
      if (got > 4 * whilePaused) resolve();
    });
  });
  assert.ok(floodSent > whilePaused);
  d.destroy();
});
