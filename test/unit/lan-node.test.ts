// The Node's side of lan-consuming: the proxy options it starts the proxy with (node/lan.ts), read off a machine's
// network ports. Off: 127.0.0.1 only, no admission rule, no password. On: every non-loopback IPv4 address too
// (never 0.0.0.0), sources checked against the ports' private networks with the proxy's localSource, and the
// password with the user name masq.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { ConfigError } from '../../src/config/config-error.js';
import { interfaceSubnets } from '../../src/address-ranges/index.js';
import { type Interfaces, lanAddresses, proxyListening } from '../../src/node/lan.js';

const v4 = (address: string, netmask: string, internal = false): NetworkInterfaceInfo =>
  ({ address, netmask, family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: null });
const v6 = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:00', internal, cidr: null, scopeid: 0 });

/** A box with a home LAN, Wi-Fi, the hotspot's network, a public uplink and IPv6. */
const BOX: Interfaces = {
  lo: [v4('127.0.0.1', '255.0.0.0', true), v6('::1', true)],
  eth0: [v4('192.168.1.20', '255.255.255.0'), v6('fe80::1')],
  wlan0: [v4('10.7.3.9', '255.255.240.0')],
  eth1: [v4('203.0.113.5', '255.255.255.0')],
  usb0: undefined,
};

/** The proxy's localSource stand-in: records the subnets it is given. */
function recordingSource() {
  const calls: Array<[string, readonly string[]]> = [];
  return { calls, localSource: (ip: string, subnets: readonly string[]) => (calls.push([ip, subnets]), ip !== '203.0.113.9') };
}

const config = (over: Partial<{ lanConsuming: boolean; proxyAddress: string; proxyPassword: string | undefined }> = {}) =>
  ({ lanConsuming: false, proxyAddress: '127.0.0.1', proxyPassword: undefined, ...over });

test('the LAN addresses: every non-loopback IPv4 address, once; never 0.0.0.0 nor the hotspot\'s', () => {
  assert.deepEqual(lanAddresses(BOX), ['192.168.1.20', '10.7.3.9', '203.0.113.5']);
  assert.deepEqual(lanAddresses({ a: [v4('0.0.0.0', '0.0.0.0')], b: [v4('192.168.1.20', '255.255.255.0')], c: [v4('192.168.1.20', '255.255.255.0')] }), ['192.168.1.20']);
  assert.deepEqual(lanAddresses({ lo: [v4('127.0.0.1', '255.0.0.0', true)] }), []);
  assert.deepEqual(lanAddresses({ wlan0: [v4('192.168.4.1', '255.255.255.0')], eth0: [v4('192.168.1.20', '255.255.255.0')] }), ['192.168.1.20'], 'never the setup hotspot');
});

test('the subnets: network/prefix of every IPv4 port, loopback\'s included, a public one\'s left out', () => {
  assert.deepEqual(interfaceSubnets(BOX), ['127.0.0.0/8', '192.168.1.0/24', '10.7.0.0/20']);
  assert.deepEqual(interfaceSubnets({ x: [v4('172.20.5.6', '255.255.255.255')], y: [v4('100.64.3.2', '255.192.0.0')] }), ['172.20.5.6/32', '100.64.0.0/10']);
});

test('off: the proxy listens on proxy-address alone, with no admission rule and no password', () => {
  const { localSource, calls } = recordingSource();
  const off = proxyListening(config({ proxyPassword: 'living-room-42' }), BOX, localSource);
  assert.deepEqual(off, { host: '127.0.0.1', lan: [] });
  assert.equal(calls.length, 0);
});

test('on: 127.0.0.1 and the LAN addresses, sources checked by the proxy\'s localSource against the subnets, the password as user masq', () => {
  const { localSource, calls } = recordingSource();
  const on = proxyListening(config({ lanConsuming: true, proxyPassword: 'living-room-42' }), BOX, localSource);
  assert.equal(on.host, '127.0.0.1');
  assert.deepEqual(on.hosts, ['127.0.0.1', '192.168.1.20', '10.7.3.9', '203.0.113.5']);
  assert.ok(!on.hosts?.includes('0.0.0.0'));
  assert.deepEqual(on.lan, ['192.168.1.20', '10.7.3.9', '203.0.113.5']);
  assert.deepEqual(on.credentials, { user: 'masq', password: 'living-room-42' });
  assert.equal(on.sourceAllowed?.('192.168.1.30'), true);
  assert.equal(on.sourceAllowed?.('203.0.113.9'), false);
  assert.deepEqual(calls, [['192.168.1.30', ['127.0.0.0/8', '192.168.1.0/24', '10.7.0.0/20']], ['203.0.113.9', ['127.0.0.0/8', '192.168.1.0/24', '10.7.0.0/20']]]);
  const open = proxyListening(config({ lanConsuming: true }), BOX, localSource);
  assert.equal(open.credentials, undefined, 'no password: none asked');
  assert.deepEqual(proxyListening(config({ lanConsuming: true, proxyAddress: '192.168.1.20' }), BOX, localSource).hosts, ['192.168.1.20', '10.7.3.9', '203.0.113.5'], 'an address given twice is listened on once');
});

test('on with a wildcard or IPv6 proxy-address: a configuration error naming proxy-address, with what to set', () => {
  const { localSource } = recordingSource();
  for (const proxyAddress of ['0.0.0.0', '::', '::1']) {
    assert.throws(() => proxyListening(config({ lanConsuming: true, proxyAddress }), BOX, localSource),
      (e: unknown) => e instanceof ConfigError && e.param === 'proxy-address' && /127\.0\.0\.1/.test(e.reason), proxyAddress);
  }
  assert.deepEqual(proxyListening(config({ proxyAddress: '0.0.0.0' }), BOX, localSource).host, '0.0.0.0', 'off: proxy-address is the owner\'s business, as before');
});
