// The proxy's options for serving a home network, against real sockets and the real curl: several listen
// addresses, a rule on the source address, credentials (HTTP Basic, SOCKS5 username/password), and the fair share
// of one source. Other sources are other loopback addresses (127.0.0.2, 127.0.0.3): all of 127/8 is loopback.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type Socket, connect, createServer as createTcpServer } from 'node:net';
import { type Connector, type ProxyOptions, type ProxyServer, type Target, createDirectExit, startProxy } from '../../src/proxy/index.js';
import { encodeGreeting } from '../../src/proxy/socks5.js';
import { encodeUserPass } from '../../src/proxy/auth.js';
import { localSource } from '../../src/address-ranges/index.js';
import { ConfigError } from '../../src/config/index.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { freePort, run, waitFor } from '../helpers/processes.js';

const quiet = createLogger(createLogCore('off'), 'test');
const SECRET = { user: 'family', password: 'pa55-w0rd-Secret' };
let web: Server;
let webPort: number;
const proxies: ProxyServer[] = [];
const clients: Socket[] = [];

before(async () => {
  web = createServer((req, res) => res.end(`served ${req.url} auth=${req.headers['proxy-authorization'] ?? 'none'}`));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as { port: number }).port;
});

after(async () => {
  for (const s of clients) s.destroy();
  for (const p of proxies) await p.close(100);
  web.closeAllConnections();
  await new Promise((r) => web.close(r));
});

/** A direct exit that records every target it is asked for. */
function recording(seen: Target[]): Connector {
  const inner = createDirectExit({ dnsServers: ['127.0.0.1'], allowPrivate: true, log: quiet, dnsTimeoutMs: 500 });
  return { open: (t, signal, early) => { seen.push(t); return inner.open(t, signal, early); } };
}

/** A proxy on 127.0.0.1 and the lines it logs at debug level and up. */
async function proxy(opts: Partial<ProxyOptions> = {}): Promise<{ server: ProxyServer; port: number; lines: string[]; seen: Target[] }> {
  const lines: string[] = [];
  const seen: Target[] = [];
  const log = createLogger(createLogCore('debug', { write: (l) => lines.push(l) }), 'test');
  const server = await startProxy({ host: '127.0.0.1', port: 0, connector: recording(seen), log, ...opts });
  proxies.push(server);
  return { server, port: server.address.port, lines, seen };
}

const curl = (...args: string[]) => run('curl', ['-sS', '--max-time', '10', ...args]);
const url = (path = '/'): string => `http://127.0.0.1:${webPort}${path}`;

/** Connects from `from`, sends `bytes`, and returns all the proxy answers until it closes (5 s at most). */
function exchange(port: number, bytes: Buffer | string, from = '127.0.0.1'): Promise<Buffer> {
  const s = connect({ port, host: '127.0.0.1', localAddress: from }, () => s.write(bytes));
  clients.push(s);
  const chunks: Buffer[] = [];
  const timer = setTimeout(() => s.destroy(), 5000);
  s.on('error', () => undefined);
  s.on('data', (d: Buffer) => chunks.push(d));
  return new Promise((resolve) => s.once('close', () => {
    clearTimeout(timer);
    resolve(Buffer.concat(chunks));
  }));
}

test('several listen addresses on one port; address is the first; the proxy knows every one as itself', { timeout: 30_000 }, async () => {
  const { server, port } = await proxy({ host: undefined, hosts: ['127.0.0.1', '127.0.0.2', '127.0.0.1'] });
  assert.deepEqual(server.address, { host: '127.0.0.1', port });
  for (const via of ['127.0.0.1', '127.0.0.2']) {
    const r = await curl('-x', `http://${via}:${port}`, url('/via'));
    assert.equal(r.stdout, 'served /via auth=none', `${via}: ${r.stderr}`);
  }
  const loop = await curl('-i', '-x', `http://127.0.0.1:${port}`, `http://127.0.0.2:${port}/`);
  assert.match(loop.stdout, /^HTTP\/1\.1 508 Loop Detected\r\n/);
  // `host` and `hosts` together: host first.
  const both = await proxy({ host: '127.0.0.2', hosts: ['127.0.0.1'] });
  assert.equal(both.server.address.host, '127.0.0.2');
  assert.equal((await curl('-x', `http://127.0.0.1:${both.port}`, url())).stdout, 'served / auth=none');
});

test('one address that cannot listen: a clear error, and the others are closed again', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const blocker = createTcpServer();
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.2', r));
  try {
    await assert.rejects(
      startProxy({ hosts: ['127.0.0.1', '127.0.0.2'], port, connector: recording([]), log: quiet }),
      (e: unknown) => e instanceof ConfigError && e.code === 'PORT_IN_USE' && e.message.includes('127.0.0.2'),
    );
    const probe = createTcpServer();
    await new Promise<void>((r, j) => { probe.once('error', j); probe.listen(port, '127.0.0.1', r); });
    await new Promise((r) => probe.close(r));
  } finally {
    await new Promise((r) => blocker.close(r));
  }
  await assert.rejects(startProxy({ port: 0, connector: recording([]), log: quiet }), /no address to listen on/);
});

test('a source the rule refuses is closed before anything is read, and logged once a minute', { timeout: 30_000 }, async () => {
  const { port, lines, seen } = await proxy({ sourceAllowed: (ip) => localSource(ip) && ip !== '127.0.0.2' });
  for (let i = 0; i < 3; i++) {
    const answer = await exchange(port, `GET ${url('/refused')} HTTP/1.1\r\nHost: x\r\n\r\n`, '127.0.0.2');
    assert.equal(answer.length, 0, 'closed without an answer');
  }
  const byCurl = await curl('--interface', '127.0.0.2', '-x', `http://127.0.0.1:${port}`, url());
  assert.notEqual(byCurl.code, 0);
  assert.deepEqual(seen, [], 'no request from the refused source reached the connector');
  assert.equal(lines.filter((l) => l.includes("Refused a connection from 127.0.0.2: not on this box's local networks")).length, 1, lines.join('\n'));
  const ok = await curl('--interface', '127.0.0.1', '-x', `http://127.0.0.1:${port}`, url('/ok'));
  assert.equal(ok.stdout, 'served /ok auth=none', ok.stderr);
});

test('credentials over HTTP and CONNECT: Basic or 407 with a Basic challenge; the password is never logged', { timeout: 30_000 }, async () => {
  const { port, lines, seen } = await proxy({ credentials: SECRET });
  const proxyArgs = ['-x', `http://127.0.0.1:${port}`];
  const good = await curl(...proxyArgs, '--proxy-user', `${SECRET.user}:${SECRET.password}`, url('/in'));
  assert.equal(good.stdout, 'served /in auth=none', 'served, and the credentials are not passed on');
  for (const who of [[], ['--proxy-user', `${SECRET.user}:wrong`], ['--proxy-user', `other:${SECRET.password}`]]) {
    const r = await curl('-i', ...proxyArgs, ...who, url('/no'));
    assert.match(r.stdout, /^HTTP\/1\.1 407 Proxy Authentication Required\r\n/, who.join(' '));
    assert.match(r.stdout, /\r\nProxy-Authenticate: Basic realm="MASQ"\r\n/);
  }
  const tunnel = await curl('-p', ...proxyArgs, '--proxy-user', `${SECRET.user}:${SECRET.password}`, url('/tunnel'));
  assert.equal(tunnel.stdout, 'served /tunnel auth=none', tunnel.stderr);
  const refused = await curl('-p', ...proxyArgs, '--proxy-user', `${SECRET.user}:nope`, url('/tunnel'));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /407/);
  assert.equal(seen.length, 2, 'only the two requests with the right credentials reached the connector');
  assert.ok(lines.some((l) => /Refused a proxy client at 127\.0\.0\.1: wrong or missing/.test(l)), lines.join('\n'));
  assert.ok(!lines.some((l) => l.includes(SECRET.password) || l.includes('nope')), 'no password in the log');
});

test('credentials over SOCKS5 (RFC 1929), and TLS with SNI refused', { timeout: 30_000 }, async () => {
  const { port, lines } = await proxy({ credentials: SECRET });
  const good = await curl('--socks5-hostname', `${SECRET.user}:${SECRET.password}@127.0.0.1:${port}`, url('/socks'));
  assert.equal(good.stdout, 'served /socks auth=none', good.stderr);
  const wrong = await curl('--socks5-hostname', `${SECRET.user}:bad@127.0.0.1:${port}`, url('/socks'));
  assert.equal(wrong.code, 97, wrong.stderr);
  const none = await curl('--socks5-hostname', `127.0.0.1:${port}`, url('/socks'));
  assert.equal(none.code, 97, none.stderr);
  // Raw: "no authentication" is not offered with credentials on; a wrong password gets status 1 and the close.
  assert.deepEqual([...(await exchange(port, encodeGreeting([0x00])))], [5, 0xff]);
  const wrongRaw = Buffer.concat([encodeGreeting([0x00, 0x02]), encodeUserPass({ user: SECRET.user, password: 'bad' })]);
  assert.deepEqual([...(await exchange(port, wrongRaw))], [5, 0x02, 1, 1]);
  const sni = await curl('--connect-to', `localhost:443:127.0.0.1:${port}`, '-k', 'https://localhost/');
  assert.equal(sni.code, 35, sni.stderr);
  assert.match(sni.stderr, /access denied/i);
  assert.ok(!lines.some((l) => l.includes(SECRET.password)), 'no password in the log');
  await assert.rejects(startProxy({ host: '127.0.0.1', port: 0, connector: recording([]), log: quiet, credentials: { user: 'a:b', password: 'x' } }), /no ":"/);
});

test('one source holds its fair share at most; others still get in; logged once per source', { timeout: 30_000 }, async () => {
  const { server, port, lines } = await proxy({ limits: { maxConnections: 80, maxPerSource: 30 } });
  const held = Array.from({ length: 40 }, () => {
    const s = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' });
    s.on('error', () => undefined);
    clients.push(s);
    return s;
  });
  await waitFor('the share to fill', () => server.connections() === 30, 5000, 20);
  await waitFor('the rest to be closed', () => held.filter((s) => s.destroyed || s.readableEnded).length === 10, 5000, 20);
  const other = await curl('--interface', '127.0.0.3', '-x', `http://127.0.0.1:${port}`, url('/other'));
  assert.equal(other.stdout, 'served /other auth=none', other.stderr);
  const again = await curl('--interface', '127.0.0.2', '-x', `http://127.0.0.1:${port}`, url());
  assert.notEqual(again.code, 0, 'the full source is still refused');
  assert.equal(lines.filter((l) => l.includes('Closed new connections from 127.0.0.2 at once: it holds 30')).length, 1, lines.join('\n'));
  for (const s of held) s.destroy();
  await waitFor('the source to be released', () => server.connections() === 0, 5000, 20);
  const back = await curl('--interface', '127.0.0.2', '-x', `http://127.0.0.1:${port}`, url('/back'));
  assert.equal(back.stdout, 'served /back auth=none', back.stderr);
});
