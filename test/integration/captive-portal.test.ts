// The hotspot's captive portal with its real parts: a "box" namespace at 192.168.4.1 running Debian's dnsmasq
// with the rendered configuration and the real masq-setup on port 80 (no Daemon: the portal needs none), and a
// "phone" namespace with no address that gets one, and its DNS, by DHCP (klibc's ipconfig). From the phone, every
// OS's probe, by name through the box's DNS, is sent to the page instead of looking online; HTTPS is refused at
// once; the RFC 8908 API answers; the DHCP server offers option 114; AAAA gets no address.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CAPTIVE_API_PATH, CAPTIVE_API_TYPE, CAPTIVE_API_URL, CAPTIVE_PROBES, DHCP_OPTION_CAPTIVE_PORTAL, dnsmasqConfig, HOTSPOT_NET, NO_CACHE_HEADERS, PORTAL_URL,
} from '../../src/portal/index.js';
import { DHCP, dhcpInform } from '../helpers/dhcp-inform.js';
import { createLan, type Host, type Lan, netnsAvailable } from '../helpers/netns.js';
import { freePort, ROOT, Sandbox, type Tracked, waitFor } from '../helpers/processes.js';

const IPCONFIG = '/usr/lib/klibc/bin/ipconfig';
const MASQ_SETUP = join(ROOT, 'dist', 'masq-setup.js');
const sandbox = new Sandbox();
let lan: Lan | undefined;
let box: Host;
let phone: Host;
let dnsmasq: Tracked;
let dnsmasqLogFile = '';
/** dnsmasq's log (its own file: with --log-facility=- a fatal start-up error is lost) and what it printed. */
const dnsmasqSaid = (): string => `${existsSync(dnsmasqLogFile) ? readFileSync(dnsmasqLogFile, 'utf8') : ''}${dnsmasq.output()}`.slice(-3000);
let page: Tracked;
/** What the phone leased. */
let lease: { address: string; dns: string };
/** The phone's /etc/netns/<ns>; and whether this test made /etc/netns itself. */
let netnsEtc: { phone: string; madeRoot: boolean } | undefined;

interface Http {
  exit: number;
  status: number;
  headers: Map<string, string>;
  body: string;
  stderr: string;
}

/** curl in the phone, names resolved by the phone's resolver (the box's DNS), never through a proxy. */
async function curl(url: string, extra: readonly string[] = []): Promise<Http> {
  const r = await phone.exec('curl', ['-sS', '-i', '--noproxy', '*', '--max-time', '5', ...extra, url], { timeoutMs: 15_000 });
  // With -L, -i prints each answer's head: the last one counts.
  const heads = r.stdout.split(/\r\n\r\n/);
  let i = 0;
  while (i + 1 < heads.length && /^HTTP\/[\d.]+ 3\d\d/.test(heads[i] ?? '') && /^HTTP\//.test(heads[i + 1] ?? '')) i++;
  const [statusLine = '', ...lines] = (heads[i] ?? '').split('\r\n');
  const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const));
  return { exit: r.code, status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body: heads.slice(i + 1).join('\r\n\r\n'), stderr: r.stderr };
}

/** Fails, with all the process said, when it has stopped. */
async function assertRunning(t: Tracked, what: string, said: () => string = () => t.output()): Promise<void> {
  if (t.child.exitCode === null && t.child.signalCode === null) return;
  await new Promise((r) => setTimeout(r, 200)); // its last lines, still in the pipe
  assert.fail(`${what} stopped (${t.child.exitCode ?? t.child.signalCode}): ${said()}`);
}

function assertNoCache(res: Http, what: string): void {
  for (const [k, v] of Object.entries(NO_CACHE_HEADERS)) assert.equal(res.headers.get(k), v, `${what}: ${k}`);
}

/** The phone's lease, as ipconfig wrote it; /run is a fresh tmpfs of this one command, so nothing lands on the host. */
async function dhcpLease(): Promise<{ address: string; dns: string }> {
  const r = await phone.exec('sh', ['-c', `mount -t tmpfs tmpfs /run && ${IPCONFIG} -t 20 eth0 >&2 && cat /run/net-eth0.conf`], { timeoutMs: 40_000 });
  assert.equal(r.code, 0, `ipconfig got no lease: ${r.stderr}\ndnsmasq said: ${dnsmasqSaid()}`);
  const field = (name: string): string => new RegExp(`^${name}='([^']*)'$`, 'm').exec(r.stdout)?.[1] ?? '';
  return { address: field('IPV4ADDR'), dns: field('IPV4DNS0') };
}

describe('the hotspot\'s captive portal, from a phone', () => {
  before(async () => {
    // Without root, iproute2, dnsmasq or klibc-utils this fails saying so: a skip would pass unseen.
    assert.ok(await netnsAvailable(), 'needs root and iproute2 (network namespaces)');
    assert.ok(existsSync('/usr/sbin/dnsmasq'), 'needs Debian\'s dnsmasq: apt-get install dnsmasq-base');
    assert.ok(existsSync(IPCONFIG), 'needs klibc\'s ipconfig: apt-get install klibc-utils');
    assert.ok(existsSync(MASQ_SETUP), 'needs the built page: make build');
    lan = await createLan(sandbox, 2, { prefix: 'mqcp', subnet: `${HOTSPOT_NET.address.replace(/\d+$/, '0')}/${HOTSPOT_NET.prefix}` });
    [box, phone] = lan.hosts as [Host, Host];
    assert.equal(box.address, HOTSPOT_NET.address);
    // The phone joins with no address: DHCP gives it one.
    assert.equal((await phone.exec('ip', ['addr', 'flush', 'dev', 'eth0'])).code, 0);

    const dir = sandbox.tempDir('masq-portal-');
    const conf = join(dir, 'dnsmasq.conf');
    writeFileSync(conf, dnsmasqConfig({ iface: 'eth0', leaseFile: join(dir, 'leases'), pidFile: join(dir, 'dnsmasq.pid') }));
    dnsmasqLogFile = join(dir, 'dnsmasq.log');
    dnsmasq = box.spawn('dnsmasq', ['--keep-in-foreground', `--conf-file=${conf}`, `--log-facility=${dnsmasqLogFile}`, '--log-dhcp']);
    // Nothing answers on the Daemon's port in the box: the page runs without one, as on a fresh box's hotspot.
    page = box.spawn(process.execPath, [MASQ_SETUP, '--port', '80', '--address', '0.0.0.0', '--ui-port', String(await freePort())], { HOME: dir });
    await waitFor('dnsmasq to start', () => dnsmasqSaid().includes('DHCP, sockets bound') || dnsmasq.child.exitCode !== null, 10_000);
    await assertRunning(dnsmasq, 'dnsmasq', dnsmasqSaid);
    await waitFor('the setup page', () => page.output().includes('setup page:') || page.child.exitCode !== null, 15_000);
    await assertRunning(page, 'masq-setup');

    lease = await dhcpLease();
    // `ip netns exec` mounts this over /etc/resolv.conf for the phone's commands.
    const dirOfPhone = join('/etc/netns', phone.ns);
    netnsEtc = { phone: dirOfPhone, madeRoot: !existsSync('/etc/netns') };
    mkdirSync(dirOfPhone, { recursive: true });
    writeFileSync(join(dirOfPhone, 'resolv.conf'), `nameserver ${lease.dns}\noptions timeout:2 attempts:1\n`);
  });

  after(async () => {
    if (netnsEtc) {
      rmSync(netnsEtc.phone, { recursive: true, force: true });
      // Another test's namespace may have put its own file there meanwhile: /etc/netns goes only when empty.
      if (netnsEtc.madeRoot && readdirSync('/etc/netns').length === 0) rmdirSync('/etc/netns');
    }
    await lan?.cleanup();
    await sandbox.cleanup();
  });

  test('the phone gets an address of the hotspot and the box as its DNS, by DHCP; the page runs without a Daemon', () => {
    assert.match(lease.address, /^192\.168\.4\.\d+$/);
    assert.match(page.output(), /Cannot ask the Daemon/, 'the page noticed it has no Daemon, and kept running');
    assert.notEqual(lease.address, HOTSPOT_NET.address);
    assert.equal(lease.dns, HOTSPOT_NET.address);
  });

  test('every OS\'s probe, by name, is sent to the page instead of looking online; no answer may be cached', async () => {
    for (const probe of CAPTIVE_PROBES) {
      const url = `http://${probe.host}${probe.path}`;
      const res = await curl(url);
      assert.equal(res.exit, 0, `${url}: ${res.stderr}`);
      if (probe.online) {
        const online = res.status === probe.online.status && (probe.online.body === undefined || res.body === probe.online.body);
        assert.ok(!online, `${url} looks online to ${probe.os}`);
      }
      assert.equal(res.status, 302, url);
      assert.equal(res.headers.get('location'), PORTAL_URL, url);
      assertNoCache(res, url);
    }
  });

  test('any other name is sent to the page too, and following the redirect gives the setup page', async () => {
    const other = await curl('http://example.com/anything?x=1');
    assert.equal(other.status, 302, other.stderr);
    assert.equal(other.headers.get('location'), PORTAL_URL);
    const followed = await curl('http://captive.apple.com/hotspot-detect.html', ['-L', '--max-redirs', '3']);
    assert.equal(followed.exit, 0, followed.stderr);
    assert.equal(followed.status, 200);
    assert.match(followed.body, /<title>MASQ Node<\/title>/, 'the setup page itself');
    assert.match(followed.headers.get('content-type') ?? '', /^text\/html/);
  });

  test('HTTPS to a probe host is refused at once (curl 7), not left to time out', async () => {
    const started = Date.now();
    const res = await curl('https://captive.apple.com/');
    assert.equal(res.exit, 7, `curl exit ${res.exit}: ${res.stderr}`);
    assert.ok(Date.now() - started < 4000, 'refused, not timed out');
  });

  test('the RFC 8908 API answers its JSON with its media type, at the URL DHCP gives and under any name', async () => {
    for (const url of [CAPTIVE_API_URL, `http://captive.apple.com${CAPTIVE_API_PATH}`]) {
      const res = await curl(url);
      assert.equal(res.status, 200, `${url}: ${res.stderr}`);
      assert.equal(res.headers.get('content-type'), CAPTIVE_API_TYPE);
      assertNoCache(res, url);
      assert.deepEqual(JSON.parse(res.body), { captive: true, 'user-portal-url': PORTAL_URL });
    }
  });

  test('DHCP offers option 114 (RFC 8910): a DHCPINFORM from the phone\'s lease gets the API\'s URL', async () => {
    const ack = await dhcpInform(phone, lease.address, HOTSPOT_NET.address, [DHCP_OPTION_CAPTIVE_PORTAL]);
    assert.deepEqual([...(ack.options.get(DHCP.MESSAGE_TYPE) ?? [])], [DHCP.ACK], `a DHCPACK; dnsmasq said: ${dnsmasqSaid()}`);
    assert.equal(ack.options.get(DHCP_OPTION_CAPTIVE_PORTAL)?.toString('latin1'), CAPTIVE_API_URL);
  });

  test('the box\'s DNS: every name is the box for A, and AAAA gets no address (an empty answer, not an error)', async () => {
    const script = `
      const { Resolver } = require('node:dns').promises;
      const r = new Resolver({ timeout: 2000, tries: 1 });
      r.setServers([process.argv[1]]);
      (async () => {
        const out = {};
        for (const name of process.argv.slice(2)) {
          out[name] = { a: await r.resolve4(name).catch((e) => e.code), aaaa: await r.resolve6(name).catch((e) => e.code) };
        }
        console.log(JSON.stringify(out));
      })();`;
    const names = ['captive.apple.com', 'connectivitycheck.gstatic.com', 'www.msftconnecttest.com', 'nonexistent.invalid'];
    const r = await phone.exec(process.execPath, ['-e', script, lease.dns, ...names]);
    assert.equal(r.code, 0, r.stderr);
    const answers = JSON.parse(r.stdout) as Record<string, { a: unknown; aaaa: unknown }>;
    for (const name of names) assert.deepEqual(answers[name], { a: [HOTSPOT_NET.address], aaaa: 'ENODATA' }, name);
  });
});
