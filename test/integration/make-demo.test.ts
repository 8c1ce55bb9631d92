// `make demo` (scripts/demo.ts): a network of Node processes on loopback addresses that a user can point curl at,
// honouring MASQ_* variables; Ctrl-C stops every Node.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ROOT, Sandbox, freePort, hasStackTrace, run, waitFor } from '../helpers/processes.js';

const sandbox = new Sandbox();
after(() => sandbox.cleanup());

function pidsOf(pattern: string): Promise<string[]> {
  return run('pgrep', ['-f', pattern]).then((r) => r.stdout.split('\n').filter(Boolean));
}

test('make demo starts a network, prints the proxy, carries curl through it, and Ctrl-C stops it all', async () => {
  const web = createServer((req, res) => res.end(`demo page ${req.url}`));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  try {
    const proxy = await freePort();
    const dir = sandbox.tempDir('masq-demo-');
    const t = sandbox.spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts')], {
      MASQ_EXIT_PRIVATE_DESTINATIONS: 'on', MASQ_PROXY_PORT: String(proxy), MASQ_DEMO_DIR: dir, MASQ_DEMO_NODES: '6',
    }, true);
    await waitFor('the demo to be up', () => t.output().includes('Stop:    Ctrl-C') || t.child.exitCode !== null, 120_000, 250);
    const out = t.output();
    assert.match(out, /The demo network is up: 6 Nodes/, out);
    assert.ok(out.includes(`Your Node's proxy:  127.0.0.1:${proxy}`));
    const nodes = await pidsOf(`masq-node.*--data-directory ${dir}`);
    assert.equal(nodes.length, 6, 'six Node processes');
    const webPort = (web.address() as { port: number }).port;
    for (const how of [['-x', `http://127.0.0.1:${proxy}`], ['--socks5-hostname', `127.0.0.1:${proxy}`]]) {
      const page = await run('curl', ['-sS', '--max-time', '20', ...how, `http://127.0.0.1:${webPort}/through-the-mesh`]);
      assert.equal(page.stdout, 'demo page /through-the-mesh', page.stderr);
    }
    process.kill(-(t.child.pid as number), 'SIGINT');
    const exit = await Promise.race([t.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    assert.notEqual(exit, 'hung');
    await waitFor('every Node to be gone', async () => (await pidsOf(`masq-node.*--data-directory ${dir}`)).length === 0, 10_000);
    assert.match(t.output(), /Demo network stopped/);
    assert.ok(!hasStackTrace(t.output()));
  } finally {
    web.close();
  }
});
