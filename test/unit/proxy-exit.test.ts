import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Server, type Socket, createServer } from 'node:net';
import { createDirectExit, StreamFailure, type FailureKind } from '../../src/proxy/index.js';
import { MAX_CHUNK } from '../../src/wire/index.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { type FakeDns, startFakeDns } from '../helpers/proxy-dns.js';

const log = createLogger(createLogCore('off'), 'test');
let dns: FakeDns;
let server: Server;
let port: number;
let closedPort: number;

before(async () => {
  dns = await startFakeDns({
    'loop.test': ['127.0.0.1'],
    'second.test': ['127.0.0.3', '127.0.0.1'],
    'rebind.test': ['10.0.0.1', '192.168.0.7', 'fd00::1'],
    'zero.test': ['0.0.0.0'],
    'v6only.test': ['::1'],
    'half.test': ['127.0.0.1'],
  }, ['silent.test', 'half.test/AAAA']);
  server = createServer((s) => s.end('hello'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
  const closer = createServer();
  await new Promise<void>((r) => closer.listen(0, '127.0.0.1', r));
  closedPort = (closer.address() as { port: number }).port;
  await new Promise((r) => closer.close(r));
});

after(async () => {
  await dns.close();
  await new Promise((r) => server.close(r));
});

const exit = (allowPrivate: boolean, dnsTimeoutMs = 1000) => createDirectExit({ dnsServers: [dns.server], allowPrivate, dnsTimeoutMs, log });

async function greeting(host: string, p = port, allowPrivate = true): Promise<string> {
  const sock = (await exit(allowPrivate).open({ host, port: p }, new AbortController().signal)) as Socket;
  try {
    let got = '';
    for await (const chunk of sock) got += String(chunk);
    return got;
  } finally {
    sock.destroy();
  }
}

async function failure(host: string, p: number, allowPrivate: boolean, signal = new AbortController().signal, dnsTimeoutMs = 600): Promise<FailureKind> {
  try {
    const s = await exit(allowPrivate, dnsTimeoutMs).open({ host, port: p }, signal);
    s.destroy();
  } catch (e) {
    assert.ok(e instanceof StreamFailure, String(e));
    assert.deepEqual(e.target, { host, port: p });
    return e.kind;
  }
  assert.fail(`${host}:${p} opened`);
}

test('IP literals and localhost names connect without asking DNS', async () => {
  const before = dns.queries.length;
  assert.equal(await greeting('127.0.0.1'), 'hello');
  assert.equal(await greeting('localhost'), 'hello');
  assert.equal(await greeting('app.localhost.'), 'hello');
  assert.equal(dns.queries.length, before);
});

test('names resolve through the configured DNS server; addresses are tried in order', async () => {
  assert.equal(await greeting('loop.test'), 'hello');
  assert.ok(dns.queries.includes('loop.test/A') && dns.queries.includes('loop.test/AAAA'));
  assert.equal(await greeting('Second.Test'), 'hello', '127.0.0.3 refuses, 127.0.0.1 answers');
  assert.equal(await greeting('half.test'), 'hello', 'the A answer counts though the AAAA query times out');
});

// The per-test timeouts below are hang guards: a lookup that ignored its deadline or the abort would never end.
test('failures come as typed StreamFailures', { timeout: 10_000 }, async () => {
  assert.equal(await failure('no-such.test', port, true), 'dns');
  assert.equal(await failure('zero.test', port, true), 'dns', '0.0.0.0 answers are dropped');
  assert.equal(await failure('silent.test', port, true), 'dns', 'a silent DNS server ends in a dns failure');
  assert.equal(await failure('127.0.0.1', closedPort, true), 'connect');
  assert.equal(await failure('loop.test', closedPort, true), 'connect');
});

test('private destinations are refused by address, after resolving (no DNS rebinding)', async () => {
  for (const host of ['127.0.0.1', '::1', 'localhost', 'loop.test', 'rebind.test', 'v6only.test', '::ffff:127.0.0.1', '169.254.169.254']) {
    assert.equal(await failure(host, port, false), 'refused-private', host);
  }
  assert.equal(await greeting('loop.test', port, true), 'hello', 'allowed when exit-private-destinations is on');
});

test('an aborted open stops the lookup, long before its own deadline', { timeout: 5000 }, async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  assert.equal(await failure('silent.test', port, true, ac.signal, 60_000), 'dns');
});

test('two targets sending at once arrive whole and apart, in reads of up to two cells, and a paused reader pauses the socket', { timeout: 20_000 }, async () => {
  const { createHash, randomBytes } = await import('node:crypto');
  const bodies = [randomBytes(4 << 20), randomBytes(3 << 20)];
  const senders = await Promise.all(bodies.map(async (body) => {
    const s = createServer((c) => c.end(body));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return s;
  }));
  try {
    const got = await Promise.all(senders.map(async (s, i) => {
      const sock = (await exit(true).open({ host: '127.0.0.1', port: (s.address() as { port: number }).port }, new AbortController().signal)) as Socket;
      const hash = createHash('sha256');
      let largest = 0;
      let heldWhilePaused = 0;
      sock.on('data', (b: Buffer) => {
        hash.update(b);
        largest = Math.max(largest, b.length);
        // The first stream's reader stops for 200 ms after its first read: what the socket reads meanwhile is noted.
        if (i === 0 && heldWhilePaused === 0) {
          heldWhilePaused = -1;
          sock.pause();
          setTimeout(() => { heldWhilePaused = sock.readableLength; sock.resume(); }, 200);
        }
      });
      await new Promise((r) => sock.once('end', r));
      sock.destroy();
      return { digest: hash.digest('hex'), largest, heldWhilePaused };
    }));
    got.forEach((g, i) => {
      assert.equal(g.digest, createHash('sha256').update(bodies[i] as Buffer).digest('hex'), `target ${i + 1}'s bytes`);
      assert.ok(g.largest > 64 * 1024 && g.largest <= 2 * MAX_CHUNK, `largest read ${g.largest}`);
    });
    // A paused socket stops reading once its buffer is full: a high-water mark and one read, not the whole body.
    assert.ok((got[0]?.heldWhilePaused ?? 0) > 0 && (got[0]?.heldWhilePaused ?? 0) <= 64 * 1024 + 2 * MAX_CHUNK, `held while paused: ${got[0]?.heldWhilePaused}`);
  } finally {
    await Promise.all(senders.map((s) => new Promise((r) => s.close(r))));
  }
});
