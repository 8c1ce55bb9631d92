// The hotspot and the captive portal with real radios (make image-test): the booted image's own kernel loads
// mac80211_hwsim with three radios. wlan0 stays the box's; a "phone" (wpa_supplicant in a network namespace on the
// second radio) joins MASQ-Setup-ABCD, gets a lease from the box's dnsmasq and is sent to the page by its probes; a
// "home" access point (hostapd, WPA2, with its own DHCP, on the third radio in its own namespace) is then chosen
// through the page's own HTTP API, first with a wrong password (reported; the hotspot comes back), then with the
// right one (the box joins, the hotspot goes away, the page answers on the home network's address).
// The box's wired link carries ssh to the test, so the test tells masq-wifi not to count it as a network
// (hotspot-ignore, meant for a USB cable to a computer).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { waitFor } from '../helpers/processes.js';
import { bootCard, freshCard, giveSshKey, USER } from './card-box.js';
import { type GuestAnswer, guestConnect, guestHttp, installGuestHttp } from './guest-http.js';
import type { QemuBox } from './qemu-box.js';

const MAC = '52:54:00:12:ab:ce';
const SSID = 'MASQ-Setup-ABCE';
const FIRST_BOOT_MS = 20 * 60_000;
const CODE = /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/;
const HOME_SSID = 'Home Net';
const HOME_PASSWORD = 'correct home pass';
const ADMIN_PASSWORD = 'a long enough admin password';
const PAGE = 'http://192.168.4.1';

let tmp = '';
let key = '';
let box: QemuBox | undefined;
let code = '';
let cookie = '';

async function sh(command: string, timeoutMs = 120_000): Promise<string> {
  assert.ok(box, 'the box is running');
  const r = await box.ssh(key, USER, command, timeoutMs);
  assert.equal(r.code, 0, `${command} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const phone = (o: { method?: string; url: string; body?: unknown; cookie?: string }): Promise<GuestAnswer> => guestHttp(box as QemuBox, key, USER, 'phone', o);

/** masq-wifi's status, asked on its socket as root. */
async function wifiStatus(): Promise<{ mode: string; lastJoin?: { outcome: string; address?: string; ssid: string }; addresses: string[] }> {
  const out = await sh(`sudo node -e "require('http').get({socketPath:'/run/masq-wifi/api.sock',path:'/status',timeout:10000},(r)=>{let t='';r.on('data',(d)=>t+=d);r.on('end',()=>console.log(t))}).on('error',(e)=>console.log(JSON.stringify({mode:'error '+e.code})))"`);
  return JSON.parse(out.trim()) as { mode: string; addresses: string[] };
}

/** What the box's radio is doing: 'AP' with the hotspot, 'managed' as a client. */
async function radioType(): Promise<string> {
  return /type (\S+)/.exec(await sh('sudo iw dev wlan0 info'))?.[1] ?? '';
}

before(async () => {
  tmp = mkdtempSync('/var/tmp/masq-wifi-test-');
  const card = await freshCard(tmp, 'card.img');
  key = await giveSshKey(card, tmp);
  box = await bootCard({ dir: tmp, card, machine: 'virt', label: 'wifi', mac: MAC });
  await box.waitSsh(key, USER, FIRST_BOOT_MS);
  await waitFor('the boot to finish', async () => /^(running|degraded)$/m.test((await box!.ssh(key, USER, 'systemctl is-system-running')).stdout), FIRST_BOOT_MS, 5000);
  await installGuestHttp(box, key, USER);
  code = CODE.exec(await sh('masq setup-code'))?.[1] ?? '';
  assert.ok(code, 'the box has a setup code');
});

after(async () => {
  // What masq-wifi said, for whoever reads a failure.
  if (box?.running) console.log((await box.ssh(key, USER, 'sudo journalctl -b --no-pager -o short-monotonic -u masq-wifi -u systemd-networkd | tail -n 150')).stdout);
  await box?.kill();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the hotspot and the captive portal on mac80211_hwsim radios', () => {
  test('with no network the box brings up its hotspot, WPA2 with the setup code', async () => {
    assert.equal((await sh('systemctl is-enabled masq-wifi.service')).trim(), 'enabled');
    // Three radios: wlan0 the box's, wlan1 the phone's, wlan2 the home access point's, each in its namespace.
    await sh('sudo modprobe mac80211_hwsim radios=3');
    await waitFor('three radios', async () => (await sh('sudo iw dev')).match(/Interface wlan\d/g)?.length === 3, 60_000, 2000);
    await sh('sudo ip netns add phone && sudo ip netns add home && sudo iw phy phy1 set netns name phone && sudo iw phy phy2 set netns name home');
    const wired = (await sh(`ip -o link | awk -F': ' '/${MAC}/ { print $2 }'`)).trim();
    assert.ok(wired, 'the wired port');
    await sh(`printf 'hotspot-delay = 10\\nhotspot-ignore = "${wired}"\\n' | sudo tee -a /etc/masq/config.toml && sudo systemctl restart masq-wifi.service`);
    const restarted = Date.now();
    await waitFor('the hotspot', async () => (await wifiStatus()).mode === 'hotspot' && (await radioType()) === 'AP', 180_000, 3000);
    console.log(`hotspot up ${Math.round((Date.now() - restarted) / 1000)} s after masq-wifi restarted (hotspot-delay 10 s; emulated, no KVM)`);
    assert.match(await sh('sudo iw dev wlan0 info'), new RegExp(`ssid ${SSID}`));
    assert.match(await sh('ip -4 -o addr show wlan0'), /192\.168\.4\.1\/24/);
    // What the hotspot costs the box: resident memory of each process that serves it (docs/PERFORMANCE.md).
    const rss = await sh('for p in $(systemctl show -p MainPID --value masq-wifi.service) $(pgrep -x hostapd) $(pgrep -x dnsmasq); do ps -o comm=,rss= -p $p; done');
    console.log(`hotspot memory (KiB): ${rss.trim().replace(/\s*\n\s*/g, '; ')}`);
  });

  test('a phone joins it, gets a lease and DNS, and every probe leads to the page', async () => {
    await sh(`printf 'ctrl_interface=/run/phone-wpa\\nnetwork={\\n ssid="${SSID}"\\n psk="${code}"\\n}\\n' | sudo tee /run/phone.conf >/dev/null && sudo ip netns exec phone ip link set wlan1 up && sudo ip netns exec phone wpa_supplicant -B -i wlan1 -c /run/phone.conf`);
    await waitFor('the phone to associate', async () => /wpa_state=COMPLETED/.test((await box!.ssh(key, USER, 'sudo ip netns exec phone wpa_cli -p /run/phone-wpa -i wlan1 status')).stdout), 120_000, 2000);
    await sh('sudo ip netns exec phone /usr/lib/klibc/bin/ipconfig -t 60 -c dhcp -d wlan1', 120_000);
    const lease = await sh('cat /run/net-wlan1.conf');
    assert.match(lease, /IPV4ADDR='?192\.168\.4\.\d+/);
    assert.match(lease, /IPV4DNS0='?192\.168\.4\.1/);
    await sh('sudo mkdir -p /etc/netns/phone && echo nameserver 192.168.4.1 | sudo tee /etc/netns/phone/resolv.conf >/dev/null');
    const apple = await phone({ url: 'http://captive.apple.com/hotspot-detect.html' });
    assert.equal(apple.status, 302, JSON.stringify(apple));
    assert.equal(apple.location, `${PAGE}/`);
    const android = await phone({ url: 'http://connectivitycheck.gstatic.com/generate_204' });
    assert.notEqual(android.status, 204);
    assert.equal(android.location, `${PAGE}/`);
    const page = await phone({ url: `${PAGE}/` });
    assert.equal(page.status, 200);
    assert.match(page.body ?? '', /<html/i);
    assert.equal((await guestConnect(box!, key, USER, 'phone', 'captive.apple.com', 443)).error, 'ECONNREFUSED', 'HTTPS is refused at once');
    // The hotspot's firewall: only DHCP, DNS and the page; ssh (listening on every address) is refused there too.
    assert.equal((await guestConnect(box!, key, USER, 'phone', '192.168.4.1', 22)).error, 'ECONNREFUSED', 'nothing but the page on the hotspot');
  });

  test('a wrong password for the home network is reported on the page, and the hotspot comes back', async () => {
    await sh(`printf 'interface=wlan2\\ndriver=nl80211\\nssid=${HOME_SSID}\\nhw_mode=g\\nchannel=1\\nwpa=2\\nwpa_key_mgmt=WPA-PSK\\nrsn_pairwise=CCMP\\nwpa_passphrase=${HOME_PASSWORD}\\n' | sudo tee /run/home-ap.conf >/dev/null`);
    await sh('sudo ip netns exec home ip addr add 10.99.0.1/24 dev wlan2 && sudo ip netns exec home ip link set wlan2 up');
    await sh('sudo ip netns exec home hostapd -B /run/home-ap.conf');
    await sh('sudo ip netns exec home dnsmasq --port=0 --interface=wlan2 --bind-interfaces --dhcp-range=10.99.0.50,10.99.0.99,5m --dhcp-leasefile=/run/home.leases --pid-file=/run/home-dnsmasq.pid');
    const claim = await phone({ method: 'POST', url: `${PAGE}/api/claim/code`, body: { code } });
    assert.equal(claim.status, 200, JSON.stringify(claim));
    const pw = await phone({ method: 'POST', url: `${PAGE}/api/claim/password`, body: { password: ADMIN_PASSWORD }, cookie: claim.cookie ?? '' });
    assert.equal(pw.status, 200, JSON.stringify(pw));
    cookie = pw.cookie || claim.cookie || '';
    const networks = await waitFor('the home network in the page\'s list', async () => {
      const r = await phone({ url: `${PAGE}/api/wifi/networks`, cookie });
      return r.status === 200 && (r.body ?? '').includes(HOME_SSID) ? r : undefined;
    }, 120_000, 5000);
    assert.match(networks.body ?? '', /wpa2/);
    const join = await phone({ method: 'POST', url: `${PAGE}/api/wifi/join`, body: { ssid: HOME_SSID, password: 'not the password', country: 'CZ' }, cookie });
    assert.ok(join.status === 200 || join.status === 202, JSON.stringify(join));
    const outcome = await waitFor('the page to tell the outcome', async () => {
      const r = await phone({ url: `${PAGE}/api/wifi`, cookie });
      return r.status === 200 && /"lastJoin"/.test(r.body ?? '') ? JSON.parse(r.body ?? '{}') as { mode: string; lastJoin: { outcome: string; message: string } } : undefined;
    }, 240_000, 5000);
    assert.equal(outcome.lastJoin.outcome, 'wrong-password', outcome.lastJoin.message);
    assert.equal(outcome.mode, 'hotspot');
    assert.equal(await radioType(), 'AP');
  });

  test('the right password: the box joins, the hotspot goes away, and the page answers on the home network', async () => {
    const join = await phone({ method: 'POST', url: `${PAGE}/api/wifi/join`, body: { ssid: HOME_SSID, password: HOME_PASSWORD, country: 'CZ' }, cookie });
    assert.ok(join.status === 200 || join.status === 202, JSON.stringify(join));
    const joined = await waitFor('the box to join the home network', async () => {
      const s = await wifiStatus();
      return s.lastJoin?.outcome === 'joined' && s.lastJoin.ssid === HOME_SSID ? s : undefined;
    }, 240_000, 5000);
    assert.equal(joined.mode, 'online');
    const address = joined.lastJoin?.address ?? '';
    assert.match(address, /^10\.99\.0\.\d+$/);
    assert.equal(await radioType(), 'managed');
    assert.match(await sh('sudo iw dev wlan0 link'), new RegExp(`SSID: ${HOME_SSID}`));
    const state = await guestHttp(box!, key, USER, 'home', { url: `http://${address}/api/state` });
    assert.equal(state.status, 200, JSON.stringify(state));
    assert.match(state.body ?? '', /"phase":"login"/, 'the claimed box asks this new browser to log in');
    // The phone sees the hotspot no more.
    // The phone's own wpa_supplicant may be scanning the same radio (EBUSY): the scan is tried again a few times.
    const scan = await waitFor('a scan on the phone\'s radio', async () => {
      const r = await (box as QemuBox).ssh(key, USER, 'sudo ip netns exec phone iw dev wlan1 scan', 120_000);
      if (r.code === 0) return { out: r.stdout };
      assert.match(r.stderr, /Device or resource busy/, `the scan failed (${r.code}): ${r.stderr}`);
      return undefined;
    }, 60_000, 2000);
    assert.doesNotMatch(scan.out, new RegExp(SSID));
  });
});
