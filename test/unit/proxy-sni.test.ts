import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import fc from 'fast-check';
import { MAX_CLIENT_HELLO, parseClientHello } from '../../src/proxy/sni.js';
import { buildClientHello } from '../helpers/proxy-tls.js';

/** The first bytes Node's own TLS client sends, caught by a plain TCP server. */
async function realClientHello(servername: string | undefined): Promise<Buffer> {
  const server = createServer();
  try {
    const got = new Promise<Buffer>((resolve) => server.once('connection', (s) => s.once('data', (d: Buffer) => { resolve(d); s.destroy(); })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const c = tlsConnect({ host: '127.0.0.1', port, ...(servername ? { servername } : {}), rejectUnauthorized: false });
    c.on('error', () => undefined);
    try {
      return await got;
    } finally {
      c.destroy();
    }
  } finally {
    server.close();
  }
}

test('SNI from a real ClientHello, whole or in pieces; none when absent', async () => {
  const hello = await realClientHello('WWW.Example.org');
  const r = parseClientHello(hello);
  assert.ok(r.kind === 'hello');
  assert.equal(r.serverName, 'www.example.org');
  assert.equal(r.length, hello.length);
  for (let cut = 0; cut < hello.length; cut += 13) assert.equal(parseClientHello(hello.subarray(0, cut)).kind, 'incomplete', `cut ${cut}`);
  const none = parseClientHello(await realClientHello(undefined));
  assert.ok(none.kind === 'hello' && none.serverName === undefined);
});

test('SNI: built hellos, odd places, wrong records', () => {
  const after = parseClientHello(buildClientHello({ serverName: 'a.example', before: [[10, Buffer.from([0, 2, 0, 29])], [0xfe0d, Buffer.alloc(300)]] }));
  assert.ok(after.kind === 'hello' && after.serverName === 'a.example');
  assert.deepEqual({ ...parseClientHello(buildClientHello({})) }, { kind: 'hello', serverName: undefined, length: buildClientHello({}).length });
  assert.equal(parseClientHello(buildClientHello({ serverName: 'bad name' })).kind, 'invalid');
  assert.equal(parseClientHello(buildClientHello({ serverName: 'a\0b' })).kind, 'invalid');
  assert.equal(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n')).kind, 'invalid');
  assert.equal(parseClientHello(Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff])).kind, 'invalid', 'a record longer than TLS allows');
  const wrongType = buildClientHello({ serverName: 'a.example' });
  wrongType[5] = 0x02;
  assert.equal(parseClientHello(wrongType).kind, 'invalid', 'ServerHello is not a ClientHello');
  const truncated = buildClientHello({ serverName: 'a.example' });
  truncated.writeUInt16BE(truncated.readUInt16BE(3) - 5, 3);
  assert.equal(parseClientHello(truncated.subarray(0, truncated.length - 5)).kind, 'invalid');
});

const hostName = fc.stringMatching(/^[A-Za-z0-9-]{1,20}(\.[A-Za-z0-9-]{1,20}){0,4}$/);
const extensions = fc.array(fc.tuple(fc.integer({ min: 1, max: 0xffff }), fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a))), { maxLength: 5 });

test('round trip: the name put into a ClientHello is the name read out, wherever the extension sits', () => {
  fc.assert(fc.property(fc.option(hostName, { nil: undefined }), extensions, extensions, fc.uint8Array({ maxLength: 32 }), fc.uint8Array({ maxLength: 20 }),
    (serverName, before, after, sessionId, tail) => {
      const hello = buildClientHello({ serverName, before, after, sessionId: Buffer.from(sessionId) });
      const r = parseClientHello(Buffer.concat([hello, tail]));
      assert.deepEqual(r, { kind: 'hello', serverName: serverName?.toLowerCase(), length: hello.length });
    }), { numRuns: 2000, seed: 42 });
});

test('fuzz: arbitrary and mutated records never throw and never claim more than they got', () => {
  const check = (b: Buffer): void => {
    const r = parseClientHello(b);
    assert.ok(['incomplete', 'invalid', 'hello'].includes(r.kind));
    if (r.kind === 'hello') {
      assert.ok(r.length <= b.length && r.length <= MAX_CLIENT_HELLO);
      if (r.serverName !== undefined) assert.match(r.serverName, /^[a-z0-9._-]{1,253}$/);
    }
    if (r.kind === 'incomplete') assert.ok(b.length < MAX_CLIENT_HELLO);
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
    const b = Buffer.from(bytes);
    check(b);
    check(Buffer.concat([Buffer.from([0x16, 3, 1, b.length >> 8, b.length & 0xff]), b]));
  }), { numRuns: 2000, seed: 42 });
  const base = buildClientHello({ serverName: 'www.example.org', before: [[10, Buffer.from([0, 2, 0, 29])]] });
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (flips) => {
    const b = Buffer.from(base);
    for (const [at, v] of flips) b[at] = v;
    check(b);
  }), { numRuns: 2000, seed: 42 });
});
