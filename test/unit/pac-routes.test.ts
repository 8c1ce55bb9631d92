// The PAC routes and the LAN card's route on a scripted box: 404 with how to turn it on while lan-consuming is off;
// when on, the PAC file for the address the device reached, as application/x-ns-proxy-autoconfig, never cached,
// without a session, under the box's own names only; the card tells whether a password is set, never the password.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSRF_HEADER, CSRF_VALUE, ROUTES } from '../../src/setup/api.js';
import type { Answers, ConvOpcode, Requests } from '../../src/ui/index.js';
import { PacRunner } from '../helpers/pac-eval.js';
import { ADMIN_PASSWORD, ScriptedBox, scriptedPage } from '../helpers/setup-page.js';

const PHONE = '192.168.1.30';

/** A box whose setup says what the PAC routes read. */
class LanBox extends ScriptedBox {
  lan: Record<string, string> = { 'lan-consuming': 'off', 'proxy-port': '5380', 'proxy-password': '', 'setup-page-lan': 'on' };

  override async daemon<Op extends ConvOpcode>(op: Op, p: Requests[Op]): Promise<Answers[Op]> {
    if (op !== 'setup') return super.daemon(op, p);
    this.asked.push(op);
    return { running: this.running, values: Object.entries(this.lan).map(([name, value]) => ({ name, value, status: value ? 'Set' : 'Blank' })), errors: [] } as Answers[Op];
  }
}

function lanPage(local = '192.168.1.5') {
  const box = new LanBox();
  return scriptedPage(box, { lan: true, localAddress: () => local });
}

const get = (p: ReturnType<typeof lanPage>, url: string, host = 'masq-test.local', cookie?: string) =>
  p.page.app.inject({ method: 'GET', url, headers: { host, ...(cookie ? { cookie } : {}) }, remoteAddress: PHONE });

test('lan-consuming off: /proxy.pac and /wpad.dat answer 404 with how to turn it on', async () => {
  const p = lanPage();
  try {
    for (const route of [ROUTES.proxyPac, ROUTES.wpad]) {
      const res = await get(p, route.path);
      assert.equal(res.statusCode, 404, res.body);
      const error = res.json().error;
      assert.equal(error.code, 'LAN_CONSUMING_OFF');
      assert.match(error.fix, /lan-consuming on/);
    }
  } finally {
    await p.close();
  }
});

test('lan-consuming on: the PAC file names the address the device reached, for anyone, never cached', async () => {
  const p = lanPage();
  try {
    (p.box as LanBox).lan['lan-consuming'] = 'on';
    for (const route of [ROUTES.proxyPac, ROUTES.wpad]) {
      assert.equal(route.access, 'public');
      const res = await get(p, route.path);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/x-ns-proxy-autoconfig');
      assert.equal(res.headers['cache-control'], 'no-cache');
      const pac = new PacRunner(res.body);
      assert.equal(pac.forUrl('https://example.com/'), 'PROXY 192.168.1.5:5380; SOCKS5 192.168.1.5:5380');
      assert.equal(pac.forUrl('http://masq-test.local/'), 'DIRECT');
    }
    (p.box as LanBox).lan['proxy-port'] = '8118';
    assert.match((await get(p, ROUTES.proxyPac.path)).body, /PROXY 192\.168\.1\.5:8118; SOCKS5 192\.168\.1\.5:8118/);
  } finally {
    await p.close();
  }
});

test('the PAC file answers under the box\'s own names only, and needs the box\'s IPv4 address', async () => {
  const p = lanPage();
  const v6 = lanPage('fe80::1');
  try {
    (p.box as LanBox).lan['lan-consuming'] = 'on';
    (v6.box as LanBox).lan['lan-consuming'] = 'on';
    assert.equal((await get(p, ROUTES.proxyPac.path, 'wpad.evil.example')).statusCode, 421, 'DNS rebinding');
    const res = await get(v6, ROUTES.proxyPac.path);
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error.fix, /IPv4 address/);
  } finally {
    await p.close();
    await v6.close();
  }
});

test('the LAN card: a session only; whether a password is set, never what it is', async () => {
  const p = lanPage();
  try {
    const box = p.box as LanBox;
    box.claimed = true;
    assert.equal((await get(p, ROUTES.panelLan.path)).statusCode, 401);
    const login = await p.page.app.inject({ method: 'POST', url: ROUTES.login.path, headers: { host: 'masq-test.local', [CSRF_HEADER]: CSRF_VALUE, 'content-type': 'application/json' }, payload: JSON.stringify({ password: ADMIN_PASSWORD }), remoteAddress: PHONE });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    box.lan = { ...box.lan, 'lan-consuming': 'on', 'proxy-password': '****************', 'lan-dns': 'on' };
    const res = await get(p, ROUTES.panelLan.path, 'masq-test.local', cookie);
    assert.equal(res.statusCode, 200, res.body);
    // This page was given no DNS-mode ports (no dnsPorts in its context), and says so.
    assert.deepEqual(res.json(), { lanConsuming: true, boxName: 'masq-test', address: '192.168.1.5', proxyPort: 5380, user: 'masq', passwordSet: true, pageOnLan: true, lanDns: true, dnsPorts: false });
    box.lan['proxy-password'] = '';
    assert.equal((await get(p, ROUTES.panelLan.path, 'masq-test.local', cookie)).json().passwordSet, false);
  } finally {
    await p.close();
  }
});
