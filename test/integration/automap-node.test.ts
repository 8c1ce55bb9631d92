// A standard Node without --ip behind a home router (Debian's miniupnpd in a namespace doing NAT): it maps its
// clandestine port, advertises the router's public address, a Node outside reaches it through the mapping, the
// mapping is renewed and removed at shutdown; each protocol alone, the fallback order, no router, double NAT,
// and a change of the public address while the Node runs.

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Host } from '../helpers/netns.js';
import { MASQ, MASQ_NODE, type Result, Sandbox, type Tracked, hasStackTrace, waitFor } from '../helpers/processes.js';
import { type MiniupnpdOptions, type RouterLab, createRouterLab, requireTools } from '../helpers/router.js';

const sandbox = new Sandbox();
const PORT = 7777;
const UI_PORT = 5333;
const LIFETIME = 10;
const ONLY: Record<'pcp' | 'pmp' | 'igdp', MiniupnpdOptions> = {
  pcp: { upnp: false, natpmp: false, pcp: true, minLifetime: 5, maxLifetime: 300 },
  pmp: { upnp: false, natpmp: true, pcp: false },
  igdp: { upnp: true, natpmp: false, pcp: false },
};
const LABEL = { pcp: 'PCP', pmp: 'NAT-PMP', igdp: 'UPnP IGD' } as const;
let lab: RouterLab;
/** Nodes of the current test: stopped after it whatever happened, so the next one finds its ports free. */
const running: LabNode[] = [];

interface LabNode {
  process: Tracked;
  masq(...args: string[]): Promise<Result>;
  stop(): Promise<void>;
}

function startNode(host: Host, args: string[], dir: string): LabNode {
  const proc = host.spawn(MASQ_NODE, [
    '--neighborhood-mode', 'standard', '--chain', 'dev', '--db-password', 'automap', '--blockchain-service-url', 'http://127.0.0.1:1',
    '--clandestine-port', String(PORT), '--ui-port', String(UI_PORT), '--data-directory', dir, '--log-level', 'debug',
    '--mapping-lifetime', String(LIFETIME), ...args,
  ]);
  const node: LabNode = {
    process: proc,
    masq: (...a) => host.exec(MASQ, ['--ui-port', String(UI_PORT), ...a], { timeoutMs: 15_000 }),
    async stop() {
      if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM');
      await proc.exited;
    },
  };
  running.push(node);
  return node;
}

async function ready(node: LabNode): Promise<string> {
  await waitFor('the Node to be ready', () => node.process.output().includes('MASQ Node ready') || node.process.child.exitCode !== null, 30_000);
  assert.equal(node.process.child.exitCode, null, node.process.output());
  return node.process.output();
}

const descriptorOf = (out: string): string | undefined => /descriptor: +(masq:\/\/\S+)/.exec(out)?.[1];

/** The inside Node, started without --ip; its descriptor must carry the router's public address. */
async function inside(tag: string): Promise<{ node: LabNode; descriptor: string }> {
  const node = startNode(lab.lan, [], join(sandbox.tempDir(`masq-am-${tag}-`), 'data'));
  const out = await ready(node);
  const descriptor = descriptorOf(out);
  assert.ok(descriptor?.endsWith(`@${lab.routerWanAddress}:${PORT}`), `the descriptor has the public address:\n${out}`);
  return { node, descriptor: descriptor as string };
}

describe('automatic port mapping of a Node behind miniupnpd', () => {
  before(async () => {
    await requireTools(['miniupnpd', 'nft']);
    lab = await createRouterLab(sandbox, ONLY.pcp);
  });
  afterEach(async () => {
    for (const n of running.splice(0)) await n.stop();
  });
  after(async () => {
    await lab?.close();
    await sandbox.cleanup();
  });

  for (const protocol of ['pcp', 'pmp', 'igdp'] as const) {
    test(`${LABEL[protocol]} alone: mapped, reached from outside, renewed, removed at shutdown`, async () => {
      await lab.startMiniupnpd(ONLY[protocol]);
      const { node, descriptor } = await inside(protocol);
      const status = await node.masq('automap');
      assert.match(status.stdout, new RegExp(`Port mapping: +${LABEL[protocol]} on router ${lab.routerLanAddress.replace(/\./g, '\\.')}`), status.stdout);
      assert.match(status.stdout, new RegExp(`Public address: +${lab.routerWanAddress.replace(/\./g, '\\.')}:${PORT}`));
      assert.match(await lab.mappings(), new RegExp(`dnat ip to ${lab.lan.address.replace(/\./g, '\\.')}:${PORT}`));

      // A Node on the internet side joins through the mapping.
      const outside = startNode(lab.wan, ['--ip', lab.wanHostAddress, '--neighbors', descriptor], join(sandbox.tempDir('masq-am-out-'), 'data'));
      await ready(outside);
      await waitFor('the outside Node to link with the inside one', async () => (await outside.masq('connection-status')).stdout.includes('ConnectedToNeighbor'), 20_000, 500);
      assert.match(node.process.output(), new RegExp(`Established neighborship with \\S+ at ${lab.wanHostAddress.replace(/\./g, '\\.')}`));

      await waitFor('a renewal', () => /Renewed the port mapping with/.test(node.process.output()), (LIFETIME + 5) * 1000, 250);
      await outside.stop();
      await node.stop();
      assert.match(node.process.output(), /Removed the port mapping/);
      assert.doesNotMatch(await lab.mappings(), /dnat/, 'no mapping is left on the router');
    });
  }

  test('an IGD v1 device (WANIPConnection:1) maps as well', async () => {
    await lab.startMiniupnpd({ ...ONLY.igdp, igdV1: true });
    const { node } = await inside('igdv1');
    assert.match((await node.masq('automap')).stdout, /Port mapping: +UPnP IGD/);
    assert.match(await lab.mappings(), new RegExp(`dnat ip to ${lab.lan.address.replace(/\./g, '\\.')}:${PORT}`));
  });

  test('fallback: with only UPnP offered, PCP and NAT-PMP are tried first and the protocol is remembered', async () => {
    await lab.startMiniupnpd(ONLY.igdp);
    const dir = join(sandbox.tempDir('masq-am-fallback-'), 'data');
    const node = startNode(lab.lan, [], dir);
    await ready(node);
    const status = (await node.masq('automap')).stdout;
    assert.match(status, /Port mapping: +UPnP IGD/);
    assert.match(status, /Tried first: +PCP: .*; NAT-PMP: /, status);
    assert.match((await node.masq('configuration')).stdout, /Port mapping protocol:\s+IGDP/);
    await node.stop();
    // Started again, it asks UPnP first: nothing tried before it.
    const again = startNode(lab.lan, [], dir);
    await ready(again);
    assert.doesNotMatch((await again.masq('automap')).stdout, /Tried first/);
    await again.stop();
  });

  test('the public address changes while the Node runs: a new descriptor is gossiped, the Node stays up', async () => {
    await lab.startMiniupnpd(ONLY.pmp);
    const { node, descriptor } = await inside('change');
    const outside = startNode(lab.wan, ['--ip', lab.wanHostAddress, '--neighbors', descriptor], join(sandbox.tempDir('masq-am-out-'), 'data'));
    await ready(outside);
    await waitFor('the outside Node to link', async () => (await outside.masq('connection-status')).stdout.includes('ConnectedToNeighbor'), 20_000, 500);
    await lab.setWanAddress('11.22.33.9');
    await waitFor('the new address to be advertised', () => node.process.output().includes(`Advertising masq://dev:`) && /Advertising masq:\/\/dev:\S+@11\.22\.33\.9:7777/.test(node.process.output()), 20_000, 250);
    const shown = await node.masq('descriptor');
    assert.match(shown.stdout, /@11\.22\.33\.9:7777/);
    // The outside Node hears the new record over its link: its graph shows the inside Node at the new address.
    await waitFor('the outside Node to learn the new address', async () => (await outside.masq('neighborhood-graph')).stdout.includes('11.22.33.9'), 20_000, 500)
      .catch(async (e: unknown) => {
        throw new Error(`${String(e)}\ninside:\n${node.process.output().slice(-3000)}\noutside:\n${outside.process.output().split("\n").filter((l) => !l.includes("Node/UI")).join("\n").slice(-3000)}\ngraph:\n${(await outside.masq('neighborhood-graph')).stdout}`);
      });
    assert.equal(node.process.child.exitCode, null, 'the Node is still running');
    await outside.stop();
    await node.stop();
  });

  test('double NAT (the router\'s external address is private): a clear status and no crash', async () => {
    await lab.startMiniupnpd({ ...ONLY.pcp, natpmp: true, upnp: true, privateWan: true });
    const node = startNode(lab.lan, [], join(sandbox.tempDir('masq-am-dnat-'), 'data'));
    const out = await ready(node);
    assert.match(out, /descriptor: +\(none until the port is mapped/);
    const status = await node.masq('automap');
    assert.match(status.stdout, /Port mapping: +failed \(double-nat\)/, status.stdout);
    assert.match(status.stdout, /What to do: /);
    assert.ok(!hasStackTrace(node.process.output()));
    assert.equal(node.process.child.exitCode, null);
    await node.stop();
  });

  test('a router that refuses (UPnP 606): the status gives its answer and what to do', async () => {
    await lab.startMiniupnpd({ ...ONLY.igdp, denyAll: true });
    const node = startNode(lab.lan, [], join(sandbox.tempDir('masq-am-deny-'), 'data'));
    await ready(node);
    const status = (await node.masq('automap')).stdout;
    assert.match(status, /Port mapping: +failed \(refused\)/, status);
    assert.match(status, /606/);
    assert.match(status, /What to do: +Allow port mapping/);
    assert.equal(node.process.child.exitCode, null);
  });

  test('a router answering garbage and oversized datagrams: refused replies, the Node stays up', async () => {
    // Started with PCP and NAT-PMP on, so the lab's filter lets both kinds of datagram reach port 5351; then stopped.
    await lab.startMiniupnpd({ upnp: false, natpmp: true, pcp: true });
    await lab.stopMiniupnpd();
    // On the router's port 5351: a short garbage reply, then a 4 KiB one, to every request.
    const garbage = lab.router.spawn(process.execPath, ['-e', `
      const s = require('node:dgram').createSocket('udp4');
      s.on('message', (m, r) => { s.send(Buffer.from('not a reply'), r.port, r.address); s.send(Buffer.alloc(4096, 7), r.port, r.address); });
      s.bind(5351, () => console.log('garbage router'));`]);
    await waitFor('the garbage router', () => garbage.output().includes('garbage router'), 5_000);
    const node = startNode(lab.lan, [], join(sandbox.tempDir('masq-am-garbage-'), 'data'));
    await ready(node);
    const status = (await node.masq('automap')).stdout;
    assert.match(status, /Port mapping: +failed \(malformed\)/, status);
    assert.ok(!hasStackTrace(node.process.output()), node.process.output());
    assert.equal(node.process.child.exitCode, null);
    garbage.child.kill('SIGKILL');
  });

  test('no router answers: the status says so and the Node keeps running', async () => {
    await lab.stopMiniupnpd();
    const node = startNode(lab.lan, [], join(sandbox.tempDir('masq-am-none-'), 'data'));
    await ready(node);
    const status = await node.masq('automap');
    assert.match(status.stdout, /Port mapping: +failed \(no-answer\)/, status.stdout);
    assert.match(status.stdout, /did not answer PCP, NAT-PMP or UPnP/);
    assert.equal(node.process.child.exitCode, null);
    await node.stop();
  });
});
