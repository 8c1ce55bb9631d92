// One owner for the wallets at run time, against real Node processes on loopback: a Node started without a
// consuming wallet cannot pay for streams; `masq generate-wallets` on it while it runs lets its next stream over
// a 3-hop route through the others be paid for (the relays accept its payer proofs), without a restart.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { NETWORK_DEFAULTS, startNetwork, type Network } from '../helpers/loopback-network.js';
import { MASQ, MASQ_NODE, Sandbox, freePort, run, waitFor } from '../helpers/processes.js';

const sandbox = new Sandbox();
let net: Network | undefined;
const target = createServer((_req, res) => res.end('paid-through'));
after(async () => {
  await net?.stop();
  await sandbox.cleanup();
  target.close();
});

/** A GET through the Node's HTTP proxy; undefined when the proxy refuses or drops it. */
function viaProxy(proxyPort: number, url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: proxyPort, path: url, headers: { Host: new URL(url).host }, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => { body += b.toString(); });
      res.on('end', () => resolve(res.statusCode === 200 ? body : undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

test('wallets generated on a running Node pay for its next stream over the mesh', { timeout: 240_000 }, async () => {
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(target.address() as { port: number }).port}/`;
  const dir = sandbox.tempDir();
  const env = { ...NETWORK_DEFAULTS, MASQ_EXIT_PRIVATE_DESTINATIONS: 'on', MASQ_MIN_HOPS: '3' };
  // Six others, more than a Node's five neighbors: with fewer, the unpaid Node can become every Node's neighbor, and an
  // exit may not be the originator's neighbor (it would learn who asks), so no route could exist.
  net = await startNetwork({ count: 6, dir: join(dir, 'paid'), env, onUnexpectedExit: (n, code) => assert.fail(`Node ${n.index + 1} exited with ${code}:\n${n.output()}`) });
  const unpaidEnv = Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'MASQ_CONSUMING_PRIVATE_KEY'));
  const [ui, proxy, clandestine] = [await freePort(), await freePort(), await freePort('0.0.0.0')];
  const me = sandbox.spawn(MASQ_NODE, [
    '--ip', '127.0.0.109', '--clandestine-port', String(clandestine), '--ui-port', String(ui), '--proxy-port', String(proxy),
    '--data-directory', join(dir, 'unpaid'), '--neighbors', net.descriptor,
  ], unpaidEnv);
  await waitFor('the unpaid Node ready', () => me.output().includes('MASQ Node ready'), 30_000);
  assert.match(me.output(), /No consuming wallet/);
  // What the unpaid Node knows and said, when a wait runs out.
  const explain = async (e: unknown): Promise<never> => {
    const graph = (await run(MASQ, ['--ui-port', String(ui), 'neighborhood-graph'], {}, 5000)).stdout;
    throw new Error(`${String(e)}\n${graph}\n${me.output().split('\n').filter((l) => !l.includes('Node/UI')).slice(-40).join('\n')}`);
  };
  await waitFor('a route from the unpaid Node', async () => (await run(MASQ, ['--ui-port', String(ui), 'connection-status'], {}, 5000)).stdout.includes('RouteFound'), 90_000, 250).catch(explain);
  assert.equal(await viaProxy(proxy, url), undefined, 'without a consuming wallet no stream is paid for');

  const made = await run(MASQ, ['--ui-port', String(ui), 'generate-wallets', '--db-password', NETWORK_DEFAULTS.MASQ_DB_PASSWORD as string]);
  assert.equal(made.code, 0, made.stderr);
  await waitFor('the Node taking the wallets up', () => me.output().includes('Wallets updated'), 10_000);
  const body = await waitFor('a paid stream through the mesh', () => viaProxy(proxy, url), 60_000, 500).catch(explain);
  assert.equal(body, 'paid-through');
  assert.equal(me.child.exitCode, null, 'no restart');
});
