// What `make run` runs after building: the Daemon, a zero-hop Node a newcomer can use at once and the setup page;
// Ctrl-C stops all.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ROOT, Sandbox, freePort, run, waitFor } from '../helpers/processes.js';

const sandbox = new Sandbox();
after(() => sandbox.cleanup());

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

test('run.sh prints where things are, serves the proxy and the setup page, and Ctrl-C stops them all', async () => {
  const web = createServer((_req, res) => res.end('page'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  try {
    const [ui, proxy, setupPage] = [await freePort(), await freePort(), await freePort()];
    const home = sandbox.tempDir();
    const t = sandbox.spawn(join(ROOT, 'scripts', 'run.sh'), [], {
      HOME: home, MASQ_UI_PORT: String(ui), MASQ_PROXY_PORT: String(proxy), MASQ_SETUP_PAGE_PORT: String(setupPage),
      MASQ_DATA_DIRECTORY: join(home, 'data'), MASQ_STATE_DIRECTORY: join(home, 'state'), MASQ_EXIT_PRIVATE_DESTINATIONS: 'on',
    }, true);
    await waitFor('the usage tips', () => t.output().includes('Stop:    Ctrl-C'), 20_000);
    const out = t.output();
    assert.match(out, new RegExp(`proxy: +127\\.0\\.0\\.1:${proxy}`));
    assert.match(out, /UI port: +\d+/);
    assert.match(out, new RegExp(`MASQ Daemon: UI port ${ui}`));
    assert.ok(out.includes(`data directory: ${join(home, 'data')}/base-mainnet`));
    assert.match(out, /neighborhood-mode|zero-hop/);
    // The setup page, where a newcomer walks the wizard, with the code that claims the box.
    assert.ok(out.includes(`setup page: http://127.0.0.1:${setupPage}/`), out);
    const code = /give the setup code ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(out)?.[1];
    assert.ok(code, 'the setup code is printed');
    const state = await run('curl', ['-sS', '--max-time', '10', `http://127.0.0.1:${setupPage}/api/state`]);
    assert.equal(JSON.parse(state.stdout).phase, 'claim');
    const webPort = (web.address() as { port: number }).port;
    const page = await run('curl', ['-sS', '--max-time', '10', '-x', `http://127.0.0.1:${proxy}`, `http://127.0.0.1:${webPort}/`]);
    assert.equal(page.stdout, 'page');

    const pgid = t.child.pid as number;
    process.kill(-pgid, 'SIGINT'); // what the terminal does on Ctrl-C
    const exit = await Promise.race([t.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
    assert.notEqual(exit, 'hung', 'stopped within 15 s');
    await waitFor('every process of the group to be gone', () => !groupAlive(pgid), 5000);
    assert.match(t.output(), /MASQ Node stopped/);
    assert.ok(!/\n\s+at .+:\d+:\d+/.test(t.output()), 'no stack trace');
  } finally {
    web.close();
  }
});
