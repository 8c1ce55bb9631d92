import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_GREETING, MAX_REQUEST, encodeGreeting, encodeReply, encodeRequest, parseGreeting, parseReply, parseRequest } from '../../src/proxy/socks5.js';

test('SOCKS5 greeting', () => {
  assert.deepEqual(parseGreeting(Buffer.from([5, 2, 0, 2])), { kind: 'ok', length: 4, methods: [0, 2] });
  assert.equal(parseGreeting(Buffer.from([5, 2, 0])).kind, 'incomplete');
  assert.equal(parseGreeting(Buffer.from([5])).kind, 'incomplete');
  assert.equal(parseGreeting(Buffer.from([4, 1, 0])).kind, 'invalid');
  assert.equal(parseGreeting(Buffer.from([5, 0])).kind, 'invalid');
});

test('SOCKS5 requests for every address type', () => {
  assert.deepEqual(parseRequest(Buffer.from([5, 1, 0, 1, 127, 0, 0, 1, 0x1f, 0x90, 0xaa])), { kind: 'ok', length: 10, command: 1, host: '127.0.0.1', port: 8080 });
  const name = Buffer.concat([Buffer.from([5, 1, 0, 3, 11]), Buffer.from('Example.Org'), Buffer.from([0, 80])]);
  assert.deepEqual(parseRequest(name), { kind: 'ok', length: name.length, command: 1, host: 'example.org', port: 80 });
  for (let cut = 0; cut < name.length; cut++) assert.equal(parseRequest(name.subarray(0, cut)).kind, 'incomplete', `cut ${cut}`);
  const v6 = parseRequest(Buffer.from([5, 1, 0, 4, ...Array(15).fill(0), 1, 0, 22]));
  assert.ok(v6.kind === 'ok' && v6.host === '::1' && v6.port === 22);
  const odd = parseRequest(Buffer.from([5, 2, 0, 9]));
  assert.ok(odd.kind === 'ok' && odd.badAddressType === true && odd.command === 2);
  assert.equal(parseRequest(Buffer.from([5, 1, 0, 3, 0, 0, 80])).kind, 'invalid', 'empty name');
  assert.equal(parseRequest(Buffer.from([5, 1, 0, 3, 3, 0x61, 0x20, 0x62, 0, 80])).kind, 'invalid', 'a space in a name');
  assert.equal(parseRequest(Buffer.from([4, 1, 0, 1, 1, 2, 3, 4, 0, 80])).kind, 'invalid');
});

test('SOCKS5 replies: IPv4, IPv6, names turned into 0.0.0.0', () => {
  assert.deepEqual([...encodeReply(0, { host: '10.1.2.3', port: 258 })], [5, 0, 0, 1, 10, 1, 2, 3, 1, 2]);
  assert.deepEqual([...encodeReply(5)], [5, 5, 0, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...encodeReply(0, { host: 'a.example', port: 1 })], [5, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
  const v6 = encodeReply(0, { host: '::ffff:1.2.3.4', port: 9 });
  assert.equal(v6.length, 22);
  assert.deepEqual(parseReply(v6), { kind: 'ok', length: 22, rep: 0, host: '::ffff:102:304', port: 9 });
});

const address = fc.oneof(
  fc.ipV4(),
  fc.ipV6().map((a) => new URL(`http://[${a}]/`).hostname.slice(1, -1)),
  fc.stringMatching(/^[a-z0-9-]{1,30}(\.[a-z0-9-]{1,30}){0,6}$/).filter((s) => !/^[0-9.]+$/.test(s)),
);

test('round trip: encoded greetings, requests and replies parse back to what was encoded', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 255 }), fc.integer({ min: 1, max: 255 }), address, fc.integer({ min: 0, max: 65535 }), fc.uint8Array({ maxLength: 16 }),
    (methods, command, host, port, tail) => {
      const g = encodeGreeting(methods);
      assert.deepEqual(parseGreeting(Buffer.concat([g, tail])), { kind: 'ok', length: g.length, methods });
      const q = encodeRequest(command, { host, port });
      assert.ok(q.length <= MAX_REQUEST);
      assert.deepEqual(parseRequest(Buffer.concat([q, tail])), { kind: 'ok', length: q.length, command, host, port });
      const rep = encodeReply(command, { host, port });
      const back = parseReply(Buffer.concat([rep, tail]));
      assert.ok(back.kind === 'ok' && back.rep === command && back.port === port && back.length === rep.length);
    }), { numRuns: 2000, seed: 42 });
});

test('fuzz: arbitrary bytes never throw and lengths stay within the input and the limits', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, asSocks) => {
    const b = Buffer.from(bytes);
    if (asSocks && b.length > 0) b[0] = 5;
    const g = parseGreeting(b);
    if (g.kind === 'ok') assert.ok(g.length <= b.length && g.length <= MAX_GREETING && g.methods.length === g.length - 2);
    if (g.kind === 'incomplete') assert.ok(b.length < MAX_GREETING);
    for (const r of [parseRequest(b), parseReply(b)]) {
      if (r.kind === 'ok') assert.ok(r.length <= b.length && r.length <= MAX_REQUEST);
      if (r.kind === 'incomplete') assert.ok(b.length < MAX_REQUEST);
    }
    const q = parseRequest(b);
    if (q.kind === 'ok' && !q.badAddressType) assert.deepEqual(parseRequest(encodeRequest(q.command, q)), { ...q, length: q.length });
  }), { numRuns: 2000, seed: 42 });
});
