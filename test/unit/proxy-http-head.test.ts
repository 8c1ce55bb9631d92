import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type Head, MAX_HEADERS, formatHead, interpret, parseAuthority, parseHead } from '../../src/proxy/http-head.js';

const parse = (text: string, max = 16384) => parseHead(Buffer.from(text, 'latin1'), max);
const head = (text: string): Head => {
  const r = parse(text);
  assert.equal(r.kind, 'head', text);
  return r.kind === 'head' ? r.head : (undefined as never);
};
const forward = (text: string) => {
  const r = interpret(head(text));
  assert.equal(r.kind, 'forward', text);
  return r.kind === 'forward' ? r : (undefined as never);
};

test('head: complete with its length, incomplete, too large, malformed', () => {
  const text = 'GET http://example.com:8080/a?b HTTP/1.1\r\nHost: example.com:8080\r\nX-Pad:  v \t\r\n\r\n';
  const r = parse(`${text}BODY`);
  assert.ok(r.kind === 'head');
  assert.equal(r.head.length, Buffer.byteLength(text));
  assert.deepEqual(r.head.headers, [['Host', 'example.com:8080'], ['X-Pad', 'v']]);
  assert.equal(parse('GET / HTTP/1.1\r\nHost: x').kind, 'incomplete');
  assert.equal(parse('GET / HTTP/1.1\r\nHost: x\r').kind, 'incomplete');
  assert.equal(parse(`GET / HTTP/1.1\r\nX: ${'a'.repeat(200)}`, 100).kind, 'too-large');
  assert.equal(parse(`GET / HTTP/1.1\r\nX: ${'a'.repeat(200)}\r\n\r\n`, 100).kind, 'too-large');
  assert.equal(parse(`GET / HTTP/1.1\r\n${'X: y\r\n'.repeat(MAX_HEADERS + 1)}\r\n`).kind, 'too-large');
  const bad = ['GET /\r\n\r\n', 'G@T / HTTP/1.1\r\n\r\n', 'GET / HTTP/2\r\n\r\n', 'GET  / HTTP/1.1\r\n\r\n', 'GET / HTTP/1.1\r\nnocolon\r\n\r\n',
    'GET / HTTP/1.1\r\n: v\r\n\r\n', 'GET / HTTP/1.1\r\n folded: v\r\n\r\n', 'GET / HTTP/1.1\r\nX: a\rb\r\n\r\n', 'GET / HTTP/1.1\r\nX: a\0b\r\n\r\n'];
  for (const b of bad) assert.equal(parse(b).kind, 'malformed', JSON.stringify(b));
  // Bare line feeds and binary are refused at once, not after the header timeout.
  assert.equal(parse('GET / HTTP/1.1\nHost: x\n').kind, 'malformed');
  assert.equal(parse('\x00\x01\x02').kind, 'malformed');
});

test('proxy requests: absolute URIs become origin form, hop-by-hop headers go, Connection: close', () => {
  const r = forward('GET http://Example.com:8080/a?b HTTP/1.1\r\nHost: example.com:8080\r\nProxy-Connection: keep-alive\r\nProxy-Authorization: Basic eA==\r\nKeep-Alive: 5\r\nAccept: */*\r\n\r\n');
  assert.deepEqual([r.host, r.port], ['example.com', 8080]);
  assert.equal(r.head.toString(), 'GET /a?b HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\nConnection: close\r\n\r\n');
  // The URI decides the Host header (RFC 9112 §3.2.2); headers named in Connection go too.
  const other = forward('GET http://a.example/ HTTP/1.1\r\nHost: b.example\r\nConnection: X-Secret, keep-alive\r\nX-Secret: 1\r\nX-Kept: 2\r\n\r\n');
  assert.equal(other.head.toString(), 'GET / HTTP/1.1\r\nHost: a.example\r\nX-Kept: 2\r\nConnection: close\r\n\r\n');
  const noHost = forward('GET http://[::1]:81 HTTP/1.0\r\n\r\n');
  assert.deepEqual([noHost.host, noHost.port], ['::1', 81]);
  assert.equal(noHost.head.toString(), 'GET / HTTP/1.0\r\nHost: [::1]:81\r\nConnection: close\r\n\r\n');
  const query = forward('GET http://a.example?x=1 HTTP/1.1\r\n\r\n');
  assert.match(query.head.toString(), /^GET \/\?x=1 HTTP\/1\.1\r\n/);
  const transparent = forward('POST /x HTTP/1.1\r\nHost: a.example\r\nContent-Length: 3\r\n\r\n');
  assert.deepEqual([transparent.host, transparent.port], ['a.example', 80]);
  assert.equal(transparent.head.toString(), 'POST /x HTTP/1.1\r\nHost: a.example\r\nContent-Length: 3\r\nConnection: close\r\n\r\n');
  assert.deepEqual(interpret(head('CONNECT a.example:8443 HTTP/1.1\r\n\r\n')), { kind: 'connect', host: 'a.example', port: 8443 });
  for (const bad of ['CONNECT a.example HTTP/1.1\r\n\r\n', 'GET ftp://a/ HTTP/1.1\r\n\r\n', 'GET https://a/ HTTP/1.1\r\n\r\n', 'GET / HTTP/1.1\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 'GET http://user@a/ HTTP/1.1\r\n\r\n', 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n']) {
    assert.equal(interpret(head(bad)).kind, 'bad', JSON.stringify(bad));
  }
});

test('authorities', () => {
  assert.deepEqual(parseAuthority('Example.COM:81', 80), { host: 'example.com', port: 81 });
  assert.deepEqual(parseAuthority('example.com', 80), { host: 'example.com', port: 80 });
  assert.deepEqual(parseAuthority('[FE80::1]:443', undefined), { host: 'fe80::1', port: 443 });
  for (const bad of ['a:0', 'a:65536', 'a b:1', 'user@a:1', '', ':80', '[zz]:1', 'a:-1', 'a:1:2']) assert.equal(parseAuthority(bad, 80), undefined, bad);
  assert.equal(parseAuthority('a', undefined), undefined);
});

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const fieldValue = fc.stringMatching(/^[!-~\u0080-\u00ff]([ \t!-~\u0080-\u00ff]{0,30}[!-~\u0080-\u00ff])?$/);
const arbHead = fc.record({
  method: token,
  target: fc.oneof(fc.stringMatching(/^\/[!-~]{0,40}$/), fc.stringMatching(/^http:\/\/[a-z0-9.-]{1,20}(:[0-9]{1,5})?\/[!-~]{0,20}$/)),
  version: fc.constantFrom('HTTP/1.0', 'HTTP/1.1'),
  headers: fc.array(fc.tuple(token, fc.oneof(fieldValue, fc.constant(''))), { maxLength: 20 }),
});

test('round trip: formatHead then parseHead gives the same head; every prefix is incomplete; trailing bytes are not read', () => {
  fc.assert(fc.property(arbHead, fc.uint8Array({ maxLength: 64 }), (h, tail) => {
    const bytes = formatHead(h);
    const r = parseHead(Buffer.concat([bytes, tail]), 16384);
    assert.ok(r.kind === 'head');
    assert.deepEqual(r.head, { ...h, length: bytes.length });
    for (let cut = 0; cut < bytes.length; cut += 7) assert.equal(parseHead(bytes.subarray(0, cut), 16384).kind, 'incomplete');
  }), { numRuns: 2000, seed: 42 });
});

test('fuzz: arbitrary bytes never throw and never reach past the bound', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 700 }), fc.integer({ min: 1, max: 600 }), (bytes, max) => {
    const b = Buffer.from(bytes);
    const r = parseHead(b, max);
    assert.ok(['incomplete', 'too-large', 'malformed', 'head'].includes(r.kind));
    // Only the first `max` bytes count: what lies beyond never changes the answer.
    const beyond = parseHead(Buffer.concat([b.subarray(0, max), Buffer.from('\r\n\r\nGET / HTTP/1.1\r\n\r\n')]), max);
    if (b.length > max) assert.deepEqual(beyond, r);
    if (r.kind === 'head') {
      assert.ok(r.head.length <= Math.min(b.length, max));
      interpret(r.head);
    }
    if (r.kind === 'incomplete') assert.ok(b.length < max);
  }), { numRuns: 2000, seed: 42 });
});

test('fuzz: interpret takes any parsed head; what it forwards is a valid head with one Connection: close and no proxy headers', () => {
  const nasty = fc.constantFrom('Host', 'host', 'Connection', 'Proxy-Connection', 'Keep-Alive', 'Upgrade', 'X-A');
  const arb = fc.record({
    method: fc.oneof(token, fc.constant('CONNECT')),
    target: fc.oneof(arbHead.map((h) => h.target), fc.stringMatching(/^[!-~]{1,40}$/)),
    version: fc.constant('HTTP/1.1'),
    headers: fc.array(fc.tuple(fc.oneof(nasty, token), fc.oneof(fieldValue, fc.constant('x-a, keep-alive'))), { maxLength: 8 }),
  });
  fc.assert(fc.property(arb, (h) => {
    const r = interpret(h);
    if (r.kind !== 'forward') return;
    assert.ok(r.port >= 1 && r.port <= 65535 && r.host.length > 0);
    const again = parseHead(r.head, 1 << 20);
    assert.ok(again.kind === 'head' && again.head.length === r.head.length);
    const names = again.head.headers.map(([n]) => n.toLowerCase());
    assert.equal(names.filter((n) => n === 'connection').length, 1);
    assert.equal(names.filter((n) => n === 'host').length, 1);
    for (const hop of ['proxy-connection', 'keep-alive', 'upgrade']) assert.ok(!names.includes(hop));
    assert.ok(again.head.target.startsWith('/'));
  }), { numRuns: 2000, seed: 42 });
});
