import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import fc from 'fast-check';
import { interpret, parseAuthority, parseHead } from '../../src/proxy/http-head.js';
import { parseClientHello } from '../../src/proxy/sni.js';
import { encodeReply, parseGreeting, parseRequest } from '../../src/proxy/socks5.js';
import { FAILURES, errorPage, tlsAlert } from '../../src/proxy/failures.js';
import { isPrivateAddress } from '../../src/proxy/addresses.js';

const head = (text: string) => {
  const r = parseHead(Buffer.from(text, 'latin1'), 16384);
  assert.equal(r.kind, 'head', text);
  return r.kind === 'head' ? r.head : (undefined as never);
};

test('HTTP head: complete, incomplete, too large, malformed', () => {
  const h = head('GET http://example.com:8080/a?b HTTP/1.1\r\nHost: example.com:8080\r\nProxy-Connection: keep-alive\r\n\r\nBODY');
  assert.equal(h.method, 'GET');
  assert.equal(h.length, Buffer.byteLength('GET http://example.com:8080/a?b HTTP/1.1\r\nHost: example.com:8080\r\nProxy-Connection: keep-alive\r\n\r\n'));
  assert.equal(parseHead(Buffer.from('GET / HTTP/1.1\r\nHost: x'), 100).kind, 'incomplete');
  assert.equal(parseHead(Buffer.from(`GET / HTTP/1.1\r\nX: ${'a'.repeat(200)}`), 100).kind, 'too-large');
  assert.equal(parseHead(Buffer.from(`GET / HTTP/1.1\r\nX: ${'a'.repeat(200)}\r\n\r\n`), 100).kind, 'too-large');
  for (const bad of ['GET /\r\n\r\n', 'G@T / HTTP/1.1\r\n\r\n', 'GET / HTTP/2\r\n\r\n', 'GET / HTTP/1.1\r\nnocolon\r\n\r\n', 'GET / HTTP/1.1\r\n: v\r\n\r\n']) {
    assert.equal(parseHead(Buffer.from(bad), 1000).kind, 'malformed', bad);
  }
});

test('proxy requests: absolute URIs are rewritten to origin form with Connection: close', () => {
  const r = interpret(head('GET http://example.com:8080/a?b HTTP/1.1\r\nHost: example.com:8080\r\nProxy-Connection: keep-alive\r\nProxy-Authorization: x\r\nAccept: */*\r\n\r\n'));
  assert.equal(r.kind, 'forward');
  if (r.kind !== 'forward') return;
  assert.deepEqual([r.host, r.port], ['example.com', 8080]);
  assert.equal(r.head.toString(), 'GET /a?b HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\nConnection: close\r\n\r\n');
  const noHost = interpret(head('GET http://[::1]/ HTTP/1.0\r\n\r\n'));
  assert.ok(noHost.kind === 'forward' && noHost.host === '::1' && noHost.port === 80 && noHost.head.toString().startsWith('GET / HTTP/1.0\r\nHost: [::1]\r\n'));
  const transparent = interpret(head('POST /x HTTP/1.1\r\nHost: a.example\r\n\r\n'));
  assert.ok(transparent.kind === 'forward' && transparent.host === 'a.example' && transparent.port === 80);
  assert.deepEqual(interpret(head('CONNECT a.example:443 HTTP/1.1\r\n\r\n')), { kind: 'connect', host: 'a.example', port: 443 });
  assert.equal(interpret(head('CONNECT a.example HTTP/1.1\r\n\r\n')).kind, 'bad');
  assert.equal(interpret(head('GET ftp://a/ HTTP/1.1\r\n\r\n')).kind, 'bad');
  assert.equal(interpret(head('GET / HTTP/1.1\r\n\r\n')).kind, 'bad');
});

test('authorities', () => {
  assert.deepEqual(parseAuthority('Example.COM:81', 80), { host: 'example.com', port: 81 });
  assert.deepEqual(parseAuthority('[fe80::1]:443', undefined), { host: 'fe80::1', port: 443 });
  for (const bad of ['a:0', 'a:65536', 'a b:1', 'user@a:1', '', ':80', '[zz]:1']) assert.equal(parseAuthority(bad, 80), undefined, bad);
});

async function realClientHello(servername: string | undefined): Promise<Buffer> {
  const server = createServer();
  const got = new Promise<Buffer>((resolve) => server.once('connection', (s) => s.once('data', (d: Buffer) => { resolve(d); s.destroy(); })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const c = tlsConnect({ host: '127.0.0.1', port, ...(servername ? { servername } : {}), rejectUnauthorized: false });
  c.on('error', () => undefined);
  const hello = await got;
  c.destroy();
  server.close();
  return hello;
}

test('SNI from a real ClientHello, whole or in pieces; none when absent', async () => {
  const hello = await realClientHello('www.example.org');
  const r = parseClientHello(hello);
  assert.equal(r.kind, 'hello');
  assert.ok(r.kind === 'hello' && r.serverName === 'www.example.org' && r.length === hello.length);
  for (let cut = 0; cut < hello.length; cut += 37) assert.equal(parseClientHello(hello.subarray(0, cut)).kind, 'incomplete', `cut ${cut}`);
  const none = parseClientHello(await realClientHello(undefined));
  assert.ok(none.kind === 'hello' && none.serverName === undefined);
  assert.equal(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n')).kind, 'invalid');
});

test('SOCKS5 greeting, requests for every address type, replies', () => {
  assert.deepEqual(parseGreeting(Buffer.from([5, 2, 0, 2])), { kind: 'ok', length: 4, methods: [0, 2] });
  assert.equal(parseGreeting(Buffer.from([5, 2, 0])).kind, 'incomplete');
  assert.equal(parseGreeting(Buffer.from([4, 1, 0])).kind, 'invalid');
  const v4 = parseRequest(Buffer.from([5, 1, 0, 1, 127, 0, 0, 1, 0x1f, 0x90]));
  assert.deepEqual(v4, { kind: 'ok', length: 10, command: 1, host: '127.0.0.1', port: 8080 });
  const name = Buffer.concat([Buffer.from([5, 1, 0, 3, 11]), Buffer.from('Example.Org'), Buffer.from([0, 80])]);
  assert.deepEqual(parseRequest(name), { kind: 'ok', length: name.length, command: 1, host: 'example.org', port: 80 });
  assert.equal(parseRequest(name.subarray(0, 9)).kind, 'incomplete');
  const v6 = parseRequest(Buffer.from([5, 1, 0, 4, ...Array(15).fill(0), 1, 0, 22]));
  assert.ok(v6.kind === 'ok' && v6.host === '0:0:0:0:0:0:0:1' && v6.port === 22);
  assert.ok((parseRequest(Buffer.from([5, 1, 0, 9, 0])) as { badAddressType?: boolean }).badAddressType);
  assert.deepEqual([...encodeReply(0, { address: '10.1.2.3', port: 258 })], [5, 0, 0, 1, 10, 1, 2, 3, 1, 2]);
});

test('failure table: pages say who speaks and why; alerts and SOCKS codes per kind', () => {
  const page = errorPage('dns', { host: '<evil>.example', port: 80 }).toString();
  assert.match(page, /^HTTP\/1\.1 503 Routing Error\r\n/);
  assert.match(page, /<h1>Error 503<\/h1>/);
  assert.match(page, /Exit Nodes couldn&#39;t resolve &#34;&#60;evil&#62;\.example&#34;/);
  assert.match(page, /comes from your MASQ Node/);
  const body = page.split('\r\n\r\n')[1] ?? '';
  assert.match(page, new RegExp(`Content-Length: ${Buffer.byteLength(body)}\r\n`));
  assert.match(errorPage('refused-private', { host: '10.0.0.1', port: 80 }).toString(), /^HTTP\/1\.1 403[\s\S]*exit-private-destinations/);
  assert.deepEqual([...tlsAlert('dns')], [0x15, 3, 3, 0, 2, 2, 0x70]);
  assert.deepEqual([...tlsAlert('connect')], [0x15, 3, 3, 0, 2, 2, 0x50]);
  assert.deepEqual([...tlsAlert('refused-private')], [0x15, 3, 3, 0, 2, 2, 0x31]);
  assert.equal(FAILURES.dns.socks, 4);
  assert.equal(FAILURES.connect.socks, 5);
});

test('private destinations: loopback, RFC 1918, CGNAT, link-local, IPv6 and mapped forms', () => {
  for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '169.254.1.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:192.168.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:c0a8:1', 'nonsense']) {
    assert.equal(isPrivateAddress(ip), true, ip);
  }
  for (const ip of ['1.1.1.1', '11.22.33.44', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) assert.equal(isPrivateAddress(ip), false, ip);
});

test('fuzz: every codec takes arbitrary bytes without throwing and stays in bounds', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
    const b = Buffer.from(bytes);
    const h = parseHead(b, 256);
    if (h.kind === 'head') {
      assert.ok(h.head.length <= b.length);
      interpret(h.head);
    }
    const s = parseClientHello(Buffer.concat([Buffer.from([0x16, 3, 1, b.length >> 8, b.length & 0xff]), b]));
    if (s.kind === 'hello') assert.ok(s.length === b.length + 5);
    for (const r of [parseGreeting(b), parseRequest(b)]) if (r.kind === 'ok') assert.ok(r.length <= b.length);
    isPrivateAddress(b.toString('latin1'));
  }), { numRuns: 5000, seed: 23 });
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
    const h = parseHead(Buffer.from(`GET ${s} HTTP/1.1\r\nHost: ${s}\r\n\r\n`, 'latin1'), 4096);
    if (h.kind === 'head') {
      const r = interpret(h.head);
      if (r.kind === 'forward') assert.ok(r.port >= 1 && r.port <= 65535 && r.host.length > 0);
    }
    parseAuthority(s, 80);
  }), { numRuns: 5000, seed: 29 });
});
