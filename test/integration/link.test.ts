// Neighbor links over real TCP on loopback: Noise IK handshake, records both ways, refusals, timeouts.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { generateIdentity } from '../../src/crypto/identity.js';
import { IkInitiator, keyPairFromPrivate } from '../../src/crypto/noise.js';
import { type Link, LINK_VERSION, type LinkOptions, MAX_RECORD_BYTES, acceptLink, dialLink } from '../../src/link/index.js';
import { MasqError } from '../../src/system/errors.js';
import { PLAIN_MASK } from '../../src/wire/index.js';
import { nextRecord, recordsBothWays } from '../helpers/link-records.js';

const servers: Server[] = [];
after(() => { for (const s of servers) s.close(); });

function node(chainId = 2): LinkOptions & { key: Buffer } {
  const id = generateIdentity();
  return { staticKeys: keyPairFromPrivate(id.encryptionPrivate), publicKey: id.publicKey, chainId, key: id.encryptionPublic, idleTimeoutMs: 2000, handshakeTimeoutMs: 1000 };
}

async function listen(opts: LinkOptions): Promise<{ port: number; links: Promise<Link>[]; sockets: Socket[] }> {
  const links: Promise<Link>[] = [];
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    const l = acceptLink(s, opts);
    l.catch(() => undefined);
    links.push(l);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, links, sockets };
}


test('a handshake authenticates both sides; records flow both ways, up to the maximum size', async () => {
  const a = node();
  const b = node();
  const srv = await listen(b);
  const dialer = await dialLink('127.0.0.1', srv.port, b.key, a);
  const accepted = await (srv.links[0] as Promise<Link>);
  assert.ok(accepted.remotePublicKey.equals(a.publicKey), 'the listener learns the dialer\'s full key');
  assert.ok(dialer.remotePublicKey.equals(b.publicKey), 'the dialer learns the listener\'s full key');
  await recordsBothWays(dialer, accepted);
  assert.throws(() => dialer.send(Buffer.alloc(MAX_RECORD_BYTES + 1)));
  const closed = new Promise((r) => accepted.once('close', r));
  dialer.close();
  await closed;
});

test('the wrong key, the wrong chain, and garbage are refused; the listener stays up', async () => {
  const b = node();
  const srv = await listen(b);
  await assert.rejects(dialLink('127.0.0.1', srv.port, node().key, node()), (e: unknown) => e instanceof Error);
  await assert.rejects(dialLink('127.0.0.1', srv.port, b.key, node(8453)), (e: unknown) => e instanceof Error);
  const raw = connect(srv.port, '127.0.0.1');
  await new Promise((r) => raw.once('connect', r));
  raw.write(Buffer.from([0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  await new Promise((r) => raw.once('close', r));
  const oversize = connect(srv.port, '127.0.0.1');
  await new Promise((r) => oversize.once('connect', r));
  oversize.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  await new Promise((r) => oversize.once('close', r));
  for (const l of srv.links) await assert.rejects(l, (e: unknown) => e instanceof MasqError || e instanceof Error);
  const ok = await dialLink('127.0.0.1', srv.port, b.key, node());
  ok.close();
});

test('a silent peer: the handshake times out; an idle link closes', async () => {
  const silent = createServer(() => undefined);
  servers.push(silent);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  await assert.rejects(dialLink('127.0.0.1', port, node().key, node()), /within 1000 ms/);

  const b = node();
  const srv = await listen({ ...b, idleTimeoutMs: 300 });
  const dialer = await dialLink('127.0.0.1', srv.port, b.key, { ...node(), idleTimeoutMs: 60_000 });
  const accepted = await (srv.links[0] as Promise<Link>);
  // The dialer sends keep-alives only every 20 s, so the listener's 300 ms idle limit ends the link.
  const why = await new Promise<Error | undefined>((r) => accepted.once('close', r));
  assert.match(String(why), /no frame from the neighbor/);
  dialer.close();

  // Both sides with a short limit: their keep-alives hold a quiet link open.
  const c = node();
  const srv2 = await listen({ ...c, idleTimeoutMs: 300 });
  const quiet = await dialLink('127.0.0.1', srv2.port, c.key, { ...node(), idleTimeoutMs: 300 });
  let closed = false;
  quiet.once('close', () => { closed = true; });
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(closed, false);
  const got = nextRecord(await (srv2.links[0] as Promise<Link>));
  quiet.send(Buffer.from('still here'));
  assert.equal((await got).toString(), 'still here');
  quiet.close();
});

test('a closed link delivers nothing more, even frames that arrived with the last one', async () => {
  const b = node();
  const srv = await listen(b);
  const dialer = await dialLink('127.0.0.1', srv.port, b.key, node());
  const accepted = await (srv.links[0] as Promise<Link>);
  const got: string[] = [];
  accepted.on('record', (r) => {
    got.push(r.toString());
    accepted.close();
  });
  const closed = new Promise((r) => dialer.once('close', r));
  // Sent in one tick, the three frames reach the listener together, usually in one chunk.
  for (const text of ['one', 'two', 'three']) dialer.send(Buffer.from(text));
  await closed;
  assert.deepEqual(got, ['one']);
});

/** Dials with a hand-made handshake (plain mask) and sends `garbage` as a transport frame: with message 1, or after message 2. */
async function dialWithGarbage(port: number, listenerKey: Buffer, withHandshake: boolean): Promise<Socket> {
  const me = node();
  const ik = new IkInitiator({ s: me.staticKeys, rs: listenerKey, prologue: Buffer.from('masq-link/1 chain \x00\x00\x00\x02', 'latin1') });
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const garbage = PLAIN_MASK.wrap([randomBytes(60)]);
  const hello = PLAIN_MASK.wrap([Buffer.from([LINK_VERSION]), ik.writeMessage1(me.publicKey)]);
  socket.write(Buffer.concat(withHandshake ? [...hello, ...garbage] : hello));
  if (!withHandshake) {
    await once(socket, 'data');
    socket.write(Buffer.concat(garbage));
  }
  return socket;
}

test('a record that does not authenticate closes the link with LINK_AUTH, one that came with the handshake too', async () => {
  for (const withHandshake of [true, false]) {
    const b = node();
    const srv = await listen(b);
    const socket = await dialWithGarbage(srv.port, b.key, withHandshake);
    try {
      const link = await (srv.links[0] as Promise<Link>);
      const [reason] = (await once(link, 'close')) as [unknown];
      assert.ok(reason instanceof MasqError && reason.code === 'LINK_AUTH', `${withHandshake ? 'with the handshake' : 'after it'}: ${String(reason)}`);
    } finally {
      socket.destroy();
    }
  }
});
