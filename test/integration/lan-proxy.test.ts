// The box as its home network's proxy, all real: a box namespace runs the Daemon, a zero-hop Node with
// lan-consuming on and masq-setup; a phone on the same bridge fetches the PAC file from the page, runs it, and
// fetches a server's page through the proxy it names by HTTP proxy, CONNECT and SOCKS5 (curl); Chromium on the
// phone, given only the PAC address, loads the page through the box. A host of a public range on another port
// of the box is refused and the Node says so in its log. With proxy-password set, no or wrong credentials are
// refused, the right ones served, and the password appears in no output.
//
// Layout: LAN 10.x/24 (createLan): h0 the box, h1 the phone, h2 the server, which also holds 198.51.100.10 — a
// range neither the PAC file nor the exit treats as private, reachable from the box alone (an on-link route),
// so a page of it that reaches the phone came through the box. Outside: a second bridge with 203.0.113.0/24, the
// box's second port (eth1, 203.0.113.200) and the outsider (203.0.113.1).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, withBrowser } from '../helpers/browser.js';
import { type Host, type Lan, createLan, netnsAvailable } from '../helpers/netns.js';
import { PacRunner, firstProxy } from '../helpers/pac-eval.js';
import { MASQ, MASQ_NODE, ROOT, Sandbox, run, waitFor } from '../helpers/processes.js';

const sandbox = new Sandbox();
const lans: Lan[] = [];
after(async () => {
  for (const lan of lans.reverse()) await lan.cleanup();
  await sandbox.cleanup();
});

const UI_PORT = 5333;
const PROXY_PORT = 5380;
const PAGE_PORT = 8081;
const WEB_PORT = 8080;
const SERVER_IP = '198.51.100.10';
const BOX_OUTSIDE_IP = '203.0.113.200';
const PASSWORD = 'living-room-42';
const PAGE = `http://${SERVER_IP}:${WEB_PORT}`;

const SERVER_SCRIPT = `require('node:http').createServer((q, r) => r.end('page ' + q.url + ' for ' + q.socket.remoteAddress.replace(/^::ffff:/, ''))).listen(${WEB_PORT}, '0.0.0.0', () => console.log('serving'));`;

async function ipOk(...args: string[]): Promise<void> {
  const r = await run('ip', args, {}, 5000);
  assert.equal(r.code, 0, `ip ${args.join(' ')}: ${r.stderr}`);
}

/** curl on a host, with a bound wait; the body, or the status code with -w. */
const curl = (host: Host, ...args: string[]) => host.exec('curl', ['-sS', '--max-time', '15', ...args], { timeoutMs: 20_000 });

test('the LAN uses the box\'s proxy through its PAC file; outsiders are refused; the password guards it', { timeout: 300_000 }, async () => {
  assert.ok(await netnsAvailable(), 'network namespaces are needed (root and iproute2)');
  const lan = await createLan(sandbox, 3, { prefix: 'mqlanp' });
  lans.push(lan);
  const [box, phone, server] = lan.hosts as [Host, Host, Host];
  const outside = await createLan(sandbox, 1, { prefix: 'mqlanw', subnet: '203.0.113.0/24' });
  lans.push(outside);
  const outsider = outside.hosts[0] as Host;

  // The server's public-range address, which only the box can reach; the box's second port, on the outside.
  await ipOk('-n', server.ns, 'addr', 'add', `${SERVER_IP}/32`, 'dev', 'eth0');
  await ipOk('-n', box.ns, 'route', 'add', `${SERVER_IP}/32`, 'dev', 'eth0');
  await ipOk('-n', outside.bridgeNs, 'link', 'add', 'vbox', 'type', 'veth', 'peer', 'name', 'eth1', 'netns', box.ns);
  await ipOk('-n', outside.bridgeNs, 'link', 'set', 'vbox', 'master', 'br0', 'up');
  await ipOk('-n', box.ns, 'addr', 'add', `${BOX_OUTSIDE_IP}/24`, 'dev', 'eth1');
  await ipOk('-n', box.ns, 'link', 'set', 'eth1', 'up');
  const web = server.spawn(process.execPath, ['-e', SERVER_SCRIPT]);
  await waitFor('the server', () => web.output().includes('serving'), 10_000);

  const home = sandbox.tempDir('masq-lanbox-');
  const env = {
    HOME: home, XDG_STATE_HOME: join(home, 'state'), MASQ_DATA_DIRECTORY: join(home, 'data'), MASQ_NEIGHBORHOOD_MODE: 'zero-hop',
    MASQ_PROXY_PORT: String(PROXY_PORT), MASQ_LOG_LEVEL: 'info', MASQ_SETUP_PAGE_LAN: 'on',
  };
  const daemon = box.spawn(MASQ_NODE, ['--initialization', '--ui-port', String(UI_PORT)], env);
  await waitFor('the box\'s Daemon', () => daemon.output().includes(`UI port ${UI_PORT}`), 15_000);
  const masq = (...args: string[]) => box.exec(MASQ, ['--ui-port', String(UI_PORT), ...args], { timeoutMs: 15_000, env: { HOME: home } });
  const page = box.spawn(join(ROOT, 'bin', 'masq-setup'), ['--port', String(PAGE_PORT), '--address', '0.0.0.0', '--ui-port', String(UI_PORT)], env);
  await waitFor('the box\'s setup page', () => page.output().includes('setup page:'), 15_000);
  const pacUrl = `http://${box.address}:${PAGE_PORT}/proxy.pac`;
  const readyCount = () => daemon.output().split('MASQ Node ready').length - 1;
  const startNode = async (): Promise<void> => {
    const before = readyCount();
    const started = await masq('start');
    assert.equal(started.code, 0, started.stderr);
    await waitFor('the Node to be ready', () => readyCount() > before || undefined, 30_000);
  };

  try {
    // Off by default: the page says how to turn it on.
    const off = await curl(phone, '-w', '\n%{http_code}', pacUrl);
    assert.match(off.stdout, /LAN_CONSUMING_OFF[\s\S]*lan-consuming on[\s\S]*\n404$/, off.stderr);

    assert.match((await masq('setup', '--lan-consuming', 'on')).stdout, /lan-consuming\s+on\s+Set/);
    await startNode();
    const ready = daemon.output();
    assert.match(ready, new RegExp(`local network: +.*${box.address.replace(/\./g, '\\.')}:${PROXY_PORT}`), 'the ready message says where the LAN reaches the proxy');
    assert.doesNotMatch(ready, /0\.0\.0\.0:5380/, 'never the wildcard');

    // The phone fetches the PAC file, as a device does, and runs it.
    const pac = await curl(phone, '-D', '-', pacUrl);
    assert.equal(pac.code, 0, pac.stderr);
    const [head = '', script = ''] = pac.stdout.split(/\r\n\r\n/);
    assert.match(head, /^content-type: application\/x-ns-proxy-autoconfig\r?$/mi);
    assert.match(head, /^cache-control: no-cache\r?$/mi);
    const runner = new PacRunner(script);
    const answer = runner.forUrl(`${PAGE}/via-pac`);
    assert.equal(answer, `PROXY ${box.address}:${PROXY_PORT}; SOCKS5 ${box.address}:${PROXY_PORT}`);
    assert.equal(runner.forUrl(`http://${server.address}:${WEB_PORT}/`), 'DIRECT', 'the LAN itself is reached directly');
    const named = firstProxy(answer);
    assert.ok(named);
    const proxy = `${named.host}:${named.port}`;

    // Through the proxy the file names, in each of its protocols: the server sees the box, never the phone.
    const served = (path: string) => `page ${path} for ${box.address}`;
    assert.equal((await curl(phone, '-x', `http://${proxy}`, `${PAGE}/http`)).stdout, served('/http'));
    assert.equal((await curl(phone, '-p', '-x', `http://${proxy}`, `${PAGE}/connect`)).stdout, served('/connect'));
    assert.equal((await curl(phone, '-x', `socks5h://${proxy}`, `${PAGE}/socks`)).stdout, served('/socks'));
    assert.notEqual((await curl(phone, `${PAGE}/direct`)).code, 0, 'the phone cannot reach the server but through the box');

    // An outsider on the box's other port (a range that is not private) is refused, and the Node says so.
    const refused = await curl(outsider, '-x', `http://${BOX_OUTSIDE_IP}:${PROXY_PORT}`, `${PAGE}/outsider`);
    assert.ok(!refused.stdout.includes('page /outsider'), `the outsider was served: ${refused.stdout}`);
    const outsiderSaid = new RegExp(`${outsider.address.replace(/\./g, '\\.')}(?![0-9])`);
    await waitFor('the Node to log the refusal', () => outsiderSaid.test(daemon.output()) || undefined, 10_000);

    // Chromium on the phone, told only the PAC address, loads the server's page through the box.
    const wrapper = join(sandbox.tempDir('masq-chromium-'), 'chromium');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${phone.ns} ${CHROMIUM} --proxy-pac-url=${pacUrl} "$@"\n`);
    chmodSync(wrapper, 0o755);
    await withBrowser(async (browser) => {
      const p = await browser.open('phone', `${PAGE}/chromium`);
      assert.equal(await p.page.locator('body').innerText(), served('/chromium'));
    }, wrapper);

    // The password: asked of the LAN, right ones served, and never in any output.
    assert.equal((await masq('shutdown')).code, 0);
    await waitFor('the Node to stop', async () => (await masq('setup', '--proxy-password', PASSWORD)).stdout.match(/proxy-password\s+\*+\s+Set/) ?? undefined, 20_000, 500);
    await startNode();
    const status = (...args: string[]) => curl(phone, '-o', '/dev/null', '-w', '%{http_code}', ...args);
    assert.equal((await status('-x', `http://${proxy}`, `${PAGE}/none`)).stdout, '407', 'no credentials');
    assert.equal((await status('-x', `http://${proxy}`, '-U', 'masq:not-the-password', `${PAGE}/wrong`)).stdout, '407', 'wrong credentials');
    assert.equal((await curl(phone, '-x', `http://${proxy}`, '-U', `masq:${PASSWORD}`, `${PAGE}/right`)).stdout, served('/right'));
    assert.equal((await curl(phone, '-p', '-x', `http://${proxy}`, '-U', `masq:${PASSWORD}`, `${PAGE}/right-connect`)).stdout, served('/right-connect'));
    assert.notEqual((await curl(phone, '-x', `socks5h://${proxy}`, `${PAGE}/socks-none`)).code, 0, 'SOCKS5 without credentials');
    assert.notEqual((await curl(phone, '-x', `socks5h://masq:not-the-password@${proxy}`, `${PAGE}/socks-wrong`)).code, 0, 'SOCKS5 with wrong ones');
    assert.equal((await curl(phone, '-x', `socks5h://masq:${PASSWORD}@${proxy}`, `${PAGE}/socks-right`)).stdout, served('/socks-right'));
    const lines = `${daemon.output()}${page.output()}${(await masq('setup')).stdout}`;
    assert.ok(!lines.includes(PASSWORD), 'the password is in no log and no setup answer');
  } finally {
    await masq('shutdown');
  }
});
