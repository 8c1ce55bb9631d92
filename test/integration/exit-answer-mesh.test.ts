// The exit opens the back-route before it reaches the target: four Nodes in one process over real links, an exit
// whose connector the test holds open. The back-route's relay carries the OPEN while the exit still connects, the
// stream waits for the exit's ANSWER, and a failure to connect comes back as its kind.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Connector, StreamFailure, type Target } from '../../src/mesh/connector.js';
import type { OwnRoute } from '../../src/neighborhood/index.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { type MeshNode, closeStreamMesh, startStreamMesh } from '../helpers/stream-mesh.js';

const log = createLogger(createLogCore((process.env.MESH_LOG ?? 'off') as 'off'), 'mesh');
const NAMES = ['O', 'A', 'B', 'X'] as const;
type Name = (typeof NAMES)[number];

let nodes = new Map<Name, MeshNode>();
let web: Server;
let webPort = 0;
/** The exit's connection attempts the test has not let finish yet. */
const held: { target: Target; go(): void; fail(e: Error): void }[] = [];

const node = (n: Name): MeshNode => nodes.get(n) as MeshNode;
const key = (n: Name): string => node(n).key;

/** An exit that connects to the target only when the test says so. */
const heldExit: Connector = {
  open: (target) => new Promise<Duplex>((resolve, reject) => {
    held.push({
      target,
      go: () => {
        const s = connect(target.port, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
      },
      fail: reject,
    });
  }),
};

function route(): OwnRoute {
  return { over: ['O', 'A', 'X'].map((n) => key(n as Name)), back: ['X', 'B', 'O'].map((n) => key(n as Name)), cost: 0n, exitCountry: 'ZZ' };
}

/** Polls `f` every 10 ms for at most `ms`. */
async function until(what: string, f: () => boolean, ms = 3000): Promise<void> {
  for (let waited = 0; !f(); waited += 10) {
    if (waited >= ms) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

before(async () => {
  web = createServer((req, res) => res.end(`you asked for ${req.url}`));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as AddressInfo).port;
  nodes = await startStreamMesh(NAMES, (n) => ({
    route: n === 'O' ? route : () => undefined,
    exit: n === 'X' ? heldExit : undefined,
    relays: true,
    penalize: (peer, reason) => log.warn(`penalize ${peer.slice(0, 8)}: ${reason}`),
    log: log.child(n),
    openTimeoutMs: 5000,
  }));
});

after(() => {
  for (const h of held.splice(0)) h.fail(new Error('the test ended'));
  closeStreamMesh(nodes);
  web.close();
  web.closeAllConnections();
});

test('the back-route is open while the exit still connects; the stream waits for its answer, then carries the response', async () => {
  const relayedBefore = node('B').mesh.stats().cellsRelayed;
  let opened = false;
  const stream = node('O').mesh.connector.open({ host: '127.0.0.1', port: webPort }, new AbortController().signal)
    .then((d) => { opened = true; return d; });
  await until('the exit asking to connect', () => held.length === 1);
  // The back-route's relay has relayed the exit's OPEN although the target is not reached yet.
  await until('the back-route\'s OPEN at its relay', () => node('B').mesh.stats().relaying === 1);
  assert.equal(node('B').mesh.stats().cellsRelayed, relayedBefore, 'no cell but the OPEN yet: no answer, no data');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(opened, false, 'the stream is not open before the exit has answered');
  (held.shift() as (typeof held)[number]).go();
  const d = await stream;
  const parts: Buffer[] = [];
  d.end('GET /early HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  for await (const c of d) parts.push(c as Buffer);
  assert.match(Buffer.concat(parts).toString(), /^HTTP\/1\.1 200[\s\S]*you asked for \/early$/);
  assert.ok(node('B').mesh.stats().cellsRelayed > relayedBefore, 'the answer and the response came over B');
});

test('a target the exit cannot connect to comes back as the exit\'s reason, after the back-route stood', async () => {
  const stream = node('O').mesh.connector.open({ host: '127.0.0.1', port: webPort }, new AbortController().signal);
  const failed = assert.rejects(stream, (e: unknown) => e instanceof StreamFailure && e.kind === 'connect' && /could not open/.test(e.message));
  await until('the exit asking to connect', () => held.length === 1);
  await until('the back-route\'s OPEN at its relay', () => node('B').mesh.stats().relaying === 1);
  (held.shift() as (typeof held)[number]).fail(new StreamFailure('connect', { host: '127.0.0.1', port: webPort }, 'refused'));
  await failed;
  await until('the stream torn down at every hop', () => NAMES.every((n) => { const s = node(n).mesh.stats(); return s.relaying === 0 && s.exiting === 0 && s.originating === 0; }));
});
