// The setup page of a standard Node that joins a real mesh: the namespace network the mesh tests build
// (test/helpers/mesh-lab.ts), one of whose hosts becomes the box — its own Daemon, masq-setup and, driven by them,
// its Node. Chromium runs inside that host's namespace (playwright drives it over a pipe), so the page is at
// 127.0.0.1 there, as on a box. The owner walks the wizard with the first Node's descriptor as neighbor; the live
// view shows the Debut and the route, and the dashboard shows the real neighbors, each in its country (the lab
// Nodes have public-looking addresses of six countries, inside the namespaces only). On the exit location card
// the owner picks one of those countries, and the box's traffic then leaves from the Node there; a change made with
// masq shows on the card at once. Another host of the LAN gets the page only once setup-page-lan is on.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countryOf } from '../../src/geo/index.js';
import { CHROMIUM, withBrowser } from '../helpers/browser.js';
import { CLANDESTINE_PORT, PROXY_PORT, UI_PORT, WEB_PORT, startMeshLab } from '../helpers/mesh-lab.js';
import { netnsAvailable } from '../helpers/netns.js';
import { MASQ, MASQ_NODE, ROOT, Sandbox, waitFor } from '../helpers/processes.js';

const sandbox = new Sandbox();
after(() => sandbox.cleanup());

const PAGE_PORT = 5390;
const ADMIN = 'tulip hammer lantern 42';
const DB = 'copper meadow falcon 9';
/** The lab Nodes' addresses, by index, and the countries the IP-to-country table puts them in. */
const PUBLIC = [
  { address: '77.75.79.200', country: 'CZ' }, { address: '212.77.100.200', country: 'PL' }, { address: '193.0.10.200', country: 'NL' },
  { address: '81.2.69.200', country: 'GB' }, { address: '62.210.16.200', country: 'FR' }, { address: '85.10.200.200', country: 'DE' },
];

test('a standard Node set up from the page joins the mesh: Debut, a route, its real neighbors on the dashboard', { timeout: 300_000 }, async () => {
  assert.ok(await netnsAvailable(), 'network namespaces are needed (root and iproute2)');
  for (const p of PUBLIC) assert.equal(countryOf(p.address), p.country, `the IP-to-country table changed: choose another address in ${p.country}`);
  // Seven Nodes; the last one's host becomes the box (its lab Node is stopped first), so the box has six others to
  // build a 3-hop route from: more than a Node takes as neighbors (five), so however the box links, an exit it is
  // not linked to remains (a route never ends at the originator's neighbor).
  const lab = await startMeshLab(sandbox, PUBLIC.length + 1, { prefix: 'mqpage', publicAddresses: Object.fromEntries(PUBLIC.map((p, i) => [i, p.address])) });
  const spare = lab.nodes[PUBLIC.length];
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
  /** A page of the lab's web server through the box's proxy. */
  const fromBox = (path: string) => host.exec('curl', ['-sS', '--max-time', '60', '-x', `http://127.0.0.1:${PROXY_PORT}`, `http://${lab.web.host.address}:${WEB_PORT}${path}`], { timeoutMs: 70_000 });
  /**
   * The lab Node a page fetched through the box left from. Right after the route is found the neighborhood still
   * settles (a way there may come before the way back), so the page is asked for again until it comes.
   */
  const exitOf = async (path: string): Promise<string | undefined> => {
    let got = '';
    const seen = lab.web.peers().length;
    await waitFor(`${path} through the box`, async () => (got = (await fromBox(path)).stdout) === `you asked for ${path}\n`, 45_000, 1000)
      .catch(() => assert.fail(`${path} through the box: ${got}`));
    return lab.web.peers().at(-1) ?? `none of ${lab.web.peers().slice(seen).join()}`;
  };
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
      // and every Node it knows drawn (itself and the six others), each lab Node in its country.
      // The neighborhood still settles after the route is found (introductions make new neighbors, whose addresses
      // come with the next Gossip); the panel refreshes every 5 s, so a few refreshes are waited for. On a busy
      // machine the last lab Node's record has come 45 s after the route (seen with two cores kept busy beside the
      // test; at 45 s it failed one make test of 7 December), so up to two minutes.
      let drawn = '';
      const listedNow = async (): Promise<boolean> => {
        drawn = await hood.innerText();
        // A Node known only from an edge has no record yet, so no country: its record comes with a later Gossip.
        const countries = (await hood.locator('svg.graph text.country').allTextContents()).sort().join();
        return PUBLIC.some((n) => drawn.includes(`${n.address}:${CLANDESTINE_PORT}`)) && await hood.locator('svg.graph g.node').count() === PUBLIC.length + 1
          && countries === PUBLIC.map((n) => n.country).sort().join();
      };
      await waitFor('the neighborhood to list a neighbor by address and draw every Node in its country', listedNow, 120_000, 1000)
        .catch(() => assert.fail(`the neighborhood lists the neighbors:\n${drawn}`));
      assert.ok(await hood.locator('svg.graph line.edge').count() >= PUBLIC.length, 'and their links');
      await tab.locator('[data-panel="panelDescriptor"]').getByText(`@${host.address}:${CLANDESTINE_PORT}`).waitFor({ timeout: 15_000 });
      await p.screenshot('mesh-2-dashboard');

      // Exit location. The lab Node the box's traffic leaves from now is reachable both ways: its country is the one
      // chosen on the card, among the lab Nodes' countries offered with their exits; then only that country.
      const exit = tab.locator('[data-panel="panelExitLocation"]');
      const first = await exitOf('/first');
      const chosen = lab.nodes.findIndex((n) => n.host.address === first);
      const [country, other] = [PUBLIC[chosen]?.country as string, PUBLIC[(chosen + 1) % PUBLIC.length]?.country as string];
      assert.ok(chosen >= 0 && chosen < PUBLIC.length, `a lab Node is the exit: ${first}`);
      const offered = (): Promise<string[]> => exit.getByLabel('Country with exits').locator('option').allTextContents();
      await exit.getByText('Choose the countries', { exact: true }).click();
      let options: string[] = [];
      await waitFor(`the exit location to offer ${country}`, async () => (options = await offered()).some((o) => o.includes(`(${country})`)), 45_000, 1000)
        .catch(async () => assert.fail(`${country} is not offered:\n${await exit.innerText()}`));
      for (const o of options) assert.ok(PUBLIC.some((n) => o.endsWith(`(${n.country}) — 1 exit`)), `a lab Node's country with its one exit: ${o}`);
      await exit.getByLabel('Country with exits').selectOption(country);
      await exit.getByRole('button', { name: 'Add', exact: true }).click();
      await exit.getByLabel('Fall back to other countries when none of these is reachable').uncheck();
      await exit.getByRole('button', { name: 'Save the exit location' }).click();
      await exit.getByText('Saved.', { exact: true }).waitFor();
      await exit.getByText(new RegExp(`^1\\. .*\\(${country}\\)$`)).waitFor();
      await exit.getByText('Only these countries', { exact: false }).waitFor();
      assert.match((await masq('configuration')).stdout, new RegExp(`^Exit location:\\s+${country}$`, 'm'), 'masq sees what the page set');
      assert.equal(await exitOf(`/via-${country}`), lab.nodes[chosen]?.host.address, `the exit is the Node in ${country}`);

      // masq changes it on the box: the Node announces it, and the card shows it at once, not at its next refresh.
      const set = await masq('exit-location', '--country-codes', `${country}|${other}`, '--fallback-routing');
      // Kept even when neither has an exit this moment (the neighborhood still moves): masq says so then.
      assert.ok(set.code === 0 || set.stdout.includes('All requested countries are missing in Database'), `${set.stdout}${set.stderr}`);
      await exit.getByText(new RegExp(`^2\\. .*\\(${other}\\)$`)).waitFor({ timeout: 3000 });
      await exit.getByText('When none of these is reachable, exits in other countries serve.').waitFor();
      await p.screenshot('mesh-3-exit-location', exit);

      // The same card on a phone.
      const phone = await browser.open('phone', `http://127.0.0.1:${PAGE_PORT}/`);
      await phone.page.getByLabel('Admin password').fill(ADMIN);
      await phone.page.getByRole('button', { name: 'Log in' }).click();
      const card = phone.page.locator('[data-panel="panelExitLocation"]');
      await card.getByText(new RegExp(`^2\\. .*\\(${other}\\)$`)).waitFor({ timeout: 15_000 });
      await card.getByText('Choose the countries', { exact: true }).click();
      await phone.screenshot('mesh-3-exit-location', card);
      assert.deepEqual(p.problems(), []);
      assert.deepEqual(phone.problems(), []);
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
    const last = await exitOf('/from-the-box');
    assert.ok(lab.nodes.slice(0, PUBLIC.length).some((n) => n.host.address === last), `a lab Node is the exit: ${last}`);
  } finally {
    await masq('shutdown');
  }
});
