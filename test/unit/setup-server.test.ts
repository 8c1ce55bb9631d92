// The setup page's server, on a scripted box: every route's access rule, the claim and login flow with its
// cookies, and the guards against the attacks a page on a LAN meets (DNS rebinding, cross-site requests, peers from
// outside, oversized or malformed bodies).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CSRF_HEADER, ROUTES, type RouteName } from '../../src/setup/api.js';
import { SECURITY_HEADERS } from '../../src/setup/guard.js';
import { CAPTIVE_API_PATH, CAPTIVE_API_TYPE, CAPTIVE_PROBES, HOTSPOT_NET, NO_CACHE_HEADERS, PORTAL_URL } from '../../src/portal/index.js';
import { IDLE_MS } from '../../src/setup/sessions.js';
import { ADMIN_PASSWORD, SETUP_CODE, scriptedPage } from '../helpers/setup-page.js';

const HOST = { host: '127.0.0.1:8080' };
const POST = { ...HOST, [CSRF_HEADER]: '1', 'content-type': 'application/json' };

type Page = ReturnType<typeof scriptedPage>;

function call(p: Page, name: RouteName, body: unknown = {}, headers: Record<string, string> = {}) {
  const r = ROUTES[name];
  return p.page.app.inject({ method: r.method, url: r.path, headers: { ...(r.method === 'POST' ? POST : HOST), ...headers }, ...(r.method === 'POST' ? { payload: JSON.stringify(body) } : {}) });
}

const cookieOf = (res: { headers: Record<string, unknown> }): string => String(res.headers['set-cookie'] ?? '').split(';')[0] ?? '';

async function loggedIn(p: Page): Promise<string> {
  p.box.claimed = true;
  const res = await call(p, 'login', { password: ADMIN_PASSWORD });
  assert.equal(res.statusCode, 200, res.body);
  return cookieOf(res);
}

test('every route but the public ones is refused without a session; a session opens them', async () => {
  const p = scriptedPage();
  try {
    p.box.claimed = true;
    for (const name of Object.keys(ROUTES) as RouteName[]) {
      if (ROUTES[name].access !== 'session') continue;
      const res = await call(p, name);
      assert.equal(res.statusCode, 401, `${name} without a session: ${res.body}`);
      assert.equal(res.json().error.code, 'NOT_LOGGED_IN');
    }
    const cookie = await loggedIn(p);
    const res = await call(p, 'getSetup', {}, { cookie });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().values[0].name, 'neighborhood-mode');
  } finally {
    await p.close();
  }
});

test('claim: the right code opens a code session, which alone may choose the password; then the claim routes are gone', async () => {
  const p = scriptedPage();
  try {
    assert.equal((await call(p, 'state')).json().phase, 'claim');
    assert.equal((await call(p, 'claimPassword', { password: ADMIN_PASSWORD })).statusCode, 403, 'no password before the code');
    const wrong = await call(p, 'claimCode', { code: 'ZZZZ9999' });
    assert.equal(wrong.statusCode, 403);
    assert.equal(wrong.json().error.code, 'SETUP_CODE_WRONG');
    assert.equal(wrong.json().error.triesLeft, 4);
    const right = await call(p, 'claimCode', { code: SETUP_CODE });
    assert.equal(right.statusCode, 200, right.body);
    const codeCookie = cookieOf(right);
    const claimed = await call(p, 'claimPassword', { password: ADMIN_PASSWORD }, { cookie: codeCookie });
    assert.equal(claimed.statusCode, 200, claimed.body);
    const admin = cookieOf(claimed);
    assert.notEqual(admin, codeCookie, 'a new session id at the claim');
    assert.equal((await call(p, 'state', {}, { cookie: admin })).json().phase, 'wizard');
    assert.equal((await call(p, 'getSetup', {}, { cookie: codeCookie })).statusCode, 401, 'the code session is over');
    for (const name of ['claimCode', 'claimPassword'] as const) {
      const gone = await call(p, name, { code: SETUP_CODE, password: 'x' }, { cookie: admin });
      assert.equal(gone.statusCode, 404, `${name} after the claim`);
    }
  } finally {
    await p.close();
  }
});

test('a brute force of the code or the password is locked out, with the time to wait', async () => {
  const p = scriptedPage();
  try {
    for (let i = 0; i < 5; i++) assert.equal((await call(p, 'claimCode', { code: `WRONG${i}AA` })).statusCode, 403);
    const locked = await call(p, 'claimCode', { code: SETUP_CODE });
    assert.equal(locked.statusCode, 429, 'even the right code is refused while locked out');
    assert.equal(locked.json().error.code, 'LOCKED_OUT');
    assert.equal(locked.json().error.lockedForS, 3600);
    p.box.claimed = true;
    const login = await call(p, 'login', { password: ADMIN_PASSWORD });
    assert.equal(login.statusCode, 429);
  } finally {
    await p.close();
  }
});

test('the session cookie is HttpOnly and SameSite=Strict, rotates at every login, ends at logout and after idling', async () => {
  const p = scriptedPage();
  try {
    p.box.claimed = true;
    const first = await call(p, 'login', { password: ADMIN_PASSWORD });
    const header = String(first.headers['set-cookie']);
    assert.match(header, /^masq_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const a = cookieOf(first);
    const b = cookieOf(await call(p, 'login', { password: ADMIN_PASSWORD }, { cookie: a }));
    assert.notEqual(a, b);
    assert.equal((await call(p, 'logout', {}, { cookie: b })).statusCode, 200);
    assert.equal((await call(p, 'getSetup', {}, { cookie: b })).statusCode, 401, 'logged out');
    const c = cookieOf(await call(p, 'login', { password: ADMIN_PASSWORD }));
    p.clock.t += IDLE_MS + 1;
    assert.equal((await call(p, 'getSetup', {}, { cookie: c })).statusCode, 401, 'idle too long');
  } finally {
    await p.close();
  }
});

test('DNS rebinding: a request under a foreign Host name is refused, whatever it asks', async () => {
  const p = scriptedPage();
  try {
    for (const host of ['evil.example', 'evil.example:8080', '127.0.0.1.evil.example', 'a b', 'x'.repeat(300)]) {
      const res = await p.page.app.inject({ method: 'GET', url: '/api/state', headers: { host } });
      assert.equal(res.statusCode, 421, `Host ${host}`);
    }
    const page = await p.page.app.inject({ method: 'GET', url: '/', headers: { host: 'evil.example' } });
    assert.equal(page.statusCode, 421, 'the page itself too');
    assert.equal((await p.page.app.inject({ method: 'GET', url: '/', headers: { host: 'masq-test.local' } })).statusCode, 200);
  } finally {
    await p.close();
  }
});

test('CSRF: a POST without the page\'s header, not as JSON, or from another origin or site is refused', async () => {
  const p = scriptedPage();
  try {
    p.box.claimed = true;
    const body = JSON.stringify({ password: ADMIN_PASSWORD });
    const tries: Array<[string, Record<string, string>]> = [
      ['no header', { ...HOST, 'content-type': 'application/json' }],
      ['a form post', { ...HOST, [CSRF_HEADER]: '1', 'content-type': 'application/x-www-form-urlencoded' }],
      ['text/plain', { ...HOST, [CSRF_HEADER]: '1', 'content-type': 'text/plain' }],
      ['another origin', { ...POST, origin: 'http://evil.example' }],
      ['another site', { ...POST, 'sec-fetch-site': 'cross-site' }],
    ];
    for (const [what, headers] of tries) {
      const res = await p.page.app.inject({ method: 'POST', url: ROUTES.login.path, headers, payload: body });
      assert.equal(res.statusCode, 403, what);
      assert.equal(res.json().error.code, 'CROSS_SITE', what);
      assert.equal(res.headers['set-cookie'], undefined, `${what}: no session`);
    }
    const same = await p.page.app.inject({ method: 'POST', url: ROUTES.login.path, headers: { ...POST, origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-origin' }, payload: body });
    assert.equal(same.statusCode, 200, same.body);
  } finally {
    await p.close();
  }
});

test('peers outside this machine are refused unless the LAN is on; public addresses always', async () => {
  const off = scriptedPage();
  const on = scriptedPage(undefined, { lan: true });
  try {
    const ask = (p: Page, remoteAddress: string) => p.page.app.inject({ method: 'GET', url: '/api/state', headers: HOST, remoteAddress });
    assert.equal((await ask(off, '192.168.1.20')).statusCode, 403);
    assert.equal((await ask(off, '127.0.0.1')).statusCode, 200);
    assert.equal((await ask(on, '192.168.1.20')).statusCode, 200);
    assert.equal((await ask(on, 'fe80::1')).statusCode, 200);
    assert.equal((await ask(on, '203.0.113.9')).statusCode, 403, 'never the internet');
    assert.equal((await ask(on, '::ffff:8.8.8.8')).statusCode, 403);
  } finally {
    await off.close();
    await on.close();
  }
});

test('strict security headers and a CSP without inline script on every answer, errors included; no-store on the API', async () => {
  const p = scriptedPage();
  try {
    for (const res of [
      await p.page.app.inject({ method: 'GET', url: '/', headers: HOST }),
      await p.page.app.inject({ method: 'GET', url: '/api/state', headers: HOST }),
      await p.page.app.inject({ method: 'GET', url: '/nothing', headers: HOST }),
      await p.page.app.inject({ method: 'GET', url: '/', headers: { host: 'evil.example' } }),
    ]) {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) assert.equal(res.headers[k], v, `${k} on ${res.statusCode}`);
    }
    assert.doesNotMatch(SECURITY_HEADERS['content-security-policy'] as string, /unsafe-inline|unsafe-eval/);
    assert.equal((await p.page.app.inject({ method: 'GET', url: '/api/state', headers: HOST })).headers['cache-control'], 'no-store');
  } finally {
    await p.close();
  }
});

test('the consuming key never reaches the page, even in the configuration panel', async () => {
  const p = scriptedPage();
  try {
    const cookie = await loggedIn(p);
    p.box.running = true;
    const res = await call(p, 'panelConfiguration', {}, { cookie });
    assert.equal(res.statusCode, 200, res.body);
    assert.doesNotMatch(res.body, /abab/);
    assert.equal(res.json().neighborhoodMode, 'standard');
  } finally {
    await p.close();
  }
});

test('bodies are bounded before parsing and checked field by field; random bodies get a 4xx, never a 500 or a stack', async () => {
  const p = scriptedPage();
  try {
    const cookie = await loggedIn(p);
    const huge = await call(p, 'login', { password: 'x'.repeat(10_000) });
    assert.equal(huge.statusCode, 413);
    const extra = await call(p, 'putSetup', { values: [], more: 1 }, { cookie });
    assert.equal(extra.statusCode, 400);
    assert.equal(extra.json().error.code, 'FORM_INVALID');
    const posts = (Object.keys(ROUTES) as RouteName[]).filter((n) => ROUTES[n].method === 'POST');
    await fc.assert(fc.asyncProperty(fc.constantFrom(...posts), fc.oneof(fc.json(), fc.string({ maxLength: 300 })), async (name, payload) => {
      const res = await p.page.app.inject({ method: 'POST', url: ROUTES[name].path, headers: { ...POST, cookie }, payload });
      assert.ok(res.statusCode < 500, `${name} ${payload} → ${res.statusCode} ${res.body}`);
      assert.doesNotMatch(res.body, /\n\s+at /, 'no stack trace');
    }), { seed: 7, numRuns: 300 });
  } finally {
    await p.close();
  }
});

test('ssh access, off: the panel says how root turns it on (not a failure); every change is refused with 409', async () => {
  const p = scriptedPage();
  try {
    const cookie = await loggedIn(p);
    const panel = await call(p, 'panelSsh', {}, { cookie });
    assert.equal(panel.statusCode, 200, panel.body);
    assert.deepEqual(panel.json(), { offered: false, message: 'ssh access from the setup page is off on this box. As root, add the line ssh-access-from-page = "on" to /etc/masq/config.toml.' });
    for (const [name, body] of [['sshAddKey', { key: 'ssh-ed25519 AAAA x' }], ['sshRemoveKey', { fingerprint: 'SHA256:abc' }], ['sshUser', { user: 'me' }]] as const) {
      const res = await call(p, name, body, { cookie });
      assert.equal(res.statusCode, 409, `${name}: ${res.body}`);
      assert.equal(res.json().error.code, 'SSH_ACCESS_OFF');
    }
  } finally {
    await p.close();
  }
});

test('ssh access, on: pasted keys go to the Daemon as lines; a private key stops at the page; refusals name their field; no key data is answered', async () => {
  const p = scriptedPage();
  try {
    const cookie = await loggedIn(p);
    p.box.sshOffered = true;
    const panel = await call(p, 'panelSsh', {}, { cookie });
    assert.deepEqual(panel.json(), {
      offered: true, user: 'owner', applied: 'applied', message: 'The login owner opens with one key.',
      keys: [{ type: 'ssh-ed25519', label: 'ED25519', bits: 256, fingerprint: 'SHA256:abc', comment: 'me@laptop' }],
    });
    assert.doesNotMatch(panel.body, /secret-looking-data/, 'only the fields the page shows');
    const added = await call(p, 'sshAddKey', { key: '# mine\r\nssh-ed25519 AAAAC3Nz one\n\nssh-rsa AAAAB3Nz two\n' }, { cookie });
    assert.equal(added.statusCode, 200, added.body);
    assert.equal(added.json().applied, 'pending');
    assert.deepEqual(p.box.sshChanges.at(-1), { add: ['ssh-ed25519 AAAAC3Nz one', 'ssh-rsa AAAAB3Nz two'] });
    const secret = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
    const before = p.box.sshChanges.length;
    const priv = await call(p, 'sshAddKey', { key: secret }, { cookie });
    assert.equal(priv.statusCode, 400);
    assert.equal(priv.json().error.field, 'key');
    assert.match(priv.json().error.message, /^This is a private key: paste the line from id_ed25519\.pub/);
    assert.doesNotMatch(priv.body, /b3BlbnNzaC1rZXktdjEA/, 'the private key is not echoed');
    assert.equal(p.box.sshChanges.length, before, 'and never reached the Daemon');
    const taken = await call(p, 'sshUser', { user: 'pi' }, { cookie });
    assert.equal(taken.statusCode, 400);
    assert.deepEqual([taken.json().error.code, taken.json().error.field], ['SSH_ACCESS', 'user']);
    assert.match(taken.json().error.message, /pi is an existing account/);
    assert.equal((await call(p, 'sshRemoveKey', { fingerprint: 'SHA256:abc' }, { cookie })).statusCode, 200);
    assert.deepEqual(p.box.sshChanges.at(-1), { remove: ['SHA256:abc'] });
  } finally {
    await p.close();
  }
});

test('ssh access: the forms are bounded before parsing and checked field by field', async () => {
  const p = scriptedPage();
  try {
    const cookie = await loggedIn(p);
    p.box.sshOffered = true;
    assert.equal((await call(p, 'sshAddKey', { key: 'x'.repeat(70_000) }, { cookie })).statusCode, 413);
    assert.equal((await call(p, 'sshRemoveKey', { fingerprint: 'x'.repeat(5000) }, { cookie })).statusCode, 413);
    for (const [name, body] of [['sshAddKey', { key: '' }], ['sshAddKey', { key: 'k', user: 'x' }], ['sshRemoveKey', { fingerprint: 'x'.repeat(101) }], ['sshUser', { user: 7 }], ['sshUser', {}]] as const) {
      const res = await call(p, name, body, { cookie });
      assert.equal(res.statusCode, 400, `${name} ${JSON.stringify(body)}`);
      assert.equal(res.json().error.code, 'FORM_INVALID');
    }
    assert.equal(p.box.sshChanges.length, 0);
  } finally {
    await p.close();
  }
});

// inject()'s socket has no local end: the seam says where the request arrived, as a real socket's localAddress would.
const arrivingAt = (local: string) => scriptedPage(undefined, { localAddress: () => local });
const PHONE = '192.168.4.23';

test('hotspot: a phone\'s captive probes and every foreign name are sent to the page, with no-cache headers', async () => {
  const p = arrivingAt(HOTSPOT_NET.address);
  try {
    for (const probe of CAPTIVE_PROBES) {
      const res = await p.page.app.inject({ method: 'GET', url: probe.path, headers: { host: probe.host }, remoteAddress: PHONE });
      assert.equal(res.statusCode, 302, `${probe.host}${probe.path}: ${res.body}`);
      assert.equal(res.headers.location, PORTAL_URL);
      for (const [k, v] of Object.entries({ ...NO_CACHE_HEADERS, ...SECURITY_HEADERS })) assert.equal(res.headers[k], v, `${probe.host}: ${k}`);
    }
    for (const [host, url] of [['example.com', '/anything'], ['evil.example', '/api/state'], ['x'.repeat(300), '/']]) {
      const res = await p.page.app.inject({ method: 'GET', url, headers: { host }, remoteAddress: PHONE });
      assert.equal(res.statusCode, 302, host);
      assert.equal(res.headers['cache-control'], NO_CACHE_HEADERS['cache-control'], `${host}${url}: the API's no-store does not replace it`);
    }
    const post = await p.page.app.inject({ method: 'POST', url: ROUTES.login.path, headers: { host: 'evil.example', 'content-type': 'application/json' }, payload: '{}', remoteAddress: PHONE });
    assert.equal(post.statusCode, 303, 'a foreign POST reaches no route');
    assert.deepEqual(p.box.asked, [], 'nothing was asked of the Daemon');
  } finally {
    await p.close();
  }
});

test('hotspot: the box\'s own names and its hotspot address give the page; the claim works from a phone with the LAN off', async () => {
  const p = arrivingAt(`::ffff:${HOTSPOT_NET.address}`);
  try {
    for (const host of [HOTSPOT_NET.address, `${HOTSPOT_NET.address}:80`, 'masq-test.local']) {
      const res = await p.page.app.inject({ method: 'GET', url: '/', headers: { host }, remoteAddress: `::ffff:${PHONE}` });
      assert.equal(res.statusCode, 200, `${host}: ${res.body}`);
      assert.match(res.body, /<title>t<\/title>/);
    }
    const hotspotHost = { host: HOTSPOT_NET.address, [CSRF_HEADER]: '1', 'content-type': 'application/json' };
    const code = await p.page.app.inject({ method: 'POST', url: ROUTES.claimCode.path, headers: hotspotHost, payload: JSON.stringify({ code: SETUP_CODE }), remoteAddress: PHONE });
    assert.equal(code.statusCode, 200, code.body);
    const forged = await p.page.app.inject({ method: 'POST', url: ROUTES.claimCode.path, headers: { host: HOTSPOT_NET.address, 'content-type': 'application/json' }, payload: JSON.stringify({ code: SETUP_CODE }), remoteAddress: PHONE });
    assert.equal(forged.statusCode, 403, 'the CSRF guard still holds on the hotspot');
  } finally {
    await p.close();
  }
});

test('the RFC 8908 API answers under the box\'s names anywhere, and under any name on the hotspot', async () => {
  const hotspot = arrivingAt(HOTSPOT_NET.address);
  const lan = scriptedPage(undefined, { lan: true, localAddress: () => '192.168.1.5' });
  try {
    const ask = (p: Page, host: string, remoteAddress: string) => p.page.app.inject({ method: 'GET', url: CAPTIVE_API_PATH, headers: { host }, remoteAddress });
    for (const [p, host, from] of [[hotspot, HOTSPOT_NET.address, PHONE], [hotspot, 'captive.apple.com', PHONE], [lan, 'masq-test.local', '192.168.1.20'], [lan, '127.0.0.1', '127.0.0.1']] as const) {
      const res = await ask(p, host, from);
      assert.equal(res.statusCode, 200, `${host}: ${res.body}`);
      assert.equal(res.headers['content-type'], CAPTIVE_API_TYPE);
      assert.equal(res.headers['cache-control'], NO_CACHE_HEADERS['cache-control']);
      assert.deepEqual(res.json(), { captive: true, 'user-portal-url': PORTAL_URL });
    }
    assert.equal((await ask(lan, 'evil.example', '192.168.1.20')).statusCode, 421, 'off the hotspot a foreign name is still refused');
  } finally {
    await hotspot.close();
    await lan.close();
  }
});

test('off the hotspot nothing changes: foreign names refused, phones\' addresses need the LAN, arriving elsewhere', async () => {
  const p = arrivingAt('10.1.2.3');
  const onLan = scriptedPage(undefined, { lan: true, localAddress: () => '192.168.1.5' });
  try {
    assert.equal((await p.page.app.inject({ method: 'GET', url: '/', headers: { host: 'captive.apple.com' }, remoteAddress: '127.0.0.1' })).statusCode, 421);
    assert.equal((await p.page.app.inject({ method: 'GET', url: '/', headers: { host: HOTSPOT_NET.address }, remoteAddress: PHONE })).statusCode, 403, 'a hotspot address arriving elsewhere is a LAN peer');
    assert.equal((await onLan.page.app.inject({ method: 'GET', url: '/hotspot-detect.html', headers: { host: 'captive.apple.com' }, remoteAddress: '192.168.1.20' })).statusCode, 421);
    const outsider = await arrivingAt(HOTSPOT_NET.address);
    try {
      assert.equal((await outsider.page.app.inject({ method: 'GET', url: '/', headers: { host: HOTSPOT_NET.address }, remoteAddress: '192.168.1.20' })).statusCode, 403, 'only the hotspot\'s own network');
      assert.equal((await outsider.page.app.inject({ method: 'GET', url: '/', headers: { host: HOTSPOT_NET.address }, remoteAddress: '203.0.113.9' })).statusCode, 403);
    } finally {
      await outsider.close();
    }
  } finally {
    await p.close();
    await onLan.close();
  }
});
