// masq-wifi's API over a real unix socket in a temp dir: the server on a manager with a scripted radio, the page's
// client (createWifiClient) against it. Answers, refusals as { error: { code, message, fix } } turned back into
// WifiErrors, bounded bodies, the socket's mode, and a join answered at once whose outcome comes in the status.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogCore, createLogger } from '../../src/system/index.js';
import { createWifiClient, WifiError } from '../../src/wifi/index.js';
import { closeServer, createWifiServer, listenUnix } from '../../src/wifi/server.js';
import { FakeRadio, ManualTime, scriptedManager } from '../helpers/wifi-radio.js';

const dir = mkdtempSync(join(tmpdir(), 'masq-wifi-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function served(t: { after(f: () => Promise<void>): void }, name: string) {
  const radio = new FakeRadio();
  const time = new ManualTime();
  const box = scriptedManager(radio, time);
  const server = createWifiServer(box.manager, createLogger(createLogCore('off'), 'wifi'));
  const socket = join(dir, name);
  await listenUnix(server, socket);
  box.manager.start();
  t.after(async () => {
    await box.manager.stop();
    await closeServer(server);
  });
  return { radio, time, socket, client: createWifiClient(socket, 5000), ...box };
}

/** A raw request, for what the client never sends. */
function raw(socket: string, method: string, path: string, body?: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('status and networks over the socket; the socket is the group\'s (0660)', async (t) => {
  const s = await served(t, 'a.sock');
  assert.equal(statSync(s.socket).mode & 0o777, 0o660);
  const status = await s.client.status();
  assert.equal(status.mode, 'waiting');
  assert.deepEqual(status.hotspot, { ssid: 'MASQ-Setup-3F2A', address: '192.168.4.1' });
  assert.equal(status.name, 'masq-3f2a.local');
  assert.equal(status.radio, true);
  const nets = await s.client.networks();
  assert.deepEqual(nets.map((n) => n.ssid), ['Home', 'Cafe']);
  assert.deepEqual(s.radio.scans, [false]);
  await s.client.networks();
  assert.equal(s.radio.scans.length, 1, 'a fresh list is not scanned again');
});

test('join: 202 at once in joining; the outcome arrives as status.lastJoin; the hotspot is back after a wrong password', async (t) => {
  const s = await served(t, 'b.sock');
  await s.time.advance(62_000);
  assert.equal((await s.client.status()).mode, 'hotspot');
  s.radio.onClient = (c) => c.say('wlan0: CTRL-EVENT-SSID-TEMP-DISABLED id=0 ssid="Home" auth_failures=1 duration=10 reason=WRONG_KEY');
  const answer = await raw(s.socket, 'POST', '/join', JSON.stringify({ ssid: 'Home', password: 'not the one', country: 'GB' }));
  assert.equal(answer.status, 202);
  assert.equal((answer.json as { mode: string }).mode, 'joining');
  await s.time.advance(1000);
  const after = await s.client.status();
  assert.equal(after.mode, 'hotspot');
  assert.equal(after.lastJoin?.outcome, 'wrong-password');
  assert.equal(after.lastJoin?.ssid, 'Home');
  s.radio.onClient = (c) => {
    c.say('wlan0: CTRL-EVENT-CONNECTED - Connection to 00:11:22:33:44:55 completed');
    s.radio.addr = '192.168.1.77';
  };
  assert.equal((await s.client.join({ ssid: 'Home', password: 'the right one', country: 'GB' })).mode, 'joining');
  await s.time.advance(3000);
  const joined = await s.client.status();
  assert.equal(joined.mode, 'online');
  assert.deepEqual([joined.lastJoin?.outcome, joined.lastJoin?.address], ['joined', '192.168.1.77']);
});

test('refusals come back as WifiErrors with the manager\'s code, message and fix', async (t) => {
  const s = await served(t, 'c.sock');
  await assert.rejects(s.client.join({ ssid: 'Home', password: 'short', country: 'GB' }), (e: unknown) => e instanceof WifiError && e.problem === 'bad-request' && /8 to 63/.test(e.message) && e.fix !== undefined);
  await assert.rejects(s.client.join({ ssid: 'Home', password: 'long enough', country: 'GBR' }), { problem: 'bad-request' });
  s.radio.isPresent = false;
  await assert.rejects(s.client.join({ ssid: 'Home', password: 'long enough', country: 'GB' }), { problem: 'no-radio' });
  const missing = await raw(s.socket, 'GET', '/nothing');
  assert.equal(missing.status, 404);
  assert.equal((missing.json as { error: { code: string } }).error.code, 'no-route');
  const wrongMethod = await raw(s.socket, 'GET', '/join');
  assert.equal(wrongMethod.status, 404);
  const big = await raw(s.socket, 'POST', '/join', JSON.stringify({ ssid: 'x'.repeat(50_000) }));
  assert.equal(big.status, 400, 'a body over 4 KB');
  assert.match((big.json as { error: { message: string } }).error.message, /larger than 4096 bytes/);
  const notJson = await raw(s.socket, 'POST', '/join', '{ssid');
  assert.deepEqual([notJson.status, (notJson.json as { error: { code: string } }).error.code], [400, 'bad-request']);
  const second = await raw(s.socket, 'POST', '/join', JSON.stringify({ ssid: 'Home', password: 'long enough', country: 'GB' }));
  assert.equal(second.status, 503, 'no radio');
});

test('the client: a manager that is not there, or does not answer in time, is a WifiError that says what to check', async () => {
  const absent = createWifiClient(join(dir, 'absent.sock'), 1000);
  await assert.rejects(absent.status(), (e: unknown) => e instanceof WifiError && /cannot be reached/.test(e.message) && /systemctl status masq-wifi/.test(e.fix ?? ''));
  const { createServer } = await import('node:http');
  const silent = createServer(() => undefined);
  await listenUnix(silent, join(dir, 'silent.sock'));
  try {
    await assert.rejects(createWifiClient(join(dir, 'silent.sock'), 200).status(), { problem: 'timeout' });
  } finally {
    await closeServer(silent);
  }
});
