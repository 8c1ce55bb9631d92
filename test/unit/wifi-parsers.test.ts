// masq-wifi's parsers and renderers on samples written from the programs' documented formats: iw's scan output,
// wpa_supplicant's and hostapd's event lines, masq setup-code's answer, the state file, the join request; and the
// files it writes (hostapd, wpa_supplicant with odd network names, networkd, the firewall), with the 802.11i PSK.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIwScan, decodeIwSsid } from '../../src/wifi/iw-scan.js';
import { parseStationEvent, parseWpaEvent } from '../../src/wifi/wpa-events.js';
import { newHotspotCode, parseSetupCodeOutput, usablePassphrase } from '../../src/wifi/hotspot-code.js';
import { parseState } from '../../src/wifi/state-file.js';
import { parseJoinRequest } from '../../src/wifi/validate.js';
import { clientCopy, dnsmasqArgs, dnsmasqConfProblem, hasNetwork, hostapdConf, hotspotNetworkFile, wpaClientConf, wpaSsid } from '../../src/wifi/render.js';
import { hotspotRuleset } from '../../src/wifi/firewall.js';
import { pskOf, wpaPsk } from '../../src/wifi/psk.js';
import { boxName, hotspotSsid } from '../../src/wifi/identity.js';
import { networkFacts } from '../../src/wifi/radio.js';
import { hotspotDelayMs, hotspotIgnored } from '../../src/wifi/settings.js';
import { bss, SCAN } from '../helpers/wifi-samples.js';

test('iw scan: one entry per name at its strongest, strongest first, hidden and non-UTF-8 names left out', () => {
  assert.deepEqual(parseIwScan(SCAN), [
    { ssid: 'Home', signalDbm: -48, security: 'wpa2/wpa3' },
    { ssid: 'New\\Wave', signalDbm: -55, security: 'wpa3' },
    { ssid: 'Corp', signalDbm: -60, security: 'enterprise' },
    { ssid: 'Old', signalDbm: -65, security: 'wpa' },
    { ssid: 'Café libre ', signalDbm: -71, security: 'open' },
    { ssid: 'Ancient', signalDbm: -90, security: 'wep' },
  ]);
  assert.deepEqual(parseIwScan(''), []);
  assert.deepEqual(parseIwScan(bss('00:11:22:33:44:55', '\tsignal: -50.00 dBm\n\tSSID: NoCapability\n\tRSN:\t * Version: 1\n')), [{ ssid: 'NoCapability', signalDbm: -50, security: 'wpa2' }]);
});

test('iw scan: bounded in networks and line length', () => {
  const many = Array.from({ length: 200 }, (_, i) => bss(`00:00:00:00:00:${(i % 256).toString(16).padStart(2, '0')}`, `\tsignal: -${30 + (i % 60)}.00 dBm\n\tSSID: net${i}`)).join('\n');
  assert.equal(parseIwScan(many).length, 64);
  assert.deepEqual(parseIwScan(bss('00:00:00:00:00:01', `\tsignal: -50.00 dBm\n\tSSID: ${'A'.repeat(2000)}`)), []);
  assert.equal(decodeIwSsid('A'.repeat(33)), undefined, 'longer than 32 bytes');
  assert.equal(decodeIwSsid('bad\\x1'), undefined);
  assert.deepEqual(decodeIwSsid('a\\x00b'), Buffer.from([0x61, 0, 0x62]));
});

test('wpa_supplicant events: connected, wrong key (only at the line\'s end), not found, disconnected', () => {
  assert.equal(parseWpaEvent('wlan0: CTRL-EVENT-CONNECTED - Connection to 00:11:22:33:44:55 completed [id=0 id_str=]'), 'connected');
  assert.equal(parseWpaEvent('wlan0: CTRL-EVENT-SSID-TEMP-DISABLED id=0 ssid="Home" auth_failures=1 duration=10 reason=WRONG_KEY'), 'wrong-key');
  assert.equal(parseWpaEvent('wlan0: CTRL-EVENT-SSID-TEMP-DISABLED id=0 ssid="x reason=WRONG_KEY" auth_failures=1 duration=10 reason=CONN_FAILED'), undefined);
  assert.equal(parseWpaEvent('wlan0: CTRL-EVENT-NETWORK-NOT-FOUND'), 'not-found');
  assert.equal(parseWpaEvent('CTRL-EVENT-DISCONNECTED bssid=00:11:22:33:44:55 reason=3 locally_generated=1'), 'disconnected');
  assert.equal(parseWpaEvent('wlan0: Trying to associate with 00:11:22:33:44:55 (SSID=\'CTRL-EVENT-CONNECTED\' freq=2412 MHz)'), undefined);
  assert.equal(parseWpaEvent(`wlan0: CTRL-EVENT-CONNECTED ${'x'.repeat(2000)}`), undefined);
  assert.deepEqual(parseStationEvent('wlan0: AP-STA-CONNECTED 02:AA:bb:cc:dd:ee'), { joined: true, mac: '02:aa:bb:cc:dd:ee' });
  assert.deepEqual(parseStationEvent('wlan0: AP-STA-DISCONNECTED 02:aa:bb:cc:dd:ee'), { joined: false, mac: '02:aa:bb:cc:dd:ee' });
  assert.equal(parseStationEvent('wlan0: AP-ENABLED'), undefined);
});

test('masq setup-code: the code, or claimed; anything else is an error that says what to check', () => {
  assert.deepEqual(parseSetupCodeOutput('Setup code: ABCD-EFGH\nOpen http://masq-3f2a.local/ and type it.\n'), { code: 'ABCD-EFGH' });
  assert.deepEqual(parseSetupCodeOutput('This box is already claimed: its admin password opens the setup page.\nLost it? ...\n'), { claimed: true });
  assert.throws(() => parseSetupCodeOutput('Error: the Daemon cannot be reached'), { code: 'WIFI', problem: 'internal' });
  assert.ok(usablePassphrase('ABCD-EFGH'));
  assert.ok(!usablePassphrase(`${'ABCD-'.repeat(15)}ABCD`), 'longer than WPA2 allows');
  assert.match(newHotspotCode(), /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
  assert.equal(newHotspotCode(() => 0), 'AAAA-AAAA');
});

test('the state file: valid fields kept, bad ones dropped, too large or not JSON refused', () => {
  assert.deepEqual(parseState('{"country":"GB","hotspotCode":"ABCD-EFGH","savedSsid":"Home"}'), { country: 'GB', hotspotCode: 'ABCD-EFGH', savedSsid: 'Home' });
  assert.deepEqual(parseState('{"country":"gbr","hotspotCode":"short","savedSsid":""}'), { country: '' });
  assert.deepEqual(parseState('null'), { country: '' });
  assert.throws(() => parseState('{'), { code: 'WIFI' });
  assert.throws(() => parseState(' '.repeat(5000)), { code: 'WIFI' });
});

test('join requests: each field checked, unknown fields refused', () => {
  assert.deepEqual(parseJoinRequest({ ssid: 'Home', password: 'correct horse', country: 'gb' }), { ssid: 'Home', password: 'correct horse', country: 'GB' });
  assert.deepEqual(parseJoinRequest({ ssid: 'Cafe', password: '', hidden: true, country: 'FR' }), { ssid: 'Cafe', hidden: true, country: 'FR' });
  assert.deepEqual(parseJoinRequest({ ssid: 'x', password: 'A'.repeat(64), country: 'US' }).password, 'A'.repeat(64));
  const refused = (body: unknown, why: RegExp): void => assert.throws(() => parseJoinRequest(body), (e: Error & { problem?: string }) => e.problem === 'bad-request' && why.test(e.message));
  refused(null, /not a JSON object/);
  refused([], /not a JSON object/);
  refused({ ssid: '', country: 'GB' }, /1 to 32 bytes/);
  refused({ ssid: 'é'.repeat(17), country: 'GB' }, /1 to 32 bytes; this one has 34/);
  refused({ ssid: 'Home', password: 'short', country: 'GB' }, /8 to 63/);
  refused({ ssid: 'Home', password: 'x'.repeat(64), country: 'GB' }, /8 to 63/);
  refused({ ssid: 'Home', password: 'pässwörter', country: 'GB' }, /printable ASCII/);
  refused({ ssid: 'Home', password: 12345678, country: 'GB' }, /not text/);
  refused({ ssid: 'Home', password: 'correct horse', country: 'G1' }, /two-letter/);
  refused({ ssid: 'Home', password: 'correct horse' }, /two-letter/);
  refused({ ssid: 'Home', country: 'GB', hidden: 'yes' }, /true or false/);
  refused({ ssid: 'Home', country: 'GB', psk: 'x' }, /unknown field 'psk'/);
});

test('the PSK: IEEE 802.11i\'s test vector; 64 hex digits are the PSK itself', () => {
  assert.equal(wpaPsk('password', Buffer.from('IEEE')), 'f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e');
  assert.equal(pskOf('F'.repeat(64), Buffer.from('x')), 'f'.repeat(64));
});

test('hostapd.conf: WPA2-PSK with the key, not the passphrase; the country when set', () => {
  const conf = hostapdConf({ iface: 'wlan0', ssid: 'MASQ-Setup-3F2A', psk: 'a'.repeat(64), channel: 6, country: 'GB' });
  for (const line of ['interface=wlan0', 'driver=nl80211', 'ssid=MASQ-Setup-3F2A', 'hw_mode=g', 'channel=6', 'wpa=2', 'wpa_key_mgmt=WPA-PSK', 'rsn_pairwise=CCMP', `wpa_psk=${'a'.repeat(64)}`, 'country_code=GB', 'ieee80211d=1']) {
    assert.match(conf, new RegExp(`^${line}$`, 'm'), line);
  }
  assert.doesNotMatch(conf, /wpa_passphrase/);
  assert.doesNotMatch(hostapdConf({ iface: 'wlan0', ssid: 'x', psk: 'a'.repeat(64), channel: 11, country: '' }), /country_code|ieee80211d/);
});

test('wpa_supplicant.conf: plain names quoted, odd ones (quotes, control bytes, non-ASCII) as hex', () => {
  assert.equal(wpaSsid(Buffer.from('Home')), '"Home"');
  assert.equal(wpaSsid(Buffer.from('a\\b')), '"a\\b"');
  assert.equal(wpaSsid(Buffer.from('say "hi"')), Buffer.from('say "hi"').toString('hex'));
  assert.equal(wpaSsid(Buffer.from('Café')), Buffer.from('Café').toString('hex'));
  assert.equal(wpaSsid(Buffer.from([0x41, 0x0a, 0x42])), '410a42');
  const conf = wpaClientConf({ ssid: Buffer.from('Home'), psk: 'b'.repeat(64), hidden: true, country: 'GB' });
  assert.equal(conf, `# The Wi-Fi network joined from the setup page (masq-wifi).\ncountry=GB\n\nnetwork={\n\tssid="Home"\n\tscan_ssid=1\n\tkey_mgmt=WPA-PSK WPA-PSK-SHA256\n\tpsk=${'b'.repeat(64)}\n\tieee80211w=1\n}\n`);
  assert.match(wpaClientConf({ ssid: Buffer.from('Cafe'), hidden: false, country: '' }), /key_mgmt=NONE/);
  // A name cannot end the block or add a line: hex has neither braces nor newlines.
  assert.doesNotMatch(wpaClientConf({ ssid: Buffer.from('x"\n}\nnetwork={'), hidden: false, country: '' }), /^}\nnetwork/m);
});

test('the saved file as masq-wifi runs it: Imager\'s control socket line dropped; a network is recognised', () => {
  const imager = 'ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev\ncountry=GB\n\nnetwork={\n\tssid="Home"\n\tpsk="secret12"\n}\n';
  assert.equal(clientCopy(imager), 'country=GB\n\nnetwork={\n\tssid="Home"\n\tpsk="secret12"\n}\n');
  assert.equal(clientCopy('x'.repeat(70_000)), undefined);
  assert.ok(hasNetwork(imager));
  assert.ok(!hasNetwork('country=GB\n'));
});

test('networkd, the firewall, names and addresses', () => {
  const net = hotspotNetworkFile('wlan0', '192.168.4.1', 24);
  for (const line of ['Name=wlan0', 'Address=192.168.4.1/24', 'DHCP=no', 'LinkLocalAddressing=no', 'ConfigureWithoutCarrier=yes']) assert.match(net, new RegExp(`^${line}$`, 'm'));
  const fw = hotspotRuleset('wlan0');
  assert.match(fw, /iifname "wlan0" udp dport \{ 53, 67 \} accept/);
  assert.match(fw, /iifname "wlan0" tcp dport 80 accept/);
  assert.match(fw, /meta l4proto tcp reject with tcp reset/);
  assert.match(fw, /meta l4proto udp reject with icmpx type port-unreachable/);
  assert.match(fw, /^table inet masq_hotspot \{$/m);
  assert.equal(hotspotSsid('masq-3f2a', 'b8:27:eb:00:00:01'), 'MASQ-Setup-3F2A');
  assert.equal(hotspotSsid('my-box', 'b8:27:eb:12:ab:cd'), 'MASQ-Setup-ABCD');
  assert.equal(boxName('masq-3f2a'), 'masq-3f2a.local');
  const ifaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [{ address: '192.168.1.9', family: 'IPv4', internal: false }, { address: 'fe80::1', family: 'IPv6', internal: false }],
    wlan0: [{ address: '192.168.4.1', family: 'IPv4', internal: false }, { address: '169.254.3.4', family: 'IPv4', internal: false }],
    docker0: [{ address: '172.17.0.1', family: 'IPv4', internal: false }],
  } as never;
  assert.deepEqual(networkFacts(ifaces, 'wlan0', '192.168.4.1'), { wired: ['192.168.1.9'], wifi: [] });
  assert.deepEqual(networkFacts(ifaces, 'wlan0', '192.168.4.1', new Set(['eth0'])), { wired: [], wifi: [] }, 'an ignored port is no network');
});

test('hotspot-ignore: a comma-separated list of port names, none by default, anything else refused by name', () => {
  assert.deepEqual(hotspotIgnored({}, {}), []);
  assert.deepEqual(hotspotIgnored({ 'hotspot-ignore': ' usb0, enp0s1 ' }, {}), ['usb0', 'enp0s1']);
  assert.deepEqual(hotspotIgnored({ 'hotspot-ignore': 'usb0' }, { 'hotspot-ignore': '' }), []);
  assert.throws(() => hotspotIgnored({ 'hotspot-ignore': 'eth0;reboot' }, {}), /'eth0;reboot' is not a network port's name/);
  assert.throws(() => hotspotIgnored({ 'hotspot-ignore': 'a-very-long-port-name' }, {}), /not a network port's name/);
});

test('hotspot-delay: the environment over the file over the default, within 10..3600 s', () => {
  assert.equal(hotspotDelayMs({}, {}), 60_000);
  assert.equal(hotspotDelayMs({ 'hotspot-delay': '120' }, {}), 120_000);
  assert.equal(hotspotDelayMs({ 'hotspot-delay': '120' }, { 'hotspot-delay': '30' }), 30_000);
  assert.throws(() => hotspotDelayMs({ 'hotspot-delay': '5' }, {}), /between 10 and 3600/);
  assert.throws(() => hotspotDelayMs({ 'hotspot-delay': 'soon' }, {}), /whole number/);
});

test('dnsmasq: masq-wifi\'s own options on its command line, and a configuration that sets one of them refused', () => {
  assert.deepEqual(dnsmasqArgs('/run/masq-wifi/radio/dnsmasq.conf', '/run/masq-wifi/radio/dnsmasq.leases'), [
    '--keep-in-foreground', '--conf-file=/run/masq-wifi/radio/dnsmasq.conf', '--pid-file=', '--user=root', '--group=', '--log-facility=-',
    '--dhcp-leasefile=/run/masq-wifi/radio/dnsmasq.leases',
  ]);
  assert.equal(dnsmasqConfProblem('interface=wlan0\nbind-interfaces\ndhcp-range=192.168.4.10,192.168.4.250,10m\naddress=/#/192.168.4.1\n'), undefined);
  assert.match(dnsmasqConfProblem('interface=wlan0\nuser=dnsmasq\n') ?? '', /sets user/);
  assert.match(dnsmasqConfProblem('  pid-file=/run/dnsmasq.pid\n') ?? '', /sets pid-file/);
  assert.equal(dnsmasqConfProblem('# user=dnsmasq\n'), undefined, 'a comment is no option');
});
