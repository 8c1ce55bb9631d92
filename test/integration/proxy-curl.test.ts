// The proxy against the real curl binary and real local servers (HTTP, HTTPS with a self-signed certificate).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createTcpServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ProxyServer, createDirectExit, startProxy } from '../../src/proxy/index.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { MasqError } from '../../src/system/errors.js';
import { Sandbox, freePort, run, waitFor } from '../helpers/processes.js';

const sandbox = new Sandbox();
const log = createLogger(createLogCore('off'), 'test');
const BULK = Buffer.alloc(8 * 1024 * 1024);
for (let i = 0; i < BULK.length; i++) BULK[i] = (i * 31 + 7) & 0xff;

let web: Server;
let webPort: number;
let secure: ReturnType<typeof createHttpsServer>;
let securePort: number;
let cert: string;
let downPort: number;
const proxies: ProxyServer[] = [];

async function proxy(allowPrivate = true, limits = {}): Promise<string> {
  const p = await startProxy({ host: '127.0.0.1', port: 0, connector: createDirectExit({ dnsServers: ['127.0.0.1'], allowPrivate, log, dnsTimeoutMs: 500 }), log, limits });
  proxies.push(p);
  return `127.0.0.1:${p.address.port}`;
}

const curl = (...args: string[]) => run('curl', ['-sS', '--max-time', '10', ...args]);

before(async () => {
  web = createServer((req, res) => {
    if (req.url === '/bulk') return res.end(BULK);
    if (req.url === '/echo') {
      let body = '';
      req.on('data', (d: Buffer) => { body += d.toString(); });
      req.on('end', () => res.end(`${req.method} ${body} conn=${req.headers.connection} proxy=${req.headers['proxy-connection'] ?? 'none'}`));
      return;
    }
    res.end(`plain ${req.url}`);
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as { port: number }).port;
  const dir = sandbox.tempDir();
  cert = join(dir, 'c.pem');
  const key = join(dir, 'k.pem');
  const made = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  assert.equal(made.code, 0, made.stderr);
  secure = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => res.end(`secure ${req.url}`));
  await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
  securePort = (secure.address() as { port: number }).port;
  downPort = await freePort();
});

after(async () => {
  for (const p of proxies) await p.close(100);
  web.closeAllConnections();
  secure.closeAllConnections();
  await new Promise((r) => web.close(r));
  await new Promise((r) => secure.close(r));
  await sandbox.cleanup();
});

test('HTTP proxy requests reach the server, rewritten, and bulk bodies arrive intact', async () => {
  const p = await proxy();
  assert.equal((await curl('-x', `http://${p}`, `http://127.0.0.1:${webPort}/x?y=1`)).stdout, 'plain /x?y=1');
  assert.equal((await curl('-x', `http://${p}`, '-H', 'Proxy-Connection: keep-alive', '--data', 'hello', `http://127.0.0.1:${webPort}/echo`)).stdout, 'POST hello conn=close proxy=none');
  const bulk = await run('curl', ['-sS', '--max-time', '30', '-x', `http://${p}`, '-o', '-', `http://localhost:${webPort}/bulk`, '-w', '%{size_download}']);
  assert.equal(bulk.stdout.slice(-7), String(BULK.length));
});

test('CONNECT tunnels TLS end to end (curl checks the certificate)', async () => {
  const p = await proxy();
  const r = await curl('-p', '-x', `http://${p}`, '--cacert', cert, `https://localhost:${securePort}/s`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'secure /s');
});

test('SOCKS5 with names and with addresses', async () => {
  const p = await proxy();
  assert.equal((await curl('--socks5-hostname', p, `http://localhost:${webPort}/n`)).stdout, 'plain /n');
  assert.equal((await curl('--socks5', p, `http://127.0.0.1:${webPort}/a`)).stdout, 'plain /a');
  const tls = await curl('--socks5-hostname', p, '--cacert', cert, `https://localhost:${securePort}/t`);
  assert.equal(tls.stdout, 'secure /t', tls.stderr);
});

test('a server that is down: 503 page for HTTP, a TLS alert through CONNECT, SOCKS5 refusal', async () => {
  const p = await proxy();
  const page = await curl('-i', '-x', `http://${p}`, `http://127.0.0.1:${downPort}/`);
  assert.match(page.stdout, /^HTTP\/1\.1 503 Routing Error/);
  assert.match(page.stdout, /<h1>Error 503<\/h1>/);
  assert.match(page.stdout, /Couldn&#39;t connect to 127\.0\.0\.1:\d+/);
  const tls = await curl('-p', '-x', `http://${p}`, '--cacert', cert, `https://localhost:${downPort}/`);
  assert.equal(tls.code, 35, tls.stderr);
  assert.match(tls.stderr, /alert internal error/i);
  const socks = await curl('--socks5-hostname', p, `http://localhost:${downPort}/`);
  assert.equal(socks.code, 97, socks.stderr);
  assert.match(socks.stderr, /SOCKS5 connection to localhost\. \(5\)/, 'reply 5: connection refused');
});

test('a name that does not resolve: DNS page, unrecognized_name alert', async () => {
  const p = await proxy();
  const page = await curl('-i', '-x', `http://${p}`, 'http://no-such-host.invalid/');
  assert.match(page.stdout, /503 Routing Error[\s\S]*DNS Resolution Problem[\s\S]*no-such-host\.invalid/);
  const tls = await curl('-p', '-x', `http://${p}`, 'https://no-such-host.invalid/');
  assert.equal(tls.code, 35);
  assert.match(tls.stderr, /unrecognized name/i);
});

test('private destinations are refused unless allowed: 403 page, access_denied alert, SOCKS not allowed', async () => {
  const p = await proxy(false);
  const page = await curl('-i', '-x', `http://${p}`, `http://127.0.0.1:${webPort}/`);
  assert.match(page.stdout, /^HTTP\/1\.1 403 Routing Error[\s\S]*Destination Refused[\s\S]*exit-private-destinations/);
  const tls = await curl('-p', '-x', `http://${p}`, '--cacert', cert, `https://localhost:${securePort}/`);
  assert.equal(tls.code, 35);
  assert.match(tls.stderr, /access denied/i);
  const socks = await curl('--socks5-hostname', p, `http://localhost:${webPort}/`);
  assert.equal(socks.code, 97);
  assert.match(socks.stderr, /SOCKS5 connection to localhost\. \(2\)/, 'reply 2: not allowed by ruleset');
});

test('an oversized header gets 431; garbage gets 400', async () => {
  const p = await proxy();
  const big = await curl('-i', '-x', `http://${p}`, '-H', `X-Big: ${'a'.repeat(20_000)}`, `http://127.0.0.1:${webPort}/`);
  assert.match(big.stdout, /^HTTP\/1\.1 431 Request Header Fields Too Large/);
  const reply = await new Promise<string>((resolve) => {
    const [host, port] = p.split(':');
    const s = connect(Number(port), host as string, () => s.end('HELLO THERE\r\n\r\n'));
    let out = '';
    s.on('data', (d: Buffer) => { out += d.toString(); });
    s.on('close', () => resolve(out));
  });
  assert.match(reply, /^HTTP\/1\.1 400 Bad Request/);
});

test('connection limit, header timeout and close() with an open connection', async () => {
  const p = await proxy(true, { maxConnections: 2, headerTimeoutMs: 300 });
  const [host, port] = p.split(':') as [string, string];
  const idle = [connect(Number(port), host), connect(Number(port), host)];
  await Promise.all(idle.map((s) => new Promise((r) => s.once('connect', r))));
  const third = connect(Number(port), host);
  const closedFast = await new Promise<boolean>((r) => { third.once('close', () => r(true)); setTimeout(() => r(false), 2000); });
  assert.ok(closedFast, 'the third connection is refused');
  await waitFor('the header timeout to close idle connections', () => idle.every((s) => s.destroyed || s.readableEnded), 3000);
  const last = proxies[proxies.length - 1] as ProxyServer;
  const open = connect(Number(port), host);
  await new Promise((r) => open.once('connect', r));
  const t0 = Date.now();
  await last.close(200);
  assert.ok(Date.now() - t0 < 2000);
  for (const s of [...idle, third, open]) s.destroy();
});

test('a taken port is a clear error naming the parameter', async () => {
  const blocker = createTcpServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  await assert.rejects(
    startProxy({ host: '127.0.0.1', port, connector: createDirectExit({ dnsServers: ['127.0.0.1'], allowPrivate: true, log }), log }),
    (e: unknown) => e instanceof MasqError && e.code === 'PORT_IN_USE' && /proxy-port/.test(e.describe()),
  );
  blocker.close();
});
