// Protocol order, the user-facing status of an Automap outcome, public-address ranges and the default gateway.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isPublicIPv4, whyNotPublic } from '../../src/address-ranges/index.js';
import { AutomapError } from '../../src/automap/errors.js';
import { parseDefaultGateway, readDefaultGateway } from '../../src/automap/gateway.js';
import { classify, protocolOrder, renewAt, type Attempt } from '../../src/automap/order.js';
import type { Mapping } from '../../src/automap/types.js';

test('protocol order: PCP, NAT-PMP, IGD, the usual one first', () => {
  assert.deepEqual(protocolOrder(), ['pcp', 'pmp', 'igdp']);
  assert.deepEqual(protocolOrder('igdp'), ['igdp', 'pcp', 'pmp']);
  assert.deepEqual(protocolOrder('pmp'), ['pmp', 'pcp', 'igdp']);
  assert.deepEqual(protocolOrder('pcp'), ['pcp', 'pmp', 'igdp']);
});

test('public IPv4: every reserved range is refused at its edges, neighbours outside are public', () => {
  const reserved: Array<[string, string, string]> = [
    ['0.0.0.0', '0.255.255.255', '1.0.0.0'], ['10.0.0.0', '10.255.255.255', '11.0.0.0'], ['100.64.0.0', '100.127.255.255', '100.128.0.0'],
    ['127.0.0.0', '127.255.255.255', '128.0.0.0'], ['169.254.0.0', '169.254.255.255', '169.255.0.0'], ['172.16.0.0', '172.31.255.255', '172.32.0.0'],
    ['192.0.0.0', '192.0.0.255', '192.0.1.0'], ['192.0.2.0', '192.0.2.255', '192.0.3.0'], ['192.168.0.0', '192.168.255.255', '192.169.0.0'],
    ['198.18.0.0', '198.19.255.255', '198.20.0.0'], ['198.51.100.0', '198.51.100.255', '198.51.101.0'], ['203.0.113.0', '203.0.113.255', '203.0.114.0'],
    ['224.0.0.0', '239.255.255.255', '11.22.33.2'], ['240.0.0.0', '255.255.255.255', '223.255.255.255'],
  ];
  for (const [first, last, outside] of reserved) {
    assert.equal(isPublicIPv4(first), false, first);
    assert.equal(isPublicIPv4(last), false, last);
    assert.equal(isPublicIPv4(outside), true, outside);
  }
  assert.equal(isPublicIPv4('99.255.255.255'), true);
  assert.equal(isPublicIPv4('::ffff:8.8.8.8'), false);
  assert.equal(isPublicIPv4('not an ip'), false);
  assert.match(whyNotPublic('100.64.1.1') ?? '', /carrier-grade/);
  assert.match(whyNotPublic('203.0.113.9') ?? '', /documentation/);
  assert.equal(whyNotPublic('11.22.33.2'), undefined);
});

const mapping = (over: Partial<Mapping> = {}): Mapping => ({ protocol: 'pmp', router: '192.168.1.1', externalAddress: '11.22.33.2', externalPort: 4815, internalPort: 4815, lifetimeSec: 600, ...over });
const failure = (protocol: Attempt['protocol'], reason: AutomapError['reason'], message: string): Attempt => ({ protocol, error: new AutomapError(reason, message) });

test('status: a mapping with its lease and renewal, permanent ones never renew', () => {
  const at = Date.UTC(2026, 0, 1);
  const s = classify({ router: '192.168.1.1', mapping: mapping(), grantedAtMs: at, attempts: [failure('pcp', 'no-answer', 'silence')] });
  assert.ok(s.state === 'mapped');
  assert.equal(s.protocol, 'pmp');
  assert.equal(s.publicAddress, '11.22.33.2');
  assert.equal(s.renewAtMs, at + 300_000);
  assert.match(s.summary, /NAT-PMP on 192.168.1.1 maps 11.22.33.2:4815 to port 4815 for 600 s/);
  assert.deepEqual(s.attempts, [{ protocol: 'pcp', reason: 'no-answer', message: 'silence' }]);
  const p = classify({ router: '192.168.1.1', mapping: mapping({ protocol: 'igdp', lifetimeSec: 0 }), grantedAtMs: at, attempts: [] });
  assert.ok(p.state === 'mapped' && p.renewAtMs === null && /permanently/.test(p.summary));
  assert.equal(renewAt(1, at), at + 1000);
  assert.equal(renewAt(0, at), null);
});

test('status: why nothing worked, and what to do', () => {
  const at = 0;
  const noRouter = classify({ router: undefined, grantedAtMs: at, attempts: [] });
  assert.ok(noRouter.state === 'failed' && noRouter.cause === 'no-router');
  const doubleNat = classify({ router: '192.168.1.1', mapping: mapping({ externalAddress: '100.64.7.7' }), grantedAtMs: at, attempts: [] });
  assert.ok(doubleNat.state === 'failed' && doubleNat.cause === 'double-nat');
  assert.match(doubleNat.summary, /100\.64\.7\.7 is carrier-grade NAT/);
  assert.match(doubleNat.fix, /bridge mode.*--ip/);
  const noExternal = classify({ router: '192.168.1.1', grantedAtMs: at, attempts: [failure('pcp', 'refused', 'no'), failure('pmp', 'no-external', 'The router has no usable external address right now.')] });
  assert.ok(noExternal.state === 'failed' && noExternal.cause === 'double-nat');
  assert.match(noExternal.summary, /no usable external address, .*double NAT or carrier-grade NAT.*It said: The router has no usable/);
  const refused = classify({ router: '192.168.1.1', grantedAtMs: at, attempts: [failure('pcp', 'not-offered', 'no PCP'), failure('pmp', 'refused', 'The router refuses port mapping.'), failure('igdp', 'no-answer', 'silence')] });
  assert.ok(refused.state === 'failed' && refused.cause === 'refused');
  assert.match(refused.summary, /refused: The router refuses port mapping\./);
  const garbage = classify({ router: '192.168.1.1', grantedAtMs: at, attempts: [failure('pcp', 'malformed', 'PCP response: version 9'), failure('pmp', 'no-answer', 'x')] });
  assert.ok(garbage.state === 'failed' && garbage.cause === 'malformed' && /version 9/.test(garbage.summary));
  const silent = classify({ router: '192.168.1.1', grantedAtMs: at, attempts: [failure('pcp', 'no-answer', 'a'), failure('pmp', 'not-offered', 'b'), failure('igdp', 'no-answer', 'c')] });
  assert.ok(silent.state === 'failed' && silent.cause === 'no-answer' && /Switch on UPnP/.test(silent.fix));
  const bug = classify({ router: '192.168.1.1', grantedAtMs: at, attempts: [{ protocol: 'pcp', error: new TypeError('oops') }] });
  assert.deepEqual(bug.attempts, [{ protocol: 'pcp', reason: 'error', message: 'oops' }]);
});

const ROUTE_HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n';

test('default gateway from /proc/net/route: up, through a gateway, lowest metric, either byte order', () => {
  const text = ROUTE_HEADER
    + 'eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\tFFFFFFFF\t0\t0\t0\n'
    + 'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n'
    + 'eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n'
    + 'eth1\t00000000\t0103A8C0\t0001\t0\t0\t0\t00000000\t0\t0\t0\n'
    + 'garbage line\n';
  assert.deepEqual(parseDefaultGateway(text, true), { iface: 'eth0', gateway: '192.168.2.1' });
  assert.deepEqual(parseDefaultGateway(`${ROUTE_HEADER}eth0\t00000000\tC0A80101\t0003\t0\t0\t0\t00000000\t0\t0\t0\n`, false), { iface: 'eth0', gateway: '192.168.1.1' });
  assert.equal(parseDefaultGateway(ROUTE_HEADER, true), undefined);
  assert.equal(parseDefaultGateway(`${ROUTE_HEADER}eth0\t00000000\tZZ\t0003\t0\t0\t0\t00000000\n`, true), undefined);
  fc.assert(fc.property(fc.string({ maxLength: 500 }), (s) => {
    const g = parseDefaultGateway(ROUTE_HEADER + s, true);
    assert.ok(g === undefined || /^\d+\.\d+\.\d+\.\d+$/.test(g.gateway));
  }), { seed: 6, numRuns: 300 });
});

test('default gateway: the reader reads a route file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'automap-route-'));
  try {
    const file = join(dir, 'route');
    writeFileSync(file, `${ROUTE_HEADER}eth0\t00000000\t01161620\t0003\t0\t0\t0\t00000000\t0\t0\t0\n`);
    const g = await readDefaultGateway(file);
    assert.equal(g?.iface, 'eth0');
    assert.ok(g?.gateway === '32.22.22.1' || g?.gateway === '1.22.22.32');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
