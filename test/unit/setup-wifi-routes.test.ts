// The page server's Wi-Fi routes with a scripted masq-wifi: only a session may use them; the join form is checked
// field by field (odd SSIDs pass as they are, 33 bytes do not); the password reaches masq-wifi and no answer or log;
// a box whose network masq-wifi does not manage answers WIFI_UNAVAILABLE.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CSRF_HEADER, ROUTES, type RouteName } from '../../src/setup/api.js';
import { isUnavailable, networksAnswer } from '../../src/setup/wifi-routes.js';
import { ADMIN_PASSWORD } from '../helpers/setup-page.js';
import { noSocket, ODD_NETWORKS, ScriptedWifi, type WifiPage, wifiPage } from '../helpers/wifi-page.js';
import type { WifiControl, WifiNetwork } from '../../src/wifi/index.js';
import { createWifiClient } from '../../src/wifi/index.js';

const HOST = { host: '192.168.4.1' };
const POST = { ...HOST, [CSRF_HEADER]: '1', 'content-type': 'application/json' };
const SECRET = 'hunter2 is not enough';

function call(p: WifiPage, name: RouteName, body: unknown, cookie = '') {
  const r = ROUTES[name];
  return p.page.app.inject({ method: r.method, url: r.path, headers: { ...(r.method === 'POST' ? POST : HOST), cookie }, ...(r.method === 'POST' ? { payload: JSON.stringify(body) } : {}) });
}

/** A page server (no files: these tests use the API only), its log, and an admin session's cookie. */
async function open(wifi: WifiControl | undefined): Promise<{ p: WifiPage; log: string[]; cookie: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'masq-wifi-page-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  const log: string[] = [];
  const p = wifiPage(dir, wifi, log);
  p.box.claimed = true;
  const res = await call(p, 'login', { password: ADMIN_PASSWORD });
  assert.equal(res.statusCode, 200, res.body);
  return { p, log, dir, cookie: String(res.headers['set-cookie']).split(';')[0] ?? '' };
}

async function withPage(wifi: WifiControl | undefined, f: (o: Awaited<ReturnType<typeof open>>) => Promise<void>): Promise<void> {
  const o = await open(wifi);
  try {
    await f(o);
  } finally {
    await o.p.close();
    rmSync(o.dir, { recursive: true, force: true });
  }
}

const JOIN = { ssid: 'HomeNet', password: SECRET, country: 'GB' };

test('the Wi-Fi routes need an admin session', async () => {
  await withPage(new ScriptedWifi(), async ({ p }) => {
    for (const name of ['wifiStatus', 'wifiNetworks', 'wifiJoin'] as const) {
      const res = await call(p, name, JOIN);
      assert.equal(res.statusCode, 401, `${name}: ${res.body}`);
      assert.equal(res.json().error.code, 'NOT_LOGGED_IN');
    }
  });
});

test('status and networks: masq-wifi\'s fields only, the networks named and strongest first', async () => {
  const wifi = new ScriptedWifi();
  const unnamed: WifiNetwork = { ssid: '', signalDbm: -40, security: 'wpa2' };
  wifi.networksInRange = [...ODD_NETWORKS, unnamed].map((n) => ({ ...n, bssid: 'aa:bb' }) as WifiNetwork);
  await withPage(wifi, async ({ p, cookie }) => {
    const status = await call(p, 'wifiStatus', {}, cookie);
    assert.equal(status.statusCode, 200, status.body);
    assert.deepEqual(status.json(), { mode: 'hotspot', hotspot: { ssid: 'MASQ-Setup-7F3A', address: '192.168.4.1' }, addresses: [], country: '', name: 'masq-7f3a.local', radio: true });
    const list = (await call(p, 'wifiNetworks', {}, cookie)).json().networks as Array<{ ssid: string; signalDbm: number }>;
    assert.deepEqual(list.map((n) => n.ssid), ['HomeNet', 'Library guests', '<b>x</b>', 'Café ☕ 🏠', 'A'.repeat(32), '"quoted" <script>window.__x=1</script>']);
    assert.ok(list.every((n) => Object.keys(n).join() === 'ssid,signalDbm,security'), 'no field masq-wifi added');
  });
});

test('join: masq-wifi gets the password; no answer and no log line holds it; the outcome comes as lastJoin', async () => {
  const wifi = new ScriptedWifi();
  wifi.joinMs = 10;
  wifi.outcomes = ['wrong-password'];
  await withPage(wifi, async ({ p, cookie, log }) => {
    const answers: string[] = [];
    const started = await call(p, 'wifiJoin', { ...JOIN, hidden: true }, cookie);
    answers.push(started.body);
    assert.equal(started.statusCode, 200, started.body);
    assert.equal(started.json().mode, 'joining');
    assert.deepEqual(wifi.joins, [{ ...JOIN, hidden: true }]);
    await new Promise((r) => setTimeout(r, 300));
    const after = await call(p, 'wifiStatus', {}, cookie);
    answers.push(after.body);
    assert.equal(after.json().lastJoin.outcome, 'wrong-password');
    // A manager that repeats the request in its failure: the page says something else.
    const echo: WifiControl = { status: () => wifi.status(), networks: () => wifi.networks(), join: async (r) => { throw new Error(`cannot join with ${r.password ?? ''}`); } };
    await withPage(echo, async (o) => {
      const res = await call(o.p, 'wifiJoin', JOIN, o.cookie);
      answers.push(res.body);
      assert.equal(res.json().error.code, 'WIFI_FAILED');
      log.push(...o.log);
    });
    for (const text of [...answers, ...log]) assert.ok(!text.includes(SECRET), `the password leaked: ${text}`);
  });
});

test('join: each bad field is refused by name, before masq-wifi hears of it', async () => {
  const wifi = new ScriptedWifi();
  await withPage(wifi, async ({ p, cookie }) => {
    const cases: Array<[Record<string, unknown>, RegExp, string | undefined]> = [
      [{ ...JOIN, ssid: '' }, /'ssid'/, undefined],
      [{ ...JOIN, ssid: 'é'.repeat(17) }, /at most 32 bytes; this one has 34/, 'ssid'],
      [{ ...JOIN, ssid: 'x'.repeat(33) }, /'ssid'/, undefined],
      [{ ...JOIN, password: 'short' }, /8 to 63 characters.*this one has 5/, 'password'],
      [{ ...JOIN, password: 'g'.repeat(64) }, /this one has 64/, 'password'],
      [{ ...JOIN, password: 'x'.repeat(65) }, /'password'/, undefined],
      [{ ...JOIN, country: 'gb' }, /'country'/, undefined],
      [{ ssid: 'HomeNet' }, /'country'/, undefined],
      [{ ...JOIN, hidden: 'yes' }, /'hidden'/, undefined],
      [{ ...JOIN, bssid: 'aa' }, /'bssid'/, undefined],
    ];
    for (const [body, message, field] of cases) {
      const res = await call(p, 'wifiJoin', body, cookie);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      assert.match(res.json().error.message, message);
      assert.equal(res.json().error.field, field);
      assert.ok(!res.body.includes(SECRET));
    }
    assert.equal(wifi.joins.length, 0);
    const open = await call(p, 'wifiJoin', { ssid: 'Library guests', country: 'GB' }, cookie);
    assert.equal(open.statusCode, 200, 'an open network needs no password');
    assert.equal((await call(p, 'wifiJoin', { ...JOIN, password: 'aB3'.repeat(21) + 'f' }, cookie)).statusCode, 200, 'a 64-hex key');
  });
});

test('join: any SSID of 1 to 32 bytes reaches masq-wifi exactly as typed', async () => {
  const wifi = new ScriptedWifi();
  await withPage(wifi, async ({ p, cookie }) => {
    const ssids = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '"', '\'', '<', '>', '&', '\\', '/', 'é', '☕', '🏠', '\u0000', '\u202e'), minLength: 1, maxLength: 32 })
      .filter((s) => new TextEncoder().encode(s).length <= 32);
    await fc.assert(fc.asyncProperty(ssids, async (ssid) => {
      const res = await call(p, 'wifiJoin', { ssid, password: SECRET, country: 'DE' }, cookie);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(wifi.joins.at(-1)?.ssid, ssid);
    }), { numRuns: 60 });
  });
});

test('WIFI_UNAVAILABLE: no masq-wifi given, or its socket not there', async () => {
  const missing = new ScriptedWifi();
  missing.missing = true;
  // The real client on a socket path where nothing is.
  const real = createWifiClient(join(tmpdir(), `masq-no-wifi-${process.pid}.sock`), 2000);
  for (const wifi of [undefined, missing, real]) {
    await withPage(wifi, async ({ p, cookie }) => {
      for (const name of ['wifiStatus', 'wifiNetworks', 'wifiJoin'] as const) {
        const res = await call(p, name, JOIN, cookie);
        assert.equal(res.statusCode, 503, res.body);
        assert.equal(res.json().error.code, 'WIFI_UNAVAILABLE');
        assert.match(res.json().error.message, /not managed by masq \(no masq-wifi\)/);
      }
    });
  }
  assert.ok(isUnavailable(new Error('fetch failed', { cause: noSocket() })), 'a cause counts too');
  assert.ok(!isUnavailable(new Error('EACCES in a message only')));
});

test('networksAnswer sorts by signal and drops hidden names', () => {
  assert.deepEqual(networksAnswer([{ ssid: 'b', signalDbm: -80, security: 'open' }, { ssid: '', signalDbm: -10, security: 'wpa2' }, { ssid: 'a', signalDbm: -30, security: 'wpa3' }]).networks.map((n) => n.ssid), ['a', 'b']);
});
