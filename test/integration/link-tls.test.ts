// The `tls` mask over real TCP on loopback: a neighbor link that is a Chrome-shaped TLS 1.3 conversation, and a
// clandestine port that answers everyone else as an HTTPS server does (node:tls clients, random bytes, a replayed
// first flight, silence), with each refusal said at debug level and the port still serving peers afterwards.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { generateIdentity } from '../../src/crypto/identity.js';
import { keyPairFromPrivate } from '../../src/crypto/noise.js';
import { type Link, type LinkOptions, acceptLink, createDecoy, dialLink } from '../../src/link/index.js';
import { recordsBothWays } from '../helpers/link-records.js';
import { createLogCore, createLogger } from '../../src/system/index.js';
import { RecordReader, ReplayGuard, buildClientHello, parseClientHello, serverNameFor } from '../../src/tls-mask/index.js';
import { generateStaticKeyPair } from '../../src/crypto/index.js';
import { randomBytes, randomInt } from 'node:crypto';
import { CHROME_CIPHERS } from '../../src/tls-mask/client-hello.js';

const servers: Server[] = [];
const closers: (() => void)[] = [];
after(() => {
  for (const s of servers) s.close();
  for (const c of closers) c();
});

function identity(): { opts: LinkOptions; key: Buffer } {
  const id = generateIdentity();
  return { opts: { staticKeys: keyPairFromPrivate(id.encryptionPrivate), publicKey: id.publicKey, chainId: 2, idleTimeoutMs: 5000, handshakeTimeoutMs: 1500, tls: {} }, key: id.encryptionPublic };
}

interface Listener { port: number; links: Promise<Link>[]; lines: string[]; serverName: string }

/** A listener with the tls mask, its decoy and a log of what it said (debug). */
async function listen(who: { opts: LinkOptions; key: Buffer }): Promise<Listener> {
  const lines: string[] = [];
  // Every line the decoy says, kept instead of printed.
  const core = createLogCore('debug', { write: (l: string) => { lines.push(l.trimEnd().toLowerCase()); } });
  const log = createLogger(core, 'Link');
  const serverName = serverNameFor(who.key);
  const decoy = createDecoy(serverName, log);
  closers.push(() => decoy.close());
  const opts: LinkOptions = { ...who.opts, tls: { listener: { staticKeys: who.opts.staticKeys, certificateBytes: decoy.certificateBytes, decoy: (s, seen, why) => decoy.take(s, seen, why), replays: new ReplayGuard(), clock: { now: () => Date.now() } } } };
  const links: Promise<Link>[] = [];
  const server = createServer((s) => {
    const l = acceptLink(s, opts);
    l.catch(() => undefined);
    links.push(l);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, links, lines, serverName };
}

/** A TCP relay that records what the dialer sends (to replay it) and what the listener answers. */
async function recorder(target: number): Promise<{ port: number; first: () => Buffer; answers: () => Buffer }> {
  const chunks: Buffer[] = [];
  const back: Buffer[] = [];
  const server = createServer((c) => {
    const up = connect(target, '127.0.0.1');
    c.on('data', (d: Buffer) => { chunks.push(d); up.write(d); });
    up.on('data', (d: Buffer) => { back.push(d); c.write(d); });
    c.on('close', () => up.destroy());
    up.on('close', () => c.destroy());
    c.on('error', () => undefined);
    up.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, first: () => Buffer.concat(chunks), answers: () => Buffer.concat(back) };
}

/** Connects, writes `bytes`, and collects what comes back until the server closes or `ms` pass. */
function poke(port: number, bytes: Buffer, ms = 3000): Promise<{ got: Buffer; closedBy: 'server' | 'us' }> {
  return new Promise((resolve) => {
    const s: Socket = connect(port, '127.0.0.1', () => s.write(bytes));
    const got: Buffer[] = [];
    const t = setTimeout(() => { s.destroy(); resolve({ got: Buffer.concat(got), closedBy: 'us' }); }, ms);
    s.on('data', (d: Buffer) => got.push(d));
    s.on('error', () => undefined);
    s.on('close', () => { clearTimeout(t); resolve({ got: Buffer.concat(got), closedBy: 'server' }); });
  });
}

test('tls mask: the link is a Chrome-shaped TLS conversation to the Node\'s server name; records flow both ways', async () => {
  const [a, b] = [identity(), identity()];
  const srv = await listen(b);
  const tap = await recorder(srv.port);
  const dialer = await dialLink('127.0.0.1', tap.port, b.key, a.opts);
  const accepted = await (srv.links[0] as Promise<Link>);
  assert.ok(accepted.remotePublicKey.equals(a.opts.publicKey));
  // The largest record spans several TLS records.
  await recordsBothWays(dialer, accepted);
  // What the wire carried first: one ClientHello record, Chrome's suites, the server name from the Node's key.
  const first = tap.first();
  assert.deepEqual([...first.subarray(0, 3)], [0x16, 0x03, 0x01]);
  const hello = parseClientHello(first);
  assert.equal(hello.kind, 'hello');
  assert.ok(hello.kind === 'hello' && hello.serverName === srv.serverName && hello.sessionId.length === 32);
  const suites = first.subarray(5 + 4 + 2 + 32 + 1 + 32 + 2, 5 + 4 + 2 + 32 + 1 + 32 + 2 + 32);
  assert.deepEqual([...Array(15).keys()].map((i) => suites.readUInt16BE(2 + 2 * i)), [...CHROME_CIPHERS], 'Chrome\'s 15 suites after a GREASE value');
  dialer.close();
});

test('tls mask: a TLS client gets a real handshake, the Node\'s certificate name and a web server\'s 404', async () => {
  const b = identity();
  const srv = await listen(b);
  const answer = await new Promise<{ status: string; server: string; cn: string; alpn: string | false | null }>((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port: srv.port, servername: srv.serverName, rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      const cn = s.getPeerCertificate().subject.CN;
      const alpn = s.alpnProtocol;
      s.write(`GET / HTTP/1.1\r\nHost: ${srv.serverName}\r\nConnection: close\r\n\r\n`);
      let text = '';
      s.on('data', (d: Buffer) => { text += d.toString(); });
      s.on('end', () => resolve({ status: text.split('\r\n')[0] ?? '', server: /^server: (.*)$/im.exec(text)?.[1]?.trim() ?? '', cn: String(cn), alpn }));
    });
    s.on('error', reject);
  });
  assert.deepEqual(answer, { status: 'HTTP/1.1 404 Not Found', server: 'nginx', cn: srv.serverName, alpn: 'http/1.1' });
  assert.ok(srv.lines.some((l) => /debug .*turned a stranger away at 127\.0\.0\.1 to the decoy web server: a clienthello without a node's proof \(proof\)/.test(l)), srv.lines.join('\n'));
});

test('tls mask: random bytes, plain HTTP, silence and a replayed first flight all meet the web server; peers still link', async () => {
  const [a, b] = [identity(), identity()];
  const srv = await listen(b);
  const tap = await recorder(srv.port);
  (await dialLink('127.0.0.1', tap.port, b.key, a.opts)).close();
  const replayed = await poke(srv.port, tap.first());
  // A replay gets the decoy's answer, a real ServerHello and certificate, never the peer's four sealed records alone.
  assert.ok(replayed.got.length > 0 && replayed.got[0] === 0x16, 'a TLS answer to the replay');
  assert.ok(srv.lines.some((l) => l.includes('(replay)')), srv.lines.join('\n'));
  const http = await poke(srv.port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  assert.equal(http.closedBy, 'server', 'plain HTTP is refused by TLS, not left hanging');
  const random = await poke(srv.port, Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 73 + 11) & 0xff)));
  assert.equal(random.closedBy, 'server');
  // Silent for longer than the handshake timeout: still open (the web server waits), not cut at the Node's timeout.
  const silent = await poke(srv.port, Buffer.alloc(0), 2500);
  assert.equal(silent.closedBy, 'us', 'a silent visitor is not cut off at the handshake timeout');
  const again = await dialLink('127.0.0.1', srv.port, b.key, identity().opts);
  again.close();
});

test('tls mask: a dialer with the wrong key is answered as a stranger and says so', async () => {
  const b = identity();
  const srv = await listen(b);
  await assert.rejects(dialLink('127.0.0.1', srv.port, identity().key, identity().opts), /answered as a web server answers a stranger|did not answer with TLS|closed/);
});

test('tls mask: a peer\'s answer has the decoy\'s shape: the same records and sizes as the decoy gives a Chrome hello', async () => {
  const [a, b] = [identity(), identity()];
  const srv = await listen(b);
  const shape = (bytes: Buffer): string[] => new RecordReader().push(bytes).slice(0, 6).map((r) => `${r.type}:${r.fragment.length}`);
  // What the listener sent a peer, seen by a relay on the way.
  const tap = await recorder(srv.port);
  (await dialLink('127.0.0.1', tap.port, b.key, a.opts)).close();
  const peer = shape(tap.answers());
  // The decoy's answer to the same kind of hello from someone without the key.
  const stranger = buildClientHello({ random: randomBytes(32), sessionId: randomBytes(32), serverName: srv.serverName, x25519: generateStaticKeyPair().publicKey, hybridX25519: generateStaticKeyPair().publicKey }, { bytes: randomBytes, below: randomInt });
  const decoy = shape((await poke(srv.port, stranger, 1500)).got);
  assert.equal(decoy.length, 6, `the decoy's flight: ${decoy.join(' ')}`);
  assert.deepEqual(peer.map((r, i) => (i === 4 ? r.slice(0, 3) : r)), decoy.map((r, i) => (i === 4 ? r.slice(0, 3) : r)), `peer ${peer.join(' ')} decoy ${decoy.join(' ')}`);
  const cv = (r: string | undefined): number => Number(r?.split(':')[1]);
  assert.ok(Math.abs(cv(peer[4]) - cv(decoy[4])) <= 2, 'CertificateVerify within the ECDSA signature\'s own spread');
});
