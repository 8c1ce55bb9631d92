// The router lab (test/helpers/router.ts) proved with Debian's own clients run in the LAN namespace: upnpc
// (miniupnpc) for UPnP IGD, natpmpc for NAT-PMP, and a hand-built RFC 6887 datagram for PCP (Debian has no PCP
// client). Each mapping is proved by a real TCP connection from the WAN host to a listener on the LAN host.
// Needs root, iproute2, nftables, miniupnpd-nftables, miniupnpc and natpmpc: without them every test fails with a
// message saying so (`make test` installs them).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Host, namespacesWithPrefix, processAlive } from '../helpers/netns.js';
import { Sandbox, run, waitFor } from '../helpers/processes.js';
import { type RouterLab, PCP_PORT, createRouterLab, requireTools } from '../helpers/router.js';

const PORT = 4815;
const sandbox = new Sandbox();
let lab: RouterLab | undefined;
let setupError: Error | undefined;

const ONLY_UPNP = { upnp: true, natpmp: false, pcp: false };
const ONLY_NATPMP = { upnp: false, natpmp: true, pcp: false };
const ONLY_PCP = { upnp: false, natpmp: false, pcp: true };
const ALL = { upnp: true, natpmp: true, pcp: true };

// A TCP listener that greets each peer with the address it sees (so a greeting proves DNAT without SNAT).
const LISTENER = `require('node:net').createServer((s) => s.end('hello ' + s.remoteAddress))
  .listen(Number(process.argv[1]), '0.0.0.0', () => console.log('listening'));`;

// Connects, prints what the server said or the error code; bounded.
const CONNECT = `const s = require('node:net').connect(Number(process.argv[2]), process.argv[1]);
let got = ''; s.setTimeout(2000, () => { console.log('ERR timeout'); process.exit(0); });
s.on('data', (d) => { got += d; }); s.on('end', () => console.log(got)); s.on('error', (e) => console.log('ERR ' + e.code));`;

// Sends one datagram (hex) to the router's port 5351 and prints the first reply (hex), or "timeout".
const DATAGRAM = `const s = require('node:dgram').createSocket('udp4');
setTimeout(() => { console.log('timeout'); process.exit(0); }, Number(process.argv[3]));
s.on('message', (m) => { console.log(m.toString('hex')); process.exit(0); });
s.send(Buffer.from(process.argv[2], 'hex'), ${PCP_PORT}, process.argv[1]);`;

// Prints every datagram to the NAT-PMP/PCP announcement port as hex, split "vvoo rrrr rest" (version and opcode, result, the rest).
const ANNOUNCEMENTS = `const s = require('node:dgram').createSocket({ type: 'udp4', reuseAddr: true });
s.on('message', (m) => { const h = m.toString('hex'); console.log(h.slice(0, 4) + ' ' + h.slice(4, 8) + ' ' + h.slice(8)); });
s.bind(5350, () => console.log('listening'));`;

function requireLab(): RouterLab {
  if (setupError) throw setupError;
  assert.ok(lab, 'the router lab was not built');
  return lab;
}

async function listen(host: Host): Promise<void> {
  const server = host.spawn(process.execPath, ['-e', LISTENER, String(PORT)]);
  await waitFor('the LAN listener', () => server.output().includes('listening') || server.child.exitCode !== null, 5_000, 20);
  assert.ok(server.output().includes('listening'), server.output());
}

async function connect(l: RouterLab, address = l.routerWanAddress): Promise<string> {
  const r = await l.wan.exec(process.execPath, ['-e', CONNECT, address, String(PORT)], { timeoutMs: 5_000 });
  return r.stdout.trim();
}

async function datagram(l: RouterLab, hex: string, timeoutMs = 1_000): Promise<Buffer | undefined> {
  const r = await l.lan.exec(process.execPath, ['-e', DATAGRAM, l.routerLanAddress, hex, String(timeoutMs)], { timeoutMs: timeoutMs + 3_000 });
  const out = r.stdout.trim();
  return out === 'timeout' ? undefined : Buffer.from(out, 'hex');
}

/** An RFC 6887 MAP request for TCP to `port` (60 bytes). */
function pcpMapRequest(client: string, port: number, lifetime: number, nonce: Buffer): string {
  const b = Buffer.alloc(60);
  b[0] = 2; // version
  b[1] = 1; // MAP, request
  b.writeUInt32BE(lifetime, 4);
  b.writeUInt16BE(0xffff, 18); // client address as ::ffff:a.b.c.d
  client.split('.').forEach((octet, i) => { b[20 + i] = Number(octet); });
  nonce.copy(b, 24);
  b[36] = 6; // TCP
  b.writeUInt16BE(port, 40);
  b.writeUInt16BE(0, 42); // no suggested external port
  b.writeUInt16BE(0xffff, 54); // suggested external address ::ffff:0.0.0.0
  return b.toString('hex');
}

interface PcpMapReply { result: number; lifetime: number; nonce: Buffer; externalPort: number; externalAddress: string }

function parsePcpMapReply(b: Buffer): PcpMapReply {
  assert.equal(b.length, 60, `a MAP reply is 60 bytes: ${b.toString('hex')}`);
  assert.equal(b[0], 2);
  assert.equal(b[1], 0x81);
  return {
    result: b[3] ?? -1,
    lifetime: b.readUInt32BE(4),
    nonce: b.subarray(24, 36),
    externalPort: b.readUInt16BE(42),
    externalAddress: [...b.subarray(56, 60)].join('.'),
  };
}

const NATPMP_ADDRESS_REQUEST = '0000';

/** An RFC 6886 TCP mapping request (12 bytes), external port suggested equal to the internal one. */
function natpmpMapRequest(port: number, lifetime: number): string {
  const b = Buffer.alloc(12);
  b[1] = 2; // TCP
  b.writeUInt16BE(port, 4);
  b.writeUInt16BE(port, 6);
  b.writeUInt32BE(lifetime, 8);
  return b.toString('hex');
}

const upnpc = (l: RouterLab, ...args: string[]): Promise<string> =>
  l.lan.exec('upnpc', args, { timeoutMs: 15_000 }).then((r) => r.stdout + r.stderr);

const natpmpc = (l: RouterLab, ...args: string[]): Promise<string> =>
  l.lan.exec('natpmpc', ['-g', l.routerLanAddress, ...args], { timeoutMs: 15_000 }).then((r) => r.stdout + r.stderr);

async function timed<T>(t: { diagnostic(m: string): void }, what: string, f: () => Promise<T>): Promise<T> {
  const start = Date.now();
  const v = await f();
  t.diagnostic(`${what}: ${Date.now() - start} ms`);
  return v;
}

before(async () => {
  try {
    await requireTools(['upnpc', 'natpmpc']);
    const start = Date.now();
    lab = await createRouterLab(sandbox, ALL);
    console.log(`router lab built in ${Date.now() - start} ms`);
    await listen(lab.lan);
  } catch (e) {
    setupError = e as Error;
  }
});

after(async () => {
  await lab?.close();
  await sandbox.cleanup();
});

test('UPnP IGD only: upnpc maps, the WAN host connects through, the deletion closes it again', async (t) => {
  const l = requireLab();
  await timed(t, 'miniupnpd restart', () => l.startMiniupnpd(ONLY_UPNP));
  const status = await timed(t, 'upnpc -s', () => upnpc(l, '-s'));
  assert.match(status, /Status : Connected/, status);
  assert.match(status, /ExternalIPAddress = 11\.22\.33\.1\b/, status);

  const added = await upnpc(l, '-a', l.lan.address, String(PORT), String(PORT), 'TCP');
  assert.match(added, new RegExp(`external 11\\.22\\.33\\.1:${PORT} TCP is redirected to internal ${l.lan.address}:${PORT}`), added);
  assert.match(await l.mappings(), new RegExp(`dnat ip to ${l.lan.address}:${PORT}`));
  assert.equal(await connect(l), `hello ${l.wanHostAddress}`);

  const deleted = await upnpc(l, '-d', String(PORT), 'TCP');
  assert.match(deleted, /UPNP_DeletePortMapping\(\) returned : 0/, deleted);
  assert.doesNotMatch(await l.mappings(), /dnat/);
  assert.equal(await connect(l), 'ERR ECONNREFUSED');
  assert.equal(await datagram(l, NATPMP_ADDRESS_REQUEST), undefined, 'NAT-PMP answered though it is off');
});

test('NAT-PMP only: natpmpc maps, the WAN host connects through; no IGD, no PCP', async (t) => {
  const l = requireLab();
  await l.startMiniupnpd(ONLY_NATPMP);
  const mapped = await timed(t, 'natpmpc -a', () => natpmpc(l, '-a', String(PORT), String(PORT), 'tcp', '60'));
  assert.match(mapped, /Public IP address : 11\.22\.33\.1\b/, mapped);
  assert.match(mapped, new RegExp(`Mapped public port ${PORT} protocol TCP to local port ${PORT} liftime 60`), mapped);
  assert.equal(await connect(l), `hello ${l.wanHostAddress}`);

  const pcp = await datagram(l, pcpMapRequest(l.lan.address, PORT, 60, Buffer.alloc(12, 1)));
  assert.equal(pcp, undefined, `PCP answered though it is off: ${pcp?.toString('hex')}`);
  const discovery = await timed(t, 'upnpc -s finding nothing', () => upnpc(l, '-s'));
  assert.match(discovery, /No IGD UPnP Device found/, discovery);

  const removed = await natpmpc(l, '-a', String(PORT), String(PORT), 'tcp', '0');
  assert.match(removed, /readnatpmpresponseorretry returned 0 \(OK\)/, removed);
  assert.equal(await connect(l), 'ERR ECONNREFUSED');
});

test('PCP only: a MAP request maps, the WAN host connects through, lifetime 0 unmaps; no NAT-PMP', async (t) => {
  const l = requireLab();
  await l.startMiniupnpd({ ...ONLY_PCP, minLifetime: 60, maxLifetime: 300 });
  const nonce = Buffer.from('0123456789ab');
  const short = await timed(t, 'PCP MAP', () => datagram(l, pcpMapRequest(l.lan.address, PORT, 10, nonce)));
  assert.ok(short, `no PCP reply; miniupnpd said:\n${l.miniupnpdLog()}`);
  assert.equal(parsePcpMapReply(short).lifetime, 60, 'min_lifetime bounds the granted lifetime');
  const raw = await datagram(l, pcpMapRequest(l.lan.address, PORT, 3600, nonce));
  assert.ok(raw);
  const reply = parsePcpMapReply(raw);
  assert.equal(reply.result, 0);
  assert.equal(reply.externalAddress, '11.22.33.1');
  assert.equal(reply.externalPort, PORT);
  assert.deepEqual(reply.nonce, nonce);
  assert.equal(reply.lifetime, 300, 'max_lifetime bounds the granted lifetime');
  assert.equal(await connect(l), `hello ${l.wanHostAddress}`);

  assert.equal(await datagram(l, NATPMP_ADDRESS_REQUEST), undefined, 'NAT-PMP answered though it is off');

  const unmapped = await datagram(l, pcpMapRequest(l.lan.address, PORT, 0, nonce));
  assert.ok(unmapped);
  assert.equal(parsePcpMapReply(unmapped).result, 0);
  assert.doesNotMatch(await l.mappings(), /dnat/);
  assert.equal(await connect(l), 'ERR ECONNREFUSED');
});

test('private external address (double NAT): every protocol refuses', async () => {
  const l = requireLab();
  await l.startMiniupnpd({ ...ALL, privateWan: true });
  assert.equal(l.routerWanAddress, '100.64.33.1');
  assert.match(l.miniupnpdLog(), /Port forwarding is impossible/);

  // upnpc finds the IGD but not connected; forcing it on, AddPortMapping fails.
  const status = await upnpc(l, '-s');
  assert.match(status, /not connected/, status);
  const added = await upnpc(l, '-i', '-a', l.lan.address, String(PORT), String(PORT), 'TCP');
  assert.match(added, /AddPortMapping\(.*\) failed with code 501/, added);

  // NAT-PMP: result 3 (network failure) to the address request, which natpmpc shows as -52 and stops.
  const natpmp = await natpmpc(l, '-a', String(PORT), String(PORT), 'tcp', '60');
  assert.match(natpmp, /readnatpmpresponseorretry returned -52/, natpmp);
  assert.equal((await datagram(l, NATPMP_ADDRESS_REQUEST))?.readUInt16BE(2), 3);
  assert.equal((await datagram(l, natpmpMapRequest(PORT, 60)))?.readUInt16BE(2), 3);

  // PCP: NO_RESOURCES, with the private external address in the reply (how a client can tell double NAT).
  const raw = await datagram(l, pcpMapRequest(l.lan.address, PORT, 60, Buffer.alloc(12, 2)));
  assert.ok(raw);
  const reply = parsePcpMapReply(raw);
  assert.equal(reply.result, 8);
  assert.equal(reply.externalAddress, '100.64.33.1');
  assert.doesNotMatch(await l.mappings(), /dnat/);
});

test('a router whose rules deny the mapping: UPnP answers 606', async () => {
  const l = requireLab();
  await assert.rejects(l.startMiniupnpd({ ...ALL, denyAll: true }), /UPnP only/);
  await l.startMiniupnpd({ ...ONLY_UPNP, denyAll: true });
  const added = await upnpc(l, '-a', l.lan.address, String(PORT), String(PORT), 'TCP');
  assert.match(added, /AddPortMapping\(.*\) failed with code 606 \(Action not authorized\)/, added);
  assert.doesNotMatch(await l.mappings(), /dnat/);
});

test('the external address changes while miniupnpd runs: announced, answered, the mapping still carries; private stops it', async (t) => {
  const l = requireLab();
  await l.startMiniupnpd(ALL);
  assert.equal(l.routerWanAddress, '11.22.33.1');
  const mapped = await natpmpc(l, '-a', String(PORT), String(PORT), 'tcp', '60');
  assert.match(mapped, /Mapped public port/, mapped);
  const announcements = l.lan.spawn(process.execPath, ['-e', ANNOUNCEMENTS]);
  await waitFor('the announcement listener', () => announcements.output().includes('listening'), 5_000, 20);

  await timed(t, 'setWanAddress', () => l.setWanAddress('11.22.33.9'));
  assert.equal(l.routerWanAddress, '11.22.33.9');
  // NAT-PMP: version 0, opcode 128, result 0, epoch, address; PCP: an ANNOUNCE response (version 2, opcode 0x80).
  await timed(t, 'announcements', () => waitFor('announcements of 11.22.33.9', () => /^0080 0000 [0-9a-f]{8}0b162109$/m.test(announcements.output())
    && /^0280 0000 /m.test(announcements.output()), 5_000, 20)).catch((e: Error) => assert.fail(`${e.message}; heard:\n${announcements.output()}`));
  announcements.child.kill();
  assert.match(await natpmpc(l), /Public IP address : 11\.22\.33\.9\b/);
  assert.match(await upnpc(l, '-s'), /ExternalIPAddress = 11\.22\.33\.9\b/);
  assert.equal(await connect(l, '11.22.33.9'), `hello ${l.wanHostAddress}`);

  // A private address turns forwarding off until a public one is back.
  await l.setWanAddress('100.64.0.1');
  await waitFor('miniupnpd to notice', () => /Reserved \/ private IP address 100\.64\.0\.1/.test(l.miniupnpdLog()), 3_000, 20);
  assert.equal((await datagram(l, natpmpMapRequest(PORT, 60)))?.readUInt16BE(2), 3);
  await l.setWanAddress('11.22.33.1');
  await waitFor('miniupnpd to notice', () => /Public IP address 11\.22\.33\.1 on ext interface wan0: Port forwarding is enabled/.test(l.miniupnpdLog()), 3_000, 20);
  assert.equal((await datagram(l, natpmpMapRequest(PORT, 60)))?.readUInt16BE(2), 0);
  assert.equal(await connect(l), `hello ${l.wanHostAddress}`);
});

test('IGD v1: the device describes itself as v1 and upnpc maps through it', async () => {
  const l = requireLab();
  await l.startMiniupnpd({ ...ONLY_UPNP, igdV1: true });
  const port = /HTTP listening on port (\d+)/.exec(l.miniupnpdLog())?.[1];
  const desc = await l.lan.exec('curl', ['-sS', '--max-time', '3', `http://${l.routerLanAddress}:${port}/rootDesc.xml`], { timeoutMs: 5_000 });
  const types = new Set(desc.stdout.match(/urn:schemas-upnp-org:(device|service):\w+:\d/g));
  assert.ok(types.has('urn:schemas-upnp-org:device:InternetGatewayDevice:1') && types.has('urn:schemas-upnp-org:service:WANIPConnection:1'), desc.stdout);
  assert.ok(![...types].some((u) => u.endsWith(':2')), [...types].join(' '));
  const added = await upnpc(l, '-e', 'masq', '-a', l.lan.address, String(PORT), String(PORT), 'TCP', '120');
  assert.match(added, /is redirected to internal .*\(duration=120\)/, added);
  assert.equal(await connect(l), `hello ${l.wanHostAddress}`);
});

test('the lab reaches nothing outside; close removes everything; a second lab builds right after; a failed one leaves nothing', async (t) => {
  const l = requireLab();
  for (const h of [l.router, l.wan]) {
    const routeOut = await h.exec('ip', ['route', 'get', '1.1.1.1'], { timeoutMs: 5_000 });
    assert.match(routeOut.stderr, /unreachable/i, `${h.name} has a route out: ${routeOut.stdout}`);
  }
  const fromLan = await l.lan.exec('ip', ['route', 'get', '1.1.1.1'], { timeoutMs: 5_000 });
  assert.match(fromLan.stdout, new RegExp(`via ${l.routerLanAddress.replaceAll('.', '\\.')} dev eth0`));
  const root = await run('ip', ['-o', 'addr', 'show'], {}, 5_000);
  assert.doesNotMatch(root.stdout, /11\.22\.33\.|192\.168\.50\.|100\.64\.33\./, 'the root namespace got an address of the lab');

  const mine = async (): Promise<string[]> => (await namespacesWithPrefix('mqrouter')).filter((ns) => ns.startsWith(`mqrouter-${process.pid}-`));
  assert.equal((await mine()).length, 6);
  const daemonPids = (await run('ip', ['netns', 'pids', l.router.ns], {}, 5_000)).stdout.split(/\s+/).filter(Boolean).map(Number);
  assert.ok(daemonPids.length > 0);
  await l.close();
  await l.close();
  lab = undefined;
  assert.deepEqual(await mine(), []);
  assert.ok(daemonPids.every((p) => !processAlive(p)), 'a process of the lab outlived close()');

  const second = await timed(t, 'second lab', () => createRouterLab(sandbox, ONLY_UPNP));
  try {
    assert.match(await upnpc(second, '-s'), /ExternalIPAddress = 11\.22\.33\.1\b/);
  } finally {
    await second.close();
  }
  assert.deepEqual(await mine(), []);

  // A lab whose miniupnpd cannot start removes what it built.
  await assert.rejects(createRouterLab(sandbox, { ...ALL, maxLifetime: 100 }), /miniupnpd did not start.*\n.*Minimum lifetime/);
  assert.deepEqual(await mine(), []);
});
