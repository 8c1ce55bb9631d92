// Link sockets reading into the process's one shared buffer (src/link/shared-reads.ts), over real TCP on loopback:
// a socket a server accepted and one we connected, the bytes in order, pausing, and the end of the stream.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, createServer, connect, type Server, type Socket } from 'node:net';
import { readIntoShared } from '../../src/link/shared-reads.js';

/** A connected pair on loopback: the socket the server accepted and the one that connected. */
async function pair(): Promise<{ accepted: Socket; dialed: Socket; server: Server }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const dialed = connect((server.address() as AddressInfo).port, '127.0.0.1');
  // Either may come first: wait for both at once.
  const [[accepted]] = (await Promise.all([once(server, 'connection'), once(dialed, 'connect')])) as [[Socket], unknown];
  return { accepted, dialed, server };
}

function closeAll(p: { accepted: Socket; dialed: Socket; server: Server }): Promise<void> {
  p.accepted.destroy();
  p.dialed.destroy();
  return new Promise((resolve) => p.server.close(() => resolve()));
}

test('an accepted socket and a dialed one both read into the one shared buffer; the bytes come in order and the end comes', { timeout: 30_000 }, async () => {
  const p = await pair();
  try {
    const memory = new Set<ArrayBufferLike>();
    // Both ways at once: a socket that sees the end ends its own side too.
    const ways = [[p.accepted, p.dialed], [p.dialed, p.accepted]].map(([reader, writer]) => {
      const into: Buffer[] = [];
      assert.equal(readIntoShared(reader as Socket, (bytes) => {
        memory.add(bytes.buffer);
        // A view, valid only now: keep a copy.
        into.push(Buffer.from(bytes));
        return true;
      }), true, 'this Node.js has what the shared reads take');
      (reader as Socket).resume();
      return { reader: reader as Socket, writer: writer as Socket, into, sent: randomBytes(3 * 1024 * 1024) };
    });
    // Waited for from the start: one way may end while the other is awaited.
    const ended = ways.map((w) => once(w.reader, 'end'));
    for (const w of ways) {
      for (let at = 0; at < w.sent.length; at += 100_000) w.writer.write(w.sent.subarray(at, at + 100_000));
      w.writer.end();
    }
    await Promise.all(ended);
    for (const w of ways) {
      assert.ok(Buffer.concat(w.into).equals(w.sent), 'every byte, in order');
      assert.ok(w.into.length > 2, 'in several reads');
    }
    assert.equal(memory.size, 1, 'every read of both sockets is a view of the same memory');
  } finally {
    await closeAll(p);
  }
});

test('a paused socket does not read until resumed; a false answer stops its reads too', { timeout: 30_000 }, async () => {
  const p = await pair();
  try {
    let reads = 0;
    let stopAfter = Infinity;
    readIntoShared(p.accepted, () => {
      reads += 1;
      return reads < stopAfter;
    });
    p.accepted.pause();
    p.dialed.write(randomBytes(10_000));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(reads, 0, 'nothing read while paused');
    p.accepted.resume();
    const deadline = Date.now() + 5000;
    while (reads === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(reads > 0, 'read once resumed');
    stopAfter = reads + 1;
    p.dialed.write(randomBytes(10_000));
    while (reads < stopAfter && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const stopped = reads;
    p.dialed.write(randomBytes(10_000));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(reads, stopped, 'a false answer stopped reading');
    p.accepted.resume();
    while (reads === stopped && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(reads > stopped, 'and resume() starts it again');
  } finally {
    await closeAll(p);
  }
});
