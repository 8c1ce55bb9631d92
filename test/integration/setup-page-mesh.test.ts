// The setup page of a standard Node that joins a real mesh: the namespace network the mesh tests build
// (test/helpers/mesh-lab.ts), one of whose hosts becomes the box — its own Daemon, masq-setup and, driven by them,
// its Node. Chromium runs inside that host's namespace (playwright drives it over a pipe), so the page is at
// 127.0.0.1 there, as on a box. The owner walks the wizard with the first Node's descriptor as neighbor; the live
// view shows the Debut and the route, and the dashboard shows the real neighbors. Another host of the LAN gets
// the page only once setup-page-lan is on.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, withBrowser } from '../helpers/browser.js';
import { CLANDESTINE_PORT, PROXY_PORT, UI_PORT, WEB_PORT, startMeshLab } from '../helpers/mesh-lab.js';
import { netnsAvailable } from '../helpers/netns.js';
import { MASQ, MASQ_NODE, ROOT, Sandbox, waitFor } from '../helpers/processes.js';

const sandbox = new Sandbox();
after(() => sandbox.cleanup());

const PAGE_PORT = 5390;
const ADMIN = 'tulip hammer lantern 42';
const DB = 'copper meadow falcon 9';

test('a standard Node set up from the page joins the mesh: Debut, a route, its real neighbors on the dashboard', { timeout: 300_000 }, async () => {
  assert.ok(await netnsAvailable(), 'network namespaces are needed (root and iproute2)');
  // Four Nodes; the last one's host becomes the box (its lab Node is stopped first), so the box has three others
  // to build a 3-hop route from.
  const lab = await startMeshLab(sandbox, 4, { prefix: 'mqpage' });
  const spare = lab.nodes[3];
  assert.ok(spare);
  await spare.stop();
  const host = spare.host;
  const home = sandbox.tempDir('masq-box-');
  const env = {
    HOME: home, MASQ_DATA_DIRECTORY: join(home, 'data'), MASQ_IP: host.address, MASQ_CLANDESTINE_PORT: String(CLANDESTINE_PORT),
    MASQ_PROXY_PORT: String(PROXY_PORT), MASQ_EXIT_PRIVATE_DESTINATIONS: 'on', MASQ_LOG_LEVEL: 'info', MASQ_SCANS: 'off',
  };
  const daemon = host.spawn(MASQ_NODE, ['--initialization', '--ui-port', String(UI_PORT)], env);
  await waitFor('the box\'s Daemon', () => daemon.output().includes(`UI port ${UI_PORT}`), 15_000);
  // On all addresses, as the box's socket listens; whether the LAN may use it is the page's own decision.
  const page = host.spawn(join(ROOT, 'bin', 'masq-setup'), ['--port', String(PAGE_PORT), '--address', '0.0.0.0', '--ui-port', String(UI_PORT)], env);
  await waitFor('the box\'s setup page', () => page.output().includes('setup page:'), 15_000);
  const masq = (...args: string[]) => host.exec(MASQ, ['--ui-port', String(UI_PORT), ...args], { timeoutMs: 15_000, env: { HOME: home } });
  const code = /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec((await masq('setup-code')).stdout)?.[1];
  assert.ok(code, 'masq setup-code shows the code');

  // Chromium inside the box's namespace.
  const wrapper = join(sandbox.tempDir('masq-chromium-'), 'chromium');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${host.ns} ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  try {
    await withBrowser(async (browser) => {
      const p = await browser.open('desktop', `http://127.0.0.1:${PAGE_PORT}/`);
      const { page: tab } = p;
      await tab.getByLabel('Setup code').pressSequentially(code);
      await tab.getByRole('button', { name: 'Continue' }).click();
      await tab.getByLabel('Admin password').fill(ADMIN);
      await tab.getByLabel('The same password again').fill(ADMIN);
      await tab.getByRole('button', { name: 'Save the password' }).click();

      await tab.getByRole('textbox', { name: 'Database password', exact: true }).fill(DB);
      await tab.getByLabel('The same password again').fill(DB);
      await tab.getByText('No, wait for me').click();
      await tab.getByRole('button', { name: 'Next' }).click();
      await tab.getByRole('heading', { name: 'Blockchain' }).waitFor();
      await tab.getByLabel('Blockchain', { exact: true }).selectOption('dev');
      await tab.getByLabel('Blockchain service URL').fill('http://127.0.0.1:8545');
      await tab.getByRole('button', { name: 'Next' }).click();
      await tab.getByRole('heading', { name: 'Wallets' }).waitFor();
      await tab.getByRole('button', { name: 'Create the wallets' }).click();
      await tab.getByText('Write these words down on paper').waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
        throw new Error(`${String(e)}\nThe page said: ${await tab.locator('main').innerText()}\nThe Daemon said: ${daemon.output().slice(-3000)}`);
      });
      const words = await tab.locator('ol.phrase .word').allTextContents();
      await tab.getByRole('button', { name: 'I have written them down' }).click();
      for (const input of await tab.getByLabel(/^Word number \d+$/).all()) {
        const n = Number(/\d+/.exec((await input.getAttribute('name')) ?? '')?.[0]);
        await input.fill(words[n - 1] as string);
      }
      await tab.getByRole('button', { name: 'Check the words' }).click();
      await tab.getByText('The wallets are ready.').waitFor();
      await tab.getByRole('button', { name: 'Next' }).click();

      await tab.getByRole('heading', { name: 'Neighborhood' }).waitFor();
      await tab.getByText('Standard', { exact: true }).click();
      await tab.getByLabel('Neighbors').fill(lab.descriptor);
      await tab.getByRole('button', { name: 'Next' }).click();
      await tab.getByRole('heading', { name: 'Review and start' }).waitFor();
      await tab.getByRole('button', { name: 'Start the Node' }).click();

      // The live view: started, Debut answered, a route found — from the UI protocol's broadcasts.
      await tab.getByRole('heading', { name: 'Starting the Node' }).waitFor({ timeout: 30_000 });
      await tab.locator('.milestones li.done').nth(2).waitFor({ timeout: 90_000 });
      await p.screenshot('mesh-1-route-found');
      await tab.getByRole('button', { name: 'Go to the dashboard' }).click();

      const status = tab.locator('[data-panel="panelStatus"]');
      await status.getByText('Ready: it can route your traffic').waitFor({ timeout: 15_000 });
      const hood = tab.locator('[data-panel="panelNeighborhood"]');
      await hood.locator('.updated').filter({ hasText: 'Updated' }).waitFor({ timeout: 15_000 });
      // The graph is the Node's neighborhood database: the lab Nodes it is linked with, listed by their addresses,
      // and every Node it knows drawn (itself and the three others).
      // The neighborhood still settles after the route is found (introductions make new neighbors, whose addresses
      // come with the next Gossip); the panel refreshes every 5 s, so a few refreshes are waited for.
      let drawn = '';
      const listedNow = async (): Promise<boolean> => {
        drawn = await hood.innerText();
        return lab.nodes.slice(0, 3).filter((n) => drawn.includes(`${n.host.address}:${CLANDESTINE_PORT}`)).length >= 2;
      };
      await waitFor('the neighborhood to list two neighbors by address', listedNow, 45_000, 1000)
        .catch(() => assert.fail(`the neighborhood lists the neighbors:\n${drawn}`));
      assert.equal(await hood.locator('svg.graph g.node').count(), 4, 'itself and the three lab Nodes are drawn');
      assert.ok(await hood.locator('svg.graph line.edge').count() >= 3, 'and their links');
      await tab.locator('[data-panel="panelDescriptor"]').getByText(`@${host.address}:${CLANDESTINE_PORT}`).waitFor({ timeout: 15_000 });
      await p.screenshot('mesh-2-dashboard');
      assert.deepEqual(p.problems(), []);
    }, wrapper);

    // Another host of the LAN is refused until the owner turns the LAN on (while the Node runs: it is the
    // Daemon's parameter, not the Node's); then it gets the page.
    const neighbor = lab.nodes[0]?.host;
    assert.ok(neighbor);
    const fromLan = () => neighbor.exec('curl', ['-sS', '--max-time', '5', '-o', '/dev/null', '-w', '%{http_code}', `http://${host.address}:${PAGE_PORT}/api/state`], { timeoutMs: 10_000 });
    assert.notEqual((await fromLan()).stdout, '200', 'the LAN gets nothing while setup-page-lan is off');
    assert.match((await masq('setup', '--setup-page-lan', 'on')).stdout, /setup-page-lan\s+on\s+Set/);
    await waitFor('the page to let the LAN in', async () => (await fromLan()).stdout === '200', 40_000, 500);

    // The box's Node carries traffic over the mesh it joined.
    const got = await host.exec('curl', ['-sS', '--max-time', '60', '-x', `http://127.0.0.1:${PROXY_PORT}`, `http://${lab.web.host.address}:${WEB_PORT}/from-the-box`], { timeoutMs: 70_000 });
    assert.equal(got.stdout, 'you asked for /from-the-box\n', got.stderr);
  } finally {
    await masq('shutdown');
  }
});
