// The whole-home DNS mode's decisions (src/lan-entry), pure: which site a port-80 request is for, what the box's
// DNS server does for each asker, the default gateways from the kernel's routing table; fuzzed. Then its sockets on
// loopback: the box's own queries go upstream and only the right answer comes back; port 443 is handed to the
// Node's proxy with the device's bytes untouched, one device holds no more than its share, and nothing when off.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import fc from 'fast-check';
import { defaultGateways, dnsAction, dnsView, type Interfaces } from '../../src/lan-entry/dns-policy.js';
import { createDoors } from '../../src/lan-entry/doors.js';
import { MAX_HTTP_HEAD, httpTarget } from '../../src/lan-entry/target.js';
import { MAX_PENDING, Upstream } from '../../src/lan-entry/upstream.js';
import { createLogCore, createLogger } from '../../src/system/index.js';
import { buildQuery, parseResponse } from '../helpers/dns-wire.js';

const FUZZ = { seed: 21, numRuns: 1000 };
const closers: (() => void)[] = [];
after(() => { for (const c of closers) c(); });

const nic = (address: string, cidr: string, internal = false): NetworkInterfaceInfo => ({
  address, cidr, internal, family: 'IPv4', netmask: '255.255.255.0', mac: '00:00:00:00:00:00',
});
const BOX: Interfaces = {
  lo: [nic('127.0.0.1', '127.0.0.1/8', true)],
  eth0: [nic('192.168.1.50', '192.168.1.50/24')],
  wlan0: [nic('10.0.7.9', '10.0.7.9/24')],
};
const local = (ip: string): boolean => /^(192\.168\.|10\.|127\.)/.test(ip);

test('port 80: the site is the Host, lower case, without a port; a bad or missing Host is said', () => {
  assert.deepEqual(httpTarget(Buffer.from('GET /a HTTP/1.1\r\nHost: News.Example:8080\r\n\r\n')), { kind: 'target', host: 'news.example' });
  assert.deepEqual(httpTarget(Buffer.from('GET /a HTTP/1.1\r\nHost: news.exa')), { kind: 'incomplete' });
  assert.match(JSON.stringify(httpTarget(Buffer.from('GET / HTTP/1.1\r\n\r\n'))), /no Host header/);
  assert.match(JSON.stringify(httpTarget(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'))), /more than one Host/);
  assert.match(JSON.stringify(httpTarget(Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nX: '), Buffer.alloc(MAX_HTTP_HEAD, 'a')]))), /too large/);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => {
    const p = httpTarget(Buffer.from(b));
    assert.ok(['incomplete', 'bad', 'target'].includes(p.kind));
  }), FUZZ);
});

test('DNS: the home gets the box\'s address on its own network, the box itself is passed upstream, others nothing', () => {
  const view = dnsView(true, BOX, local);
  assert.deepEqual(dnsAction('192.168.1.23', view), { kind: 'answer', ipv4: '192.168.1.50' });
  assert.deepEqual(dnsAction('::ffff:10.0.7.200', view), { kind: 'answer', ipv4: '10.0.7.9' }, 'each network its own address');
  assert.deepEqual(dnsAction('10.99.0.1', view), { kind: 'answer', ipv4: '192.168.1.50' }, 'a routed local network: the first LAN address');
  assert.deepEqual(dnsAction('192.168.1.50', view), { kind: 'forward' }, 'the box asking itself');
  assert.deepEqual(dnsAction('127.0.0.1', view), { kind: 'forward' });
  assert.deepEqual(dnsAction('203.0.113.9', view), { kind: 'drop', why: 'not-local' });
  assert.deepEqual(dnsAction('192.168.1.23', dnsView(false, BOX, local)), { kind: 'refuse', why: 'off' });
  assert.deepEqual(dnsAction('192.168.1.23', dnsView(true, { lo: BOX.lo }, local)), { kind: 'refuse', why: 'no-address' });
  assert.equal(dnsView(true, { wlan0: [nic('192.168.4.1', '192.168.4.1/24')] }, local).addressFor('192.168.4.7'), undefined, 'never the setup hotspot\'s address');
});

test('default gateways from /proc/net/route: hex little-endian, only default routes through a gateway', () => {
  const table = [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0',
    'eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0',
    'wlan0\t00000000\t01070A0A\t0003\t0\t0\t600\t00000000\t0\t0\t0',
    'eth0\t00000000\t0101A8C0\t0003\t0\t0\t200\t00000000\t0\t0\t0',
    'tun0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0',
  ].join('\n');
  assert.deepEqual(defaultGateways(table), ['192.168.1.1', '10.10.7.1']);
  assert.deepEqual(defaultGateways(''), []);
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (t) => { defaultGateways(t); }), FUZZ);
});

/** A UDP "router" on loopback answering every query with `answer(query)`. */
async function fakeServer(answer: (q: Buffer) => Buffer | undefined): Promise<number> {
  const s = createSocket('udp4');
  s.on('message', (m, r) => {
    const out = answer(m);
    if (out) s.send(out, r.port, r.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  closers.push(() => s.close());
  return s.address().port;
}

test('the box\'s own queries: passed upstream with a fresh ID, answered with the asker\'s; a forged or late answer is dropped', async () => {
  let seen: Buffer | undefined;
  const port = await fakeServer((q) => {
    seen = q;
    const out = Buffer.from(q);
    out.writeUInt16BE(out.readUInt16BE(2) | 0x8000, 2);
    return out;
  });
  const errors: unknown[] = [];
  const up = new Upstream({ servers: () => ['127.0.0.1'], port, timeoutMs: 500, onError: (e) => errors.push(e) });
  closers.push(() => up.close());
  const query = buildQuery('rpc.example', { id: 0x1234 });
  const answer = await new Promise<Buffer>((resolve) => assert.ok(up.forward(query, resolve)));
  assert.equal(parseResponse(answer).id, 0x1234, 'the asker gets its own ID back');
  assert.equal(parseResponse(answer).questionName, 'rpc.example');
  assert.ok(seen && seen.subarray(12).equals(query.subarray(12)), 'the question went upstream as it was');
  assert.equal(up.waiting(), 0);
  // No server, a malformed query: refused at once (the door answers REFUSED).
  assert.equal(new Upstream({ servers: () => [], onError: () => undefined }).forward(query, () => undefined), false);
  assert.equal(up.forward(Buffer.from('nonsense-query'), () => undefined), false);
  assert.deepEqual(errors, []);
});

test('the box\'s own queries: at most MAX_PENDING wait, each at most its timeout', async () => {
  const port = await fakeServer(() => undefined);
  const up = new Upstream({ servers: () => ['127.0.0.1'], port, timeoutMs: 200, onError: () => undefined });
  closers.push(() => up.close());
  let accepted = 0;
  for (let i = 0; i < MAX_PENDING + 10; i++) if (up.forward(buildQuery(`n${i}.example`), () => assert.fail('no answer was sent'))) accepted++;
  assert.equal(accepted, MAX_PENDING);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(up.waiting(), 0, 'every one timed out and was forgotten');
});

const quiet = createLogger(createLogCore('error'), 'test');

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  return (server.address() as { port: number }).port;
}

test('port 443: handed whole to the Node\'s proxy; one device at most its share; closed at once while the mode is off', async () => {
  const got: Buffer[] = [];
  const proxyPort = await listen(createServer((s) => s.on('data', (d: Buffer) => {
    got.push(d);
    s.write(d);
  })));
  let on = true;
  const doors = createDoors({ settings: () => ({ on, proxyPort }), ownNames: () => new Set(), local, page: () => assert.fail('not the page'), log: quiet, limits: { maxPerSource: 2 } });
  closers.push(() => doors.close());
  const port = await listen(createServer({ pauseOnConnect: true, allowHalfOpen: true }, (s) => doors.tls(s)));
  const hello = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]);
  const open = (): Promise<Socket> => new Promise((r) => { const c = connect(port, '127.0.0.1', () => r(c)); });
  const echo = (c: Socket): Promise<Buffer> => new Promise((r) => { c.once('data', r); c.write(hello); });
  const [a, b] = [await open(), await open()];
  assert.deepEqual(await echo(a), hello, 'the bytes reach the proxy and come back untouched');
  assert.deepEqual(await echo(b), hello);
  const third = await open();
  await new Promise((r) => third.once('close', r));
  assert.equal(doors.open(), 2, 'the third connection of the same device was closed');
  for (const c of [a, b]) c.destroy();
  on = false;
  const off = await open();
  await new Promise((r) => off.once('close', r));
  assert.ok(got.length >= 2);
});
