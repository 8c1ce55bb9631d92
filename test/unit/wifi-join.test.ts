// masq-wifi's join logic against a scripted radio: the hotspot after the delay, then each outcome of a join from
// the page in its own test. After every failure the hotspot is back at once and the saved network unchanged;
// after a success it stays down and the network is saved (as a PSK, never the password).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { booted, FakeRadio } from '../helpers/wifi-radio.js';
import { wpaPsk } from '../../src/wifi/psk.js';

const CONNECTED = 'wlan0: CTRL-EVENT-CONNECTED - Connection to 00:11:22:33:44:55 completed [id=0 id_str=]';
const WRONG_KEY = 'wlan0: CTRL-EVENT-SSID-TEMP-DISABLED id=0 ssid="Home" auth_failures=1 duration=10 reason=WRONG_KEY';
const NOT_FOUND = 'wlan0: CTRL-EVENT-NETWORK-NOT-FOUND';
const PASSWORD = 'correct horse battery';

/** A box that has been without a network for the delay: its hotspot is up. */
async function onHotspot(t: { after(f: () => Promise<void>): void }) {
  const box = booted(t);
  const { radio, time } = box;
  await time.advance(58_000);
  assert.equal(box.manager.status().mode, 'waiting', 'no hotspot before the delay');
  assert.equal(radio.hotspotStarts, 0);
  await time.advance(4000);
  assert.equal(box.manager.status().mode, 'hotspot');
  assert.equal(radio.hotspot?.ssid, 'MASQ-Setup-3F2A');
  assert.deepEqual(radio.scans, [false], 'scanned before the hotspot came up');
  return box;
}

async function joinHome(box: Awaited<ReturnType<typeof onHotspot>>, script: (say: (...l: string[]) => void) => void) {
  box.radio.onClient = (c) => script((...l) => c.say(...l));
  const answer = box.manager.join({ ssid: 'Home', password: PASSWORD, country: 'GB' });
  assert.equal(answer.mode, 'joining', 'the answer comes at once, in joining');
  assert.ok(box.radio.hotspot, 'the hotspot stays up until the answer has reached the phone');
  await box.time.advance(1000);
  assert.equal(box.radio.clients.length, 1);
  assert.equal(box.radio.clientBesideHotspot, false, 'the hotspot is down while joining');
}

function assertHotspotBack(box: Awaited<ReturnType<typeof onHotspot>>): void {
  assert.equal(box.manager.status().mode, 'hotspot');
  assert.ok(box.radio.hotspot, 'the hotspot is back');
  assert.equal(box.radio.hotspotStarts, 2);
  assert.equal(box.radio.client(), undefined, 'the attempt\'s wpa_supplicant is stopped');
  assert.equal(box.radio.saved, undefined, 'nothing was saved');
}

test('the hotspot: WPA2 with the setup code\'s PSK, remembered for later, never logged', async (t) => {
  const box = await onHotspot(t);
  assert.equal(box.radio.hotspot?.psk, wpaPsk('ABCD-EFGH', Buffer.from('MASQ-Setup-3F2A')));
  assert.equal(box.state().hotspotCode, 'ABCD-EFGH');
  assert.ok(box.secrets.has('ABCD-EFGH'));
  assert.ok(!box.logs.join('').includes('ABCD-EFGH'));
});

test('join succeeds: online with its address and name, the hotspot stays down, the network saved as a PSK', async (t) => {
  const box = await onHotspot(t);
  await joinHome(box, (say) => {
    say(CONNECTED);
    box.radio.addr = '192.168.1.50';
  });
  await box.time.advance(2000);
  const s = box.manager.status();
  assert.equal(s.mode, 'online');
  assert.equal(s.lastJoin?.outcome, 'joined');
  assert.equal(s.lastJoin?.address, '192.168.1.50');
  assert.equal(s.lastJoin?.name, 'masq-3f2a.local');
  assert.match(s.lastJoin?.message ?? '', /192\.168\.1\.50.*masq-3f2a\.local/);
  assert.deepEqual(s.addresses, ['192.168.1.50']);
  assert.equal(s.ssid, 'Home');
  assert.equal(s.country, 'GB');
  assert.equal(box.radio.country, 'GB', 'iw reg set');
  assert.match(box.radio.saved ?? '', new RegExp(`psk=${wpaPsk(PASSWORD, Buffer.from('Home'))}`));
  assert.match(box.radio.saved ?? '', /^country=GB$/m);
  assert.ok(!(box.radio.saved ?? '').includes(PASSWORD));
  assert.ok(!box.logs.join('').includes(PASSWORD), 'the password never reaches the log');
  await box.time.advance(10 * 60_000);
  assert.equal(box.radio.hotspot, undefined, 'the hotspot stays down');
  assert.equal(box.radio.hotspotStarts, 1);
  assert.ok(box.radio.client() && !box.radio.client()?.stopped, 'the joined wpa_supplicant keeps running');
});

test('wrong password: the outcome says so and the hotspot is back at once', async (t) => {
  const box = await onHotspot(t);
  await joinHome(box, (say) => say(WRONG_KEY));
  await box.time.advance(0);
  assert.equal(box.manager.status().lastJoin?.outcome, 'wrong-password');
  assert.match(box.manager.status().lastJoin?.message ?? '', /refused the password/);
  assertHotspotBack(box);
});

test('network not found: after three scans without it', async (t) => {
  const box = await onHotspot(t);
  await joinHome(box, (say) => say(NOT_FOUND, NOT_FOUND));
  assert.equal(box.manager.status().mode, 'joining', 'two scans are not enough');
  box.radio.client()?.say(NOT_FOUND);
  await box.time.advance(0);
  assert.equal(box.manager.status().lastJoin?.outcome, 'not-found');
  assertHotspotBack(box);
});

test('no DHCP lease: connected, but no address within the lease wait', async (t) => {
  const box = await onHotspot(t);
  await joinHome(box, (say) => say(CONNECTED));
  await box.time.advance(19_000);
  assert.equal(box.manager.status().mode, 'joining');
  await box.time.advance(2000);
  assert.equal(box.manager.status().lastJoin?.outcome, 'no-lease');
  assertHotspotBack(box);
});

test('nothing decisive: failed at the overall time limit; wpa_supplicant dying: failed at once', async (t) => {
  const box = await onHotspot(t);
  await joinHome(box, () => undefined);
  await box.time.advance(60_000);
  assert.equal(box.manager.status().lastJoin?.outcome, 'failed');
  assertHotspotBack(box);
  box.radio.onClient = (c) => c.die();
  box.manager.join({ ssid: 'Home', password: PASSWORD, country: 'GB' });
  await box.time.advance(1000);
  assert.equal(box.manager.status().lastJoin?.outcome, 'failed');
  assert.ok(box.radio.hotspot);
});

test('refusals: a second join meanwhile, WEP and enterprise networks, a protected network without a password, no radio', async (t) => {
  const box = await onHotspot(t);
  box.radio.networksInRange.push({ ssid: 'Old', signalDbm: -60, security: 'wep' }, { ssid: 'Corp', signalDbm: -60, security: 'enterprise' });
  await box.time.advance(31_000);
  await box.manager.networks();
  assert.throws(() => box.manager.join({ ssid: 'Old', password: PASSWORD, country: 'GB' }), { problem: 'unsupported' });
  assert.throws(() => box.manager.join({ ssid: 'Corp', password: PASSWORD, country: 'GB' }), { problem: 'unsupported' });
  assert.throws(() => box.manager.join({ ssid: 'Home', country: 'GB' }), { problem: 'bad-request' });
  box.manager.join({ ssid: 'Home', password: PASSWORD, country: 'GB' });
  assert.throws(() => box.manager.join({ ssid: 'Home', password: PASSWORD, country: 'GB' }), { problem: 'busy' });
  box.radio.isPresent = false;
  assert.throws(() => box.manager.join({ ssid: 'Home', password: PASSWORD, country: 'GB' }), { problem: 'no-radio' });
});

test('an open network joins without a key', async (t) => {
  const box = await onHotspot(t);
  box.radio.onClient = (c) => {
    c.say(CONNECTED);
    box.radio.addr = '10.0.0.7';
  };
  box.manager.join({ ssid: 'Cafe', country: 'FR' });
  await box.time.advance(3000);
  assert.equal(box.manager.status().lastJoin?.outcome, 'joined');
  assert.match(box.radio.saved ?? '', /key_mgmt=NONE/);
  assert.doesNotMatch(box.radio.saved ?? '', /psk=/);
});

test('a wired link: no hotspot; losing it for the delay brings the hotspot; it goes when the cable is back', async (t) => {
  const box = booted(t);
  const { radio, time } = box;
  radio.wired = ['192.168.1.9'];
  await time.advance(5 * 60_000);
  assert.equal(box.manager.status().mode, 'online');
  assert.deepEqual(box.manager.status().addresses, ['192.168.1.9']);
  assert.equal(radio.hotspotStarts, 0);
  radio.wired = [];
  await time.advance(30_000);
  assert.equal(box.manager.status().mode, 'waiting');
  await time.advance(32_000);
  assert.equal(box.manager.status().mode, 'hotspot');
  radio.wired = ['192.168.1.9'];
  await time.advance(2000);
  assert.equal(box.manager.status().mode, 'online');
  assert.equal(radio.hotspot, undefined);
});

test('the saved network runs as the client at boot; an idle hotspot finds it again after a power cut', async (t) => {
  const box = booted(t, { saved: 'network={\n\tssid="Home"\n\tpsk=0000\n}\n', state: { country: 'GB', savedSsid: 'Home', hotspotCode: 'WXYZ-2345' } });
  const { radio, time } = box;
  await time.advance(0);
  assert.equal(radio.clients.length, 1, 'wpa_supplicant started with the saved network');
  assert.equal(radio.country, 'GB', 'the remembered country is applied');
  // The router is still booting: nothing connects, and the hotspot comes up after the delay.
  await time.advance(62_000);
  assert.equal(box.manager.status().mode, 'hotspot');
  assert.ok(radio.clients[0]?.stopped, 'the client stops for the hotspot');
  assert.equal(radio.hotspot?.psk, wpaPsk('WXYZ-2345', Buffer.from('MASQ-Setup-3F2A')), 'the remembered passphrase');
  // The router is up; nobody is on the hotspot: it looks for the saved network and goes back to it.
  radio.onClient = (c) => {
    c.say(CONNECTED);
    radio.addr = '192.168.1.50';
  };
  await time.advance(5 * 60_000);
  assert.ok(radio.scans.includes(true), 'scanned from the hotspot');
  await time.advance(4000);
  assert.equal(box.manager.status().mode, 'online');
  assert.equal(box.manager.status().ssid, 'Home');
  assert.equal(radio.hotspot, undefined);
});

test('a phone on the hotspot keeps it: the saved network is not tried meanwhile', async (t) => {
  const box = booted(t, { saved: 'network={\n\tssid="Home"\n}\n', state: { country: '', savedSsid: 'Home' } });
  const { radio, time } = box;
  await time.advance(62_000);
  radio.hotspotLine?.('wlan0: AP-STA-CONNECTED 02:aa:bb:cc:dd:ee');
  await time.advance(20 * 60_000);
  assert.equal(box.manager.status().mode, 'hotspot');
  assert.equal(radio.hotspotStarts, 1);
  radio.hotspotLine?.('wlan0: AP-STA-DISCONNECTED 02:aa:bb:cc:dd:ee');
  await time.advance(4000);
  assert.equal(box.manager.status().mode, 'joining', 'once it is idle (and has been up for long), the saved network is tried');
  await time.advance(62_000);
  assert.equal(box.manager.status().mode, 'hotspot', 'the router is not back yet: the hotspot is');
  assert.equal(box.manager.status().lastJoin, undefined, 'no page join to report');
});

test('a claimed box with nothing remembered: a new passphrase of the setup code\'s form, and the log says where it is', async (t) => {
  const box = booted(t, { setupCode: { claimed: true } });
  const { time } = box;
  await time.advance(62_000);
  assert.match(box.state().hotspotCode ?? '', /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
  assert.ok(box.logs.some((l) => l.includes('/var/lib/masq-wifi/state.json')));
  assert.ok(!box.logs.join('').includes(box.state().hotspotCode ?? '?'));
});

test('the Daemon not answering: no hotspot yet, tried again later; no radio: said once, status radio false', async (t) => {
  const box = booted(t, { setupCode: new Error('masq setup-code failed: connection refused') });
  const { radio, time } = box;
  await time.advance(62_000);
  assert.equal(radio.hotspot, undefined);
  assert.ok(box.logs.some((l) => /hotspot could not be started.*connection refused/.test(l)));
  await time.advance(32_000);
  assert.equal(box.logs.filter((l) => l.includes('hotspot could not be started')).length, 2, 'tried again after retryMs');

  const none = new FakeRadio();
  none.isPresent = false;
  const other = booted(t, { radio: none, time });
  await time.advance(10 * 60_000);
  assert.equal(other.manager.status().radio, false);
  assert.equal(other.manager.status().mode, 'waiting');
  assert.equal(other.logs.filter((l) => l.includes('no Wi-Fi radio')).length, 1);
  assert.equal(none.hotspotStarts, 0);
});
