// The proxy under floods from one source, with real sockets and the real curl: silent clients that leave, and
// clients that trickle a head that never ends. The flood comes from 127.0.0.2 and 127.0.0.3, the legitimate
// client (curl) from 127.0.0.1: all of 127/8 is loopback, so each is a source address of its own.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type Socket, connect } from 'node:net';
import { type ProxyLimits, type ProxyServer, createDirectExit, startProxy } from '../../src/proxy/index.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { run, waitFor } from '../helpers/processes.js';

const log = createLogger(createLogCore('off'), 'test');
const FLOOD = 1100;
const SHARE = 128;
/** Bounds every loop of a test: no flood runs longer than this. */
const MAX_TEST_MS = 20_000;

let web: Server;
let webPort: number;
const proxies: ProxyServer[] = [];
const clients = new Set<Socket>();
const timers = new Set<NodeJS.Timeout>();

before(async () => {
  web = createServer((_req, res) => res.end('served'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as { port: number }).port;
});

after(async () => {
  for (const t of timers) clearTimeout(t);
  for (const s of clients) s.destroy();
  for (const p of proxies) await p.close(100);
  web.closeAllConnections();
  await new Promise((r) => web.close(r));
});

async function proxy(limits: Partial<ProxyLimits>): Promise<ProxyServer> {
  const connector = createDirectExit({ dnsServers: ['127.0.0.1'], allowPrivate: true, log, dnsTimeoutMs: 500 });
  const server = await startProxy({ host: '127.0.0.1', port: 0, connector, log, limits });
  proxies.push(server);
  return server;
}

function later(ms: number, f: () => void): void {
  const t = setTimeout(() => {
    timers.delete(t);
    f();
  }, ms);
  timers.add(t);
}

/** A client from `from`; `closed` resolves when its socket has closed, for whatever reason. */
function client(port: number, from: string): { sock: Socket; closed: Promise<void> } {
  const sock = connect({ port, host: '127.0.0.1', localAddress: from });
  sock.on('error', () => undefined);
  clients.add(sock);
  const closed = new Promise<void>((r) => sock.once('close', () => {
    clients.delete(sock);
    r();
  }));
  return { sock, closed };
}

/**
 * curl through the proxy, again and again until `stop()` says so: every request must be served. Counts the
 * requests made while `busy()` was true at their start and their end.
 */
async function legitimate(port: number, stop: () => boolean, busy: () => boolean): Promise<{ served: number; whileBusy: number }> {
  let served = 0;
  let whileBusy = 0;
  const deadline = Date.now() + MAX_TEST_MS;
  while (!stop() && Date.now() < deadline) {
    const before = busy();
    const r = await run('curl', ['-sS', '--max-time', '5', '--interface', '127.0.0.1', '-x', `http://127.0.0.1:${port}`, `http://127.0.0.1:${webPort}/`]);
    assert.equal(r.stdout, 'served', `request ${served + 1}: ${r.stderr}`);
    served += 1;
    if (before && busy()) whileBusy += 1;
  }
  return { served, whileBusy };
}

async function closeWaitOn(port: number): Promise<string> {
  const r = await run('ss', ['-Htan', 'state', 'close-wait', `( sport = :${port} )`]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

/** Opens `n` clients from `from`, 200 at a time so that none waits for a place in the listen backlog. */
async function openFlood(port: number, n: number, from: string): Promise<Array<{ sock: Socket; closed: Promise<void> }>> {
  const all: Array<{ sock: Socket; closed: Promise<void> }> = [];
  while (all.length < n) {
    const batch = Array.from({ length: Math.min(200, n - all.length) }, () => client(port, from));
    all.push(...batch);
    await waitFor('a batch of the flood to connect', () => batch.every((c) => !c.sock.connecting), 10_000, 10);
  }
  return all;
}

test('1 100 silent clients that leave after 2 s: the legitimate client is served, nothing stays in CLOSE-WAIT', { timeout: 60_000 }, async () => {
  // A long header deadline, so that only the fix (closing a client that ends) can close the flood in time.
  const server = await proxy({ headerTimeoutMs: 60_000 });
  const port = server.address.port;
  const started = Date.now();
  let leaving = false;
  let leftAt = 0;
  let closedBeforeLeaving = 0;
  let gone = false;
  const flooding = (async () => {
    const flood = await openFlood(port, FLOOD, '127.0.0.2');
    for (const c of flood) void c.closed.then(() => { if (!leaving) closedBeforeLeaving += 1; });
    void Promise.all(flood.map((c) => c.closed)).then(() => { gone = true; });
    // Over its share the source is closed at once; the others stay (silent) until they leave, 2 s after the start.
    await waitFor('the flood over the share to be closed', () => closedBeforeLeaving >= FLOOD - SHARE, 10_000, 10);
    await new Promise<void>((r) => later(Math.max(0, started + 2000 - Date.now()), r));
    leaving = true;
    leftAt = Date.now();
    for (const c of flood) c.sock.end();
  })();
  // Until the flood has gone, or 5 s after it left (when the proxy fails to close it).
  const served = await legitimate(port, () => gone || (leaving && Date.now() - leftAt > 5000), () => !leaving && server.connections() >= SHARE);
  await flooding;
  assert.ok(gone, 'the proxy closed every flood connection after its client ended');
  assert.ok(served.whileBusy >= 1, `served while the flood held its share: ${JSON.stringify(served)}`);
  assert.equal(closedBeforeLeaving, FLOOD - SHARE, 'beyond its share, the source is closed at once; within it, kept');
  await waitFor('the proxy to count the flood gone', () => server.connections() === 0, 5000, 50);
  assert.equal(await closeWaitOn(port), '');
  // The source holds no share any more: a new client from it is served.
  const again = await run('curl', ['-sS', '--max-time', '5', '--interface', '127.0.0.2', '-x', `http://127.0.0.1:${port}`, `http://127.0.0.1:${webPort}/`]);
  assert.equal(again.stdout, 'served', again.stderr);
});

test('a source that trickles heads that never end: the legitimate client is served throughout', { timeout: 60_000 }, async () => {
  const server = await proxy({ headerTimeoutMs: 1000 });
  const port = server.address.port;
  const open = new Set<Socket>();
  let opening = true;
  let opened = 0;
  // Every 200 ms: one more byte on each connection, and new ones up to 200 at a time (3 000 in all at most).
  const tick = setInterval(() => {
    for (const s of open) s.write('a');
    while (opening && open.size < 200 && opened < 3000) {
      opened += 1;
      const { sock, closed } = client(port, '127.0.0.3');
      open.add(sock);
      sock.write('GET http://127.0.0.1/ HTTP/1.1\r\nX-Slow: ');
      void closed.then(() => open.delete(sock));
    }
  }, 200);
  try {
    later(3500, () => { opening = false; });
    const served = await legitimate(port, () => !opening, () => opening && server.connections() >= SHARE);
    assert.ok(served.whileBusy >= 1, `served while the trickle held its share: ${JSON.stringify(served)}`);
    // Still trickling, but the header deadline counts from connecting: the proxy closes every one of them.
    await waitFor('the header deadline to close the trickling connections', () => open.size === 0, 5000, 50);
  } finally {
    opening = false;
    clearInterval(tick);
    for (const s of open) s.destroy();
  }
  await waitFor('the proxy to count them gone', () => server.connections() === 0, 5000, 50);
  assert.equal(await closeWaitOn(port), '');
});
