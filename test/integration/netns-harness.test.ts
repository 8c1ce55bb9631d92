// The network-namespace harness with real namespaces, a real Node HTTP server and the real curl binary.
// Needs root and iproute2: without them every test fails with a message saying so (a skip would pass unseen).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Host, type Lan, createLan, namespacesWithPrefix, netnsAvailable, processAlive } from '../helpers/netns.js';
import { type Result, Sandbox, type Tracked, run, waitFor } from '../helpers/processes.js';

const PREFIX = 'mqtharness';
const PORT = 8080;
const sandbox = new Sandbox();
const lans: Lan[] = [];
let available = false;

// One process, two listeners on the same port: the LAN address and this namespace's own loopback.
const SERVER = `const http = require('node:http');
const reply = (req, res) => res.end('hello from ' + process.argv[1]);
let up = 0;
const ready = () => { if (++up === 2) console.log('listening'); };
http.createServer(reply).listen(${PORT}, process.argv[1], ready);
http.createServer(reply).listen(${PORT}, '127.0.0.1', ready);`;

async function lan(count: number, opts: Parameters<typeof createLan>[2] = {}): Promise<Lan> {
  const l = await createLan(sandbox, count, { prefix: PREFIX, ...opts });
  lans.push(l);
  return l;
}

function requireNetns(): void {
  assert.ok(available, 'These tests need network namespaces: run them as root on Linux with iproute2 (`ip netns add` must work).');
}

/** This process's namespaces with the test prefix (another run of this file may have its own meanwhile). */
async function mine(): Promise<string[]> {
  return (await namespacesWithPrefix(PREFIX)).filter((ns) => ns.startsWith(`${PREFIX}-${process.pid}-`));
}

/** A Node HTTP server as a real process in the host, on its LAN address and its loopback. */
async function serve(host: Host): Promise<Tracked> {
  const server = host.spawn(process.execPath, ['-e', SERVER, host.address]);
  await waitFor(`the server in ${host.name}`, () => server.output().includes('listening') || server.child.exitCode !== null, 10_000, 20);
  assert.ok(server.output().includes('listening'), server.output());
  return server;
}

const curl = (host: Host, address: string): Promise<Result> => host.exec('curl', ['-sS', '--max-time', '5', `http://${address}:${PORT}/`], { timeoutMs: 8_000 });

async function reaches(from: Host, to: Host): Promise<void> {
  const fetched = await curl(from, to.address);
  assert.equal(fetched.code, 0, `${from.name} → ${to.name}: ${fetched.stderr}`);
  assert.equal(fetched.stdout, `hello from ${to.address}`);
}

const gone = (pids: number[]): Promise<boolean> => waitFor('processes to be gone', () => pids.every((p) => !processAlive(p)), 3_000, 20);

before(async () => { available = await netnsAvailable(); });

after(async () => {
  for (const l of lans) await l.cleanup();
  await sandbox.cleanup();
});

test('three hosts: HTTP across the LAN, separate loopbacks, no route out, nothing left after cleanup', async () => {
  requireNetns();
  const l = await lan(3);
  assert.match(l.subnet, /^10\.77\.\d+\.0\/24$/);
  const [h0, h1, h2] = l.hosts;
  assert.ok(h0 && h1 && h2);
  assert.equal(new Set(l.hosts.map((h) => h.address)).size, 3);

  const server = await serve(h0);
  await reaches(h2, h0);

  // Host 0 reaches its own loopback listener; host 1's 127.0.0.1 is its own, where nothing listens.
  assert.equal((await curl(h0, '127.0.0.1')).stdout, `hello from ${h0.address}`);
  const other = await curl(h1, '127.0.0.1');
  assert.notEqual(other.code, 0);
  assert.match(other.stderr, /refused|Couldn't connect/i);

  for (const h of l.hosts) {
    const out = await h.exec('ip', ['route', 'get', '1.1.1.1'], { timeoutMs: 5_000 });
    assert.notEqual(out.code, 0, `${h.name} has a route out: ${out.stdout}`);
    assert.match(out.stderr, /unreachable/i);
    const neighbour = await h.exec('ip', ['route', 'get', l.hosts[(l.hosts.indexOf(h) + 1) % 3]?.address ?? '']);
    assert.match(neighbour.stdout, /dev eth0/);
  }
  const root = await run('ip', ['-o', 'link', 'show'], {}, 5_000);
  assert.doesNotMatch(root.stdout, new RegExp(`${PREFIX}|\\bbr0\\b`), 'the root namespace got a link of the LAN');

  // A process the LAN did not start itself (orphaned by its shell) must die with the LAN too.
  const orphan = await h1.exec('sh', ['-c', 'sleep 300 >/dev/null 2>&1 </dev/null & echo $!']);
  const orphanPid = Number(orphan.stdout.trim());
  assert.ok(orphanPid > 0 && processAlive(orphanPid), orphan.stdout + orphan.stderr);
  const serverPid = server.child.pid;
  assert.ok(serverPid);

  assert.equal((await mine()).length, 4);
  await l.cleanup();
  await l.cleanup();
  assert.deepEqual(await mine(), []);
  assert.ok(await gone([serverPid, orphanPid]), 'a process of the LAN outlived its cleanup');
});

test('createLan twice in a row, and two LANs at once, each a working LAN', async () => {
  requireNetns();
  const first = await lan(2);
  const second = await lan(2);
  assert.notEqual(first.bridgeNs, second.bridgeNs);
  assert.notEqual(first.hosts[0]?.ns, second.hosts[0]?.ns);
  for (const l of [first, second]) {
    const [a, b] = l.hosts;
    assert.ok(a && b);
    await serve(b);
    await reaches(a, b);
  }
  await first.cleanup();
  await second.cleanup();
  const third = await lan(2, { subnet: '10.99.0.0/16' });
  assert.equal(third.subnet, '10.99.0.0/16');
  assert.deepEqual(third.hosts.map((h) => h.address), ['10.99.0.1', '10.99.0.2']);
  const [a, b] = third.hosts;
  assert.ok(a && b);
  await serve(a);
  await reaches(b, a);
  await third.cleanup();
  assert.deepEqual(await mine(), []);
});

test('a half-built or damaged LAN is cleaned up all the same', async () => {
  requireNetns();
  await assert.rejects(lan(4, { failAfterHosts: 2 }), /stopped after 2 hosts/);
  assert.deepEqual(await mine(), [], 'a LAN that failed while building left namespaces behind');

  const l = await lan(2);
  const [a, b] = l.hosts;
  assert.ok(a && b);
  const sleeper = b.spawn('sleep', ['300']);
  const sleeperPid = sleeper.child.pid;
  assert.ok(sleeperPid);
  await waitFor('the sleeper to run', () => processAlive(sleeperPid), 3_000, 20);
  // Someone else already removed host 0's namespace (and with it the veth pair).
  assert.equal((await run('ip', ['netns', 'del', a.ns], {}, 5_000)).code, 0);
  await l.cleanup();
  assert.deepEqual(await mine(), []);
  assert.ok(await gone([sleeperPid]));
});

test('namespaces left by a dead process are swept; bad arguments are refused', async () => {
  requireNetns();
  const dead = sandbox.spawn('true', []);
  await dead.exited;
  const deadPid = dead.child.pid;
  assert.ok(deadPid && !processAlive(deadPid));
  const stale = `${PREFIX}-${deadPid}-1-br`;
  assert.equal((await run('ip', ['netns', 'add', stale], {}, 5_000)).code, 0);
  try {
    const l = await lan(1);
    assert.ok(!(await namespacesWithPrefix(PREFIX)).includes(stale), 'the stale namespace is still there');
    await l.cleanup();
  } finally {
    await run('ip', ['netns', 'del', stale], {}, 5_000);
  }

  await assert.rejects(lan(0), /holds 1 to 250 hosts/);
  await assert.rejects(lan(3, { subnet: '10.1.2.0/30' }), /prefix 8 to 29/);
  await assert.rejects(lan(7, { subnet: '10.1.2.0/29' }), /holds 1 to 6 hosts/);
  await assert.rejects(lan(1, { subnet: '10.1.2.1/24' }), /host bits/);
  await assert.rejects(lan(1, { prefix: 'bad-prefix' }), /prefix must be/);
  assert.deepEqual(await mine(), []);
});
