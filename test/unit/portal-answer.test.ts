// The captive portal's pure parts: the probe table against what each OS takes as online, the redirect and the
// RFC 8908 API, and dnsmasq's configuration with its checked values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CAPTIVE_API_PATH, CAPTIVE_API_TYPE, CAPTIVE_API_URL, CAPTIVE_PROBES, dnsmasqConfig, HOTSPOT_NET, inHotspotNet, NO_CACHE_HEADERS,
  PORTAL_URL, portalAnswer, type PortalAnswer, requestHost,
} from '../../src/portal/index.js';
import { MasqError } from '../../src/system/index.js';

function assertRedirect(a: PortalAnswer, what: string, status = 302): void {
  assert.equal(a.status, status, what);
  assert.equal(a.headers.location, PORTAL_URL, what);
  for (const [k, v] of Object.entries(NO_CACHE_HEADERS)) assert.equal(a.headers[k], v, `${what}: ${k}`);
}

test('the probe table names every OS\'s probes', () => {
  const urls = new Set(CAPTIVE_PROBES.map((p) => `${p.os} ${p.host}${p.path}`));
  for (const url of [
    'apple captive.apple.com/hotspot-detect.html', 'apple www.apple.com/library/test/success.html',
    'android connectivitycheck.gstatic.com/generate_204', 'android clients3.google.com/generate_204', 'android connectivitycheck.android.com/generate_204', 'android www.google.com/gen_204',
    'windows www.msftconnecttest.com/connecttest.txt', 'windows www.msftconnecttest.com/redirect', 'windows www.msftncsi.com/ncsi.txt',
    'firefox detectportal.firefox.com/canonical.html', 'firefox detectportal.firefox.com/success.txt',
  ]) assert.ok(urls.has(url), url);
  assert.equal(urls.size, CAPTIVE_PROBES.length, 'no row twice');
});

test('every probe gets a redirect to the page, never what its OS takes as online', () => {
  for (const p of CAPTIVE_PROBES) {
    const a = portalAnswer({ host: p.host, path: p.path, method: 'GET' });
    assertRedirect(a, `${p.host}${p.path}`);
    assert.equal(a.probe, p.os);
    if (p.online) assert.ok(a.status !== p.online.status || (p.online.body !== undefined && a.body !== p.online.body), `${p.host}${p.path} would look online`);
    // A body with a link for the views that show it.
    assert.match(a.body, new RegExp(`href="${PORTAL_URL}"`));
    assert.equal(a.headers['content-type'], 'text/html; charset=utf-8');
  }
  // The same under another spelling of the host, and with a query.
  assert.equal(portalAnswer({ host: 'Captive.Apple.COM.:80', path: '/hotspot-detect.html?x=1', method: 'GET' }).probe, 'apple');
});

test('any other name and path is sent to the page too; a form post becomes a GET (303); HEAD has no body', () => {
  for (const [host, path] of [['example.com', '/anything'], [undefined, '/'], ['', '/x'], ['[2001:db8::1]:8080', '/y'], ['192.0.2.7', '/generate_204']] as const) {
    const a = portalAnswer({ host, path, method: 'GET' });
    assertRedirect(a, `${String(host)}${path}`);
    assert.equal(a.probe, undefined);
  }
  assertRedirect(portalAnswer({ host: 'example.com', path: '/login', method: 'POST' }), 'POST', 303);
  const head = portalAnswer({ host: 'captive.apple.com', path: '/hotspot-detect.html', method: 'HEAD' });
  assertRedirect(head, 'HEAD');
  assert.equal(head.body, '');
});

test('the RFC 8908 API: captive, the page as user-portal-url, its media type, never cached; under any name', () => {
  for (const host of ['192.168.4.1', 'captive.apple.com']) {
    const a = portalAnswer({ host, path: CAPTIVE_API_PATH, method: 'GET' });
    assert.equal(a.status, 200);
    assert.equal(a.headers['content-type'], CAPTIVE_API_TYPE);
    assert.equal(CAPTIVE_API_TYPE, 'application/captive+json');
    for (const [k, v] of Object.entries(NO_CACHE_HEADERS)) assert.equal(a.headers[k], v, k);
    assert.deepEqual(JSON.parse(a.body), { captive: true, 'user-portal-url': PORTAL_URL });
  }
  assert.equal(portalAnswer({ host: 'x', path: `${CAPTIVE_API_PATH}?q`, method: 'GET' }).status, 200, 'a query does not matter');
  assertRedirect(portalAnswer({ host: 'x', path: CAPTIVE_API_PATH, method: 'POST' }), 'not for a POST', 303);
  assertRedirect(portalAnswer({ host: 'x', path: `${CAPTIVE_API_PATH}/more`, method: 'GET' }), 'only that path');
});

test('requestHost: lower case, no port, no brackets, no final dot', () => {
  assert.equal(requestHost('WWW.Apple.com:8080'), 'www.apple.com');
  assert.equal(requestHost('[::1]:80'), '::1');
  assert.equal(requestHost('captive.apple.com.'), 'captive.apple.com');
  assert.equal(requestHost(undefined), '');
  assert.equal(requestHost('x'.repeat(10_000)).length, 255);
});

test('the hotspot\'s network: its own addresses only', () => {
  assert.ok(inHotspotNet(HOTSPOT_NET.address));
  assert.ok(inHotspotNet('192.168.4.250'));
  for (const ip of ['192.168.5.1', '10.0.0.1', '::ffff:192.168.4.20', 'fe80::1', 'nonsense', '']) assert.ok(!inHotspotNet(ip), ip);
});

test('dnsmasq\'s configuration: the interface only, every name the box, no AAAA, DHCP with option 114, nothing from the system', () => {
  const text = dnsmasqConfig({ iface: 'wlan0', leaseFile: '/run/masq-wifi/dnsmasq.leases', pidFile: '/run/masq-wifi/dnsmasq.pid' });
  const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  for (const line of [
    'interface=wlan0', 'except-interface=lo', 'bind-interfaces', 'no-resolv', 'no-hosts', 'address=/#/192.168.4.1', 'local=/#/',
    'dhcp-range=192.168.4.10,192.168.4.250,255.255.255.0,600', 'dhcp-option=option:router,192.168.4.1', 'dhcp-option=option:dns-server,192.168.4.1',
    `dhcp-option=114,"${CAPTIVE_API_URL}"`, 'dhcp-authoritative', 'dhcp-leasefile=/run/masq-wifi/dnsmasq.leases', 'pid-file=/run/masq-wifi/dnsmasq.pid',
  ]) assert.ok(lines.includes(line), line);
  assert.equal(CAPTIVE_API_URL, 'http://192.168.4.1/captive-portal/api');
  assert.match(text, /^cache-size=\d{2,3}$/m);
  assert.ok(!lines.some((l) => /^(server|resolv-file|addn-hosts)=/.test(l)), 'no upstream, no hosts file');
  const once = lines.filter((l) => !l.startsWith('dhcp-option=')).map((l) => l.split('=')[0]);
  assert.equal(new Set(once).size, once.length, 'only dhcp-option repeats');
  const bare = dnsmasqConfig({ iface: 'wlan0' }).split('\n');
  assert.ok(!bare.some((l) => /^(pid-file|dhcp-leasefile)=/.test(l)), 'no pid or lease file unless asked: masq-wifi gives them on the command line');
});

test('dnsmasq\'s configuration refuses an interface name or path that is not plain', () => {
  for (const iface of ['', 'wlan0\naddress=/#/6.6.6.6', 'a'.repeat(16), 'wl an0', 'wlan0#', '..', 'wlan/0', 'wlän0']) {
    assert.throws(() => dnsmasqConfig({ iface, leaseFile: '/tmp/l' }), (e: unknown) => e instanceof MasqError && e.code === 'CONFIG_INVALID', JSON.stringify(iface));
  }
  for (const path of ['relative/leases', '/tmp/a b', '/tmp/x\nserver=1.1.1.1', '/tmp/../etc/passwd', '/tmp/#x', `/${'a'.repeat(5000)}`, '/']) {
    assert.throws(() => dnsmasqConfig({ iface: 'wlan0', leaseFile: path }), MasqError, JSON.stringify(path));
    assert.throws(() => dnsmasqConfig({ iface: 'wlan0', leaseFile: '/tmp/l', pidFile: path }), MasqError, JSON.stringify(path));
  }
  assert.doesNotThrow(() => dnsmasqConfig({ iface: 'wlx00c0ca_1.2-3', leaseFile: '/var/lib/misc/dnsmasq.leases' }));
});
