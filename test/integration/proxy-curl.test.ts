// The proxy against the real curl binary and real local servers (HTTP, HTTPS with a self-signed certificate).
// Only loopback addresses; every server, proxy and temp dir is closed in `after`, whatever happened.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type Socket, connect, createServer as createTcpServer } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Connector, type FailureKind, type ProxyLimits, type ProxyServer, StreamFailure, type Target, createDirectExit, startProxy } from '../../src/proxy/index.js';
import { encodeGreeting, encodeRequest, parseReply } from '../../src/proxy/socks5.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { ConfigError } from '../../src/config/index.js';
import { Sandbox, freePort, run, waitFor } from '../helpers/processes.js';

const sandbox = new Sandbox();
const log = createLogger(createLogCore('off'), 'test');
const BULK = Buffer.alloc(6 * 1024 * 1024);
for (let i = 0; i < BULK.length; i++) BULK[i] = (i * 31 + (i >> 13)) & 0xff;
const SLOW_PIECE = 64 * 1024;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

let web: Server;
let webPort: number;
let secure: ReturnType<typeof createHttpsServer>;
let securePort: number;
let cert: string;
let dir: string;
let downPort: number;
const proxies: ProxyServer[] = [];
const clients: Socket[] = [];

const direct = (allowPrivate: boolean): Connector => createDirectExit({ dnsServers: ['127.0.0.1'], allowPrivate, log, dnsTimeoutMs: 500 });

async function proxy(connector: Connector = direct(true), limits: Partial<ProxyLimits> = {}, logger = log): Promise<{ addr: string; port: number; server: ProxyServer }> {
  const server = await startProxy({ host: '127.0.0.1', port: 0, connector, log: logger, limits });
  proxies.push(server);
  return { addr: `127.0.0.1:${server.address.port}`, port: server.address.port, server };
}

/** Sends what each target asks for to a fixed local port, recording the targets: tests the entry alone. */
function redirect(port: number, seen: Target[] = []): Connector {
  const inner = direct(true);
  return { open: (t, signal, early) => { seen.push(t); return inner.open({ host: '127.0.0.1', port }, signal, early); } };
}
const failing = (kind: FailureKind): Connector => ({ open: (t) => Promise.reject(new StreamFailure(kind, t, `test ${kind}`)) });

const curl = (...args: string[]) => run('curl', ['-sS', '--max-time', '10', ...args]);

function rawClient(port: number): Socket {
  const s = connect(port, '127.0.0.1');
  s.on('error', () => undefined);
  clients.push(s);
  return s;
}

/** Everything a raw client receives until the proxy closes the connection (bounded by 5 s). */
function received(s: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { s.destroy(); }, 5000);
    s.on('data', (d: Buffer) => chunks.push(d));
    s.once('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks)); });
  });
}

before(async () => {
  web = createServer((req, res) => {
    if (req.url === '/bulk') return res.end(BULK);
    if (req.url === '/slow') {
      // Ten pieces over about 600 ms: a transfer that is still running when the proxy is asked to close.
      let sent = 0;
      const timer = setInterval(() => {
        res.write(BULK.subarray(sent * SLOW_PIECE, (sent + 1) * SLOW_PIECE));
        if (++sent === 10) {
          clearInterval(timer);
          res.end();
        }
      }, 60);
      res.once('close', () => clearInterval(timer));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.end(req.url === '/echo'
        ? `${req.method} ${req.url} len=${body.length} sha=${sha256(body)} host=${req.headers.host} conn=${req.headers.connection} proxy=${req.headers['proxy-connection'] ?? 'none'}`
        : `plain ${req.url}`);
    });
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as { port: number }).port;
  dir = sandbox.tempDir('masq-proxy-');
  cert = join(dir, 'c');
  const key = join(dir, 'k');
  const made = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  assert.equal(made.code, 0, made.stderr);
  secure = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => res.end(`secure ${req.url}`));
  await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
  securePort = (secure.address() as { port: number }).port;
  downPort = await freePort();
});

after(async () => {
  for (const s of clients) s.destroy();
  for (const p of proxies) await p.close(100);
  web.closeAllConnections();
  secure.closeAllConnections();
  await new Promise((r) => web.close(r));
  await new Promise((r) => secure.close(r));
  await sandbox.cleanup();
});

test('HTTP proxy requests reach the server rewritten; bulk bodies arrive intact both ways', { timeout: 30_000 }, async () => {
  const { addr } = await proxy();
  const plain = await curl('-x', `http://${addr}`, `http://127.0.0.1:${webPort}/x?y=1`);
  assert.equal(plain.stdout, 'plain /x?y=1', plain.stderr);
  const echo = await curl('-x', `http://${addr}`, '-H', 'Proxy-Connection: keep-alive', '--data-binary', 'hello', `http://localhost:${webPort}/echo`);
  assert.equal(echo.stdout, `POST /echo len=5 sha=${sha256(Buffer.from('hello'))} host=localhost:${webPort} conn=close proxy=none`);
  const down = join(dir, 'bulk.out');
  const got = await run('curl', ['-sS', '--max-time', '30', '-x', `http://${addr}`, '-o', down, `http://localhost:${webPort}/bulk`]);
  assert.equal(got.code, 0, got.stderr);
  assert.equal(sha256(readFileSync(down)), sha256(BULK));
  const up = join(dir, 'bulk.in');
  writeFileSync(up, BULK);
  const sent = await run('curl', ['-sS', '--max-time', '30', '-x', `http://${addr}`, '--data-binary', `@${up}`, `http://127.0.0.1:${webPort}/echo`]);
  assert.match(sent.stdout, new RegExp(`^POST /echo len=${BULK.length} sha=${sha256(BULK)} `), sent.stderr);
});

test('a transparent request (origin form with Host) works too', { timeout: 30_000 }, async () => {
  const { port } = await proxy(redirect(webPort));
  const s = rawClient(port);
  s.write('GET /t HTTP/1.1\r\nHost: example.org\r\n\r\n');
  const reply = (await received(s)).toString();
  assert.match(reply, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nplain \/t$/);
});

test('CONNECT tunnels TLS end to end to any port (curl checks the certificate)', { timeout: 30_000 }, async () => {
  const { addr } = await proxy();
  const r = await curl('-p', '-x', `http://${addr}`, '--cacert', cert, `https://localhost:${securePort}/s`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'secure /s');
});

test('raw TLS: the host comes from SNI, port 443; no SNI gets an internal_error alert', { timeout: 30_000 }, async () => {
  const seen: Target[] = [];
  const { port } = await proxy(redirect(securePort, seen));
  const r = await curl('--connect-to', `localhost:443:127.0.0.1:${port}`, '--cacert', cert, 'https://localhost/sni');
  assert.equal(r.stdout, 'secure /sni', r.stderr);
  assert.deepEqual(seen, [{ host: 'localhost', port: 443 }]);
  const noSni = await curl('--connect-to', `127.0.0.1:443:127.0.0.1:${port}`, '-k', 'https://127.0.0.1/');
  assert.equal(noSni.code, 35, noSni.stderr);
  assert.match(noSni.stderr, /alert internal error/i);
  assert.equal(seen.length, 1);
  const { port: dnsFails } = await proxy(failing('dns'));
  const bad = await curl('--connect-to', `localhost:443:127.0.0.1:${dnsFails}`, '--cacert', cert, 'https://localhost/');
  assert.equal(bad.code, 35, bad.stderr);
  assert.match(bad.stderr, /unrecognized name/i);
});

test('SOCKS5 with names, with addresses, and TLS inside', { timeout: 30_000 }, async () => {
  const { addr } = await proxy();
  assert.equal((await curl('--socks5-hostname', addr, `http://localhost:${webPort}/n`)).stdout, 'plain /n');
  assert.equal((await curl('--socks5', addr, `http://127.0.0.1:${webPort}/a`)).stdout, 'plain /a');
  const tls = await curl('--socks5-hostname', addr, '--cacert', cert, `https://localhost:${securePort}/t`);
  assert.equal(tls.stdout, 'secure /t', tls.stderr);
});

test('SOCKS5 codec answers: no method without authentication, other commands, unknown address types', { timeout: 30_000 }, async () => {
  const { port } = await proxy();
  const noAuth = rawClient(port);
  noAuth.write(encodeGreeting([0x02]));
  assert.deepEqual([...(await received(noAuth))], [5, 0xff]);
  const bind = rawClient(port);
  bind.write(Buffer.concat([encodeGreeting([0x00]), encodeRequest(0x02, { host: '127.0.0.1', port: webPort })]));
  const bindReply = await received(bind);
  assert.deepEqual([...bindReply.subarray(0, 2)], [5, 0]);
  assert.ok(parseReply(bindReply.subarray(2)).kind === 'ok' && bindReply[3] === 0x07, 'command not supported');
  const atyp = rawClient(port);
  atyp.write(Buffer.concat([encodeGreeting([0x00]), Buffer.from([5, 1, 0, 9])]));
  assert.equal((await received(atyp))[3], 0x08);
  // A successful reply carries the bound address of the upstream connection.
  const ok = rawClient(port);
  ok.write(Buffer.concat([encodeGreeting([0x00]), encodeRequest(0x01, { host: '127.0.0.1', port: webPort }), Buffer.from('GET /raw HTTP/1.0\r\n\r\n')]));
  const all = await received(ok);
  const reply = parseReply(all.subarray(2));
  assert.ok(reply.kind === 'ok' && reply.rep === 0 && reply.host === '127.0.0.1' && reply.port > 0);
  assert.match(all.subarray(2 + reply.length).toString(), /plain \/raw$/);
});

test('a server that is down: 503 page for HTTP, a TLS alert through CONNECT, SOCKS5 connection refused', { timeout: 30_000 }, async () => {
  const { addr, port } = await proxy();
  const page = await curl('-i', '-x', `http://${addr}`, `http://127.0.0.1:${downPort}/`);
  assert.match(page.stdout, /^HTTP\/1\.1 503 Routing Error\r\n/);
  assert.match(page.stdout, /<h1>Error 503<\/h1>\s*<h2>Connection Problem<\/h2>/);
  assert.match(page.stdout, /Couldn&#39;t connect to 127\.0\.0\.1:\d+/);
  const tls = await curl('-p', '-x', `http://${addr}`, '--cacert', cert, `https://localhost:${downPort}/`);
  assert.equal(tls.code, 35, tls.stderr);
  assert.match(tls.stderr, /alert internal error/i);
  const socks = await curl('--socks5-hostname', addr, `http://localhost:${downPort}/`);
  assert.equal(socks.code, 97, socks.stderr);
  assert.match(socks.stderr, /\(5\)/, 'reply 5: connection refused');
  // A tunnel that does not carry TLS is just closed.
  const s = rawClient(port);
  s.write(`CONNECT 127.0.0.1:${downPort} HTTP/1.1\r\n\r\nhello`);
  assert.equal((await received(s)).toString(), 'HTTP/1.1 200 OK\r\n\r\n');
});

test('a name that does not resolve: DNS page, unrecognized_name alert, SOCKS host unreachable', { timeout: 30_000 }, async () => {
  const { addr } = await proxy();
  const page = await curl('-i', '-x', `http://${addr}`, 'http://no-such-host.invalid/');
  assert.match(page.stdout, /^HTTP\/1\.1 503 Routing Error[\s\S]*<h2>DNS Resolution Problem<\/h2>[\s\S]*no-such-host\.invalid/);
  const tls = await curl('-p', '-x', `http://${addr}`, 'https://no-such-host.invalid/');
  assert.equal(tls.code, 35);
  assert.match(tls.stderr, /unrecognized name/i);
  const socks = await curl('--socks5-hostname', addr, 'http://no-such-host.invalid/');
  assert.match(socks.stderr, /\(4\)/, 'reply 4: host unreachable');
});

test('private destinations are refused unless allowed: 403 page, access_denied alert, SOCKS not allowed', { timeout: 30_000 }, async () => {
  const { addr } = await proxy(direct(false));
  const page = await curl('-i', '-x', `http://${addr}`, `http://127.0.0.1:${webPort}/`);
  assert.match(page.stdout, /^HTTP\/1\.1 403 Routing Error[\s\S]*<h2>Destination Refused<\/h2>[\s\S]*exit-private-destinations/);
  const tls = await curl('-p', '-x', `http://${addr}`, '--cacert', cert, `https://localhost:${securePort}/`);
  assert.equal(tls.code, 35);
  assert.match(tls.stderr, /alert access denied/i);
  const socks = await curl('--socks5-hostname', addr, `http://localhost:${webPort}/`);
  assert.equal(socks.code, 97);
  assert.match(socks.stderr, /\(2\)/, 'reply 2: not allowed by ruleset');
});

test('routing and timeout failures from a connector: their page and SOCKS codes', { timeout: 30_000 }, async () => {
  const { addr } = await proxy(failing('route'));
  const page = await curl('-i', '-x', `http://${addr}`, 'http://example.org/');
  assert.match(page.stdout, /^HTTP\/1\.1 503 Routing Error[\s\S]*<h2>Routing Problem<\/h2>\s*<h3>Can&#39;t find a route to example\.org<\/h3>/);
  assert.match((await curl('--socks5-hostname', addr, 'http://example.org/')).stderr, /\(1\)/);
  const { addr: slow } = await proxy(failing('timeout'));
  assert.match((await curl('--socks5-hostname', slow, 'http://example.org/')).stderr, /\(6\)/);
});

test('an oversized header gets 431, garbage 400, the proxy address itself 508', { timeout: 30_000 }, async () => {
  const { addr, port } = await proxy();
  const big = await curl('-i', '-x', `http://${addr}`, '-H', `X-Big: ${'a'.repeat(20_000)}`, `http://127.0.0.1:${webPort}/`);
  assert.match(big.stdout, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  const s = rawClient(port);
  s.write('HELLO THERE\r\n\r\n');
  assert.match((await received(s)).toString(), /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*<h1>Error 400<\/h1>/);
  const loop = await curl('-i', '-x', `http://${addr}`, `http://127.0.0.1:${port}/`);
  assert.match(loop.stdout, /^HTTP\/1\.1 508 Loop Detected\r\n[\s\S]*Proxy Loop/);
});

test('connection limit, header deadline against trickling clients, close() with an open connection', { timeout: 30_000 }, async () => {
  const warnings: string[] = [];
  const { port, server } = await proxy(direct(true), { maxConnections: 2, headerTimeoutMs: 400 }, createLogger(createLogCore('warn', { write: (l) => warnings.push(l) }), 'test'));
  const held = [rawClient(port), rawClient(port)];
  await Promise.all(held.map((s) => new Promise((r) => s.once('connect', r))));
  await waitFor('two connections', () => server.connections() === 2, 2000, 10);
  const third = rawClient(port);
  assert.equal((await received(third)).length, 0, 'the third connection is closed without an answer');
  assert.equal(server.connections(), 2);
  assert.ok(warnings.some((l) => /Closed 1 new connection\(s\) at once: 2 are open/.test(l)), 'closed by the connection limit, not by a timeout');
  // One byte every 100 ms never completes a head: the deadline counts from connecting, not from the last byte.
  const trickle = setInterval(() => { for (const s of held) if (!s.destroyed) s.write('G'); }, 100);
  try {
    await waitFor('the header deadline to close both', () => held.every((s) => s.destroyed || s.readableEnded), 3000, 20);
  } finally {
    clearInterval(trickle);
  }
  const open = rawClient(port);
  await new Promise((r) => open.once('connect', r));
  await waitFor('the open connection', () => server.connections() === 1, 2000, 10);
  const closed = received(open);
  await server.close(200);
  assert.equal(server.connections(), 0, 'after the grace period the open connection is cut');
  await closed;
  const refused = await curl('-x', `http://127.0.0.1:${port}`, `http://127.0.0.1:${webPort}/`);
  assert.notEqual(refused.code, 0, 'the port no longer listens');
});

test('close() lets a running transfer finish within the grace period', { timeout: 30_000 }, async () => {
  const { addr, server } = await proxy();
  const transfer = curl('-x', `http://${addr}`, '-o', join(dir, 'graced.out'), `http://127.0.0.1:${webPort}/slow`);
  await waitFor('the transfer to start', () => server.connections() === 1, 5000, 10);
  await server.close(5000);
  const done = await transfer; // it completes intact only if close() let it run
  assert.equal(done.code, 0, done.stderr);
  assert.equal(sha256(readFileSync(join(dir, 'graced.out'))), sha256(BULK.subarray(0, 10 * SLOW_PIECE)));
});

test('a taken port is a clear error naming the port and the parameter', { timeout: 30_000 }, async () => {
  const blocker = createTcpServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  try {
    const port = (blocker.address() as { port: number }).port;
    await assert.rejects(
      startProxy({ host: '127.0.0.1', port, connector: direct(true), log }),
      (e: unknown) => e instanceof ConfigError && e.param === 'proxy-port' && e.code === 'PORT_IN_USE' && e.message.includes(String(port)) && /proxy-port/.test(e.describe()),
    );
  } finally {
    blocker.close();
  }
});
