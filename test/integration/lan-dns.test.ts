// The whole-home DNS mode, all real: the mesh the mesh tests build (test/helpers/mesh-lab.ts), one of whose hosts
// becomes the box (its Daemon, masq-setup on ports 80, 443 and 53, and, driven by them, its standard Node joining
// the mesh with lan-dns on) and another the phone, whose only setting is the box as DNS server (its own
// /etc/netns/<ns>/resolv.conf, which `ip netns exec` mounts over /etc/resolv.conf). The phone fetches http:// and
// https:// pages of a server by name with plain curl, no proxy option: the box's DNS answered with the box's address,
// its ports 80 and 443 handed the connections to the Node, the server saw a Node of the mesh and not the phone, and
// the bytes match. The box itself, whose resolver is the box too (as a router handing out the box as DNS does),
// still resolves the RPC host's real address; the setup page answers at the box's own name; with lan-dns off the
// DNS server refuses and port 443 is closed.
//
// The web host also runs dnsmasq: the real names of web.masq.test and rpc.masq.test, for the exits (dns-servers)
// and as the box's upstream (its default route points there).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BIG_BYTES, CLANDESTINE_PORT, PROXY_PORT, UI_PORT, bigSha256, startMeshLab } from '../helpers/mesh-lab.js';
import { type Host, netnsAvailable } from '../helpers/netns.js';
import { MASQ, MASQ_NODE, ROOT, Sandbox, run, waitFor } from '../helpers/processes.js';

const sandbox = new Sandbox();
const netnsDirs: string[] = [];
after(async () => {
  for (const d of netnsDirs) rmSync(d, { recursive: true, force: true });
  await sandbox.cleanup();
});

const SITE = 'web.masq.test';
const RPC = 'rpc.masq.test';

// HTTP on 80 and HTTPS on 443: /big is the mesh lab's pattern, anything else names the Host; every request's peer
// address is printed, so the test can tell who reached the server.
const SITE_SERVER = (dir: string): string => `
const fs = require('node:fs');
const crypto = require('node:crypto');
const block = crypto.createHash('sha512').update('masq').digest();
const big = Buffer.alloc(${BIG_BYTES});
for (let i = 0; i < big.length; i += block.length) block.copy(big, i);
const handle = (req, res) => {
  console.log('peer ' + req.socket.remoteAddress.replace(/^::ffff:/, '') + ' ' + req.url);
  res.end(req.url === '/big' ? big : 'site ' + req.headers.host + req.url);
};
require('node:http').createServer(handle).listen(80, '0.0.0.0');
require('node:https').createServer({ key: fs.readFileSync('${dir}/key.pem'), cert: fs.readFileSync('${dir}/cert.pem') }, handle)
  .listen(443, '0.0.0.0', () => console.log('serving'));
`;

/** A shell line on a host; stdout, or a failure with what it said. */
async function sh(host: Host, line: string, timeoutMs = 60_000): Promise<string> {
  const r = await host.exec('sh', ['-c', line], { timeoutMs });
  assert.equal(r.code, 0, `${line}: ${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}

/** The host's DNS server, and a hosts file of its own (the test machine's names the box's, as on a real LAN). */
function resolvConf(host: Host, server: string): void {
  const dir = `/etc/netns/${host.ns}`;
  mkdirSync(dir, { recursive: true });
  netnsDirs.push(dir);
  writeFileSync(join(dir, 'resolv.conf'), `nameserver ${server}\noptions timeout:2 attempts:2\n`);
  writeFileSync(join(dir, 'hosts'), '127.0.0.1 localhost\n');
}

test('a phone whose DNS is the box reaches http and https sites through the mesh with no proxy setting', { timeout: 300_000 }, async () => {
  assert.ok(await netnsAvailable(), 'network namespaces are needed (root and iproute2)');
  const certDir = sandbox.tempDir('masq-site-');
  const made = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${SITE}`,
    '-addext', `subjectAltName=DNS:${SITE}`, '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], {}, 30_000);
  assert.equal(made.code, 0, made.stderr);

  let site: ReturnType<Host['spawn']> | undefined;
  // Four Nodes, and two spare hosts for the box and the phone: more others than the box takes as neighbors, so an exit
  // that is not its neighbor exists for a 3-hop route.
  const lab = await startMeshLab(sandbox, 4, {
    prefix: 'mqdns', spareHosts: 2,
    beforeNodes: async (web) => {
      const dns = web.spawn('dnsmasq', ['--keep-in-foreground', '--no-resolv', '--no-hosts', '--bind-interfaces', `--listen-address=${web.address}`,
        '--except-interface=lo', `--address=/${SITE}/${web.address}`, `--address=/${RPC}/${web.address}`, '--log-facility=-', '--pid-file=', '--user=root']);
      await waitFor('dnsmasq on the web host', () => dns.output().includes('started'), 10_000);
      site = web.spawn(process.execPath, ['-e', SITE_SERVER(certDir)]);
      await waitFor('the site', () => site?.output().includes('serving'), 10_000);
      return { MASQ_DNS_SERVERS: web.address };
    },
  });
  const [box, phone] = lab.spares;
  const web = lab.web.host;
  assert.ok(box && phone && site);
  resolvConf(phone, box.address);
  resolvConf(box, box.address);
  await sh(box, `ip route add default via ${web.address}`);

  const home = sandbox.tempDir('masq-dnsbox-');
  const env = {
    ...lab.nodes[0]?.env, MASQ_CONSUMING_PRIVATE_KEY: randomBytes(32).toString('hex'), MASQ_EARNING_WALLET: `0x${randomBytes(20).toString('hex')}`, HOME: home, MASQ_DATA_DIRECTORY: join(home, 'data'), MASQ_IP: box.address, MASQ_CLANDESTINE_PORT: String(CLANDESTINE_PORT),
    MASQ_PROXY_PORT: String(PROXY_PORT), MASQ_NEIGHBORS: lab.descriptor, MASQ_SETUP_PAGE_LAN: 'on', MASQ_SCANS: 'off',
  };
  const daemon = box.spawn(MASQ_NODE, ['--initialization', '--ui-port', String(UI_PORT)], env);
  await waitFor('the box\'s Daemon', () => daemon.output().includes(`UI port ${UI_PORT}`), 15_000);
  const page = box.spawn(join(ROOT, 'bin', 'masq-setup'), ['--port', '80', '--https-port', '443', '--dns-port', '53', '--address', '0.0.0.0', '--ui-port', String(UI_PORT)], env);
  await waitFor('the box\'s setup page', () => page.output().includes('setup page:'), 15_000);
  assert.match(page.output(), /DNS mode doors: HTTPS on 443, DNS on 53/);
  const masq = (...args: string[]) => box.exec(MASQ, ['--ui-port', String(UI_PORT), ...args], { timeoutMs: 15_000, env: { HOME: home } });
  // As from the dashboard or masq setup, before the Node starts (the Node reads it at its start).
  assert.match((await masq('setup', '--lan-dns', 'on')).stdout, /lan-dns\s+on\s+Set/);
  const started = await masq('start');
  assert.equal(started.code, 0, started.stderr);
  await waitFor('the box\'s Node to find a route', async () => (await masq('connection-status')).stdout.includes('RouteFound'), 60_000, 500)
    .catch(async (e: unknown) => { throw new Error(`${String(e)}\n${(await masq('neighborhood-graph')).stdout}\n${daemon.output().slice(-3000)}`); });

  // The phone's DNS is the box: every name is the box; the box's own names too.
  const phoneSees = async (): Promise<string> => (await phone.exec('sh', ['-c', `getent ahostsv4 ${SITE} | head -n1 | cut -d' ' -f1`], { timeoutMs: 15_000 })).stdout.trim();
  await waitFor('the box\'s DNS to answer the phone', async () => (await phoneSees()) === box.address || undefined, 15_000, 500);
  // The box asks itself too, and gets the real address from upstream.
  assert.equal(await sh(box, `getent ahostsv4 ${RPC} | head -n1 | cut -d' ' -f1`), web.address);

  // Plain curl, no proxy: the bytes of http and https pages come through the mesh whole.
  const sum = (url: string, extra = ''): Promise<string> => sh(phone, `curl -sS --fail --max-time 60 ${extra} ${url} | sha256sum | cut -d' ' -f1`);
  assert.equal(await sum(`http://${SITE}/big`), bigSha256());
  assert.equal(await sum(`https://${SITE}/big`, `--cacert ${join(certDir, 'cert.pem')}`), bigSha256());
  assert.equal(await sh(phone, `curl -sS --fail --max-time 30 http://${SITE}/hello`), `site ${SITE}/hello`);
  const peers = [...(site.output().matchAll(/^peer (\S+) /gm))].map((m) => m[1]);
  const meshNodes = lab.nodes.map((n) => n.host.address);
  assert.ok(peers.length >= 3 && peers.every((p) => p !== undefined && meshNodes.includes(p)), `the site saw Nodes of the mesh only, not ${peers.join(', ')}`);

  // The setup page still answers at the box's own name (and address).
  for (const name of [hostname().toLowerCase(), box.address]) {
    assert.match(await sh(phone, `curl -sS --fail --max-time 15 http://${name}/`), /<html/i, `the page at ${name}`);
  }

  // Off (with the Node stopped, as for every Node parameter): the DNS server refuses, port 443 closes at once.
  assert.equal((await masq('shutdown')).code, 0);
  await waitFor('the Node to stop', async () => (await masq('setup', '--lan-dns', 'off')).stdout.match(/lan-dns\s+off\s+Set/) ?? undefined, 20_000, 500);
  await waitFor('the DNS server to refuse', async () => (await phone.exec('getent', ['ahostsv4', 'other.masq.test'], { timeoutMs: 15_000 })).code !== 0, 15_000, 500);
  const closed = await phone.exec('curl', ['-sS', '--max-time', '10', '--cacert', join(certDir, 'cert.pem'), '--resolve', `${SITE}:443:${box.address}`, `https://${SITE}/`], { timeoutMs: 15_000 });
  assert.notEqual(closed.code, 0, 'no site through port 443 while the mode is off');
  assert.ok(!/at [^\n]*\n/.test(page.output().split('\n').filter((l) => /Error|TypeError/.test(l)).join('\n')), 'no stack trace');
});
