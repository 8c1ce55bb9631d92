// The setup page as its owner uses it, against the real thing: a Daemon and its zero-hop Node (test/helpers/lab.ts),
// masq-setup as a process, a local chain for the connection test, and Debian's Chromium at phone size. The owner
// claims the box with the code masq setup-code shows, walks the wizard, starts the Node and watches it come up,
// runs it from the dashboard (every panel real), downloads a backup and restores it on a second, fresh box: same
// node key, same wallets. The screenshots of every step go to docs/setup/. Then ssh access through the page's API:
// off unless the Daemon's environment turns it on, and on, a pasted key recorded by the real Daemon.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CSRF_HEADER } from '../../src/setup/api.js';
import { openStore } from '../../src/store/index.js';
import { type CheckedPage, type Size, withBrowser } from '../helpers/browser.js';
import { startChain, type TestChain } from '../helpers/chain.js';
import { type Lab, startDaemon } from '../helpers/lab.js';
import { ROOT, Sandbox, type Tracked, freePort, waitFor } from '../helpers/processes.js';
import { makeKeys } from '../helpers/ssh-keys.js';

const sandbox = new Sandbox();
const boxes: Lab[] = [];
let chain: TestChain;
before(async () => { chain = await startChain(sandbox); });
after(async () => {
  for (const b of boxes) await b.masq('shutdown');
  await sandbox.cleanup();
});

const ADMIN = 'tulip hammer lantern 42';
const DB_A = 'copper meadow falcon 9';
const DB_B = 'another box entirely 7';
const BACKUP = 'a long backup secret';
/** No blanks: the page splits the neighbors' box into descriptors at blanks. */
const XSS = '"><img/src=x/onerror=window.__x=1><script>window.__x=1</script>';

interface Box {
  lab: Lab;
  page: Tracked;
  url: string;
  code: string;
}

async function startBox(env: Record<string, string> = {}): Promise<Box> {
  const lab = await startDaemon(sandbox, { MASQ_SCANS: 'off', SYSTEMD_CREDENTIAL_SECRET: join(sandbox.tempDir('masq-creds-'), 'host.secret'), ...env });
  boxes.push(lab);
  const port = await freePort();
  const page = sandbox.spawn(join(ROOT, 'bin', 'masq-setup'), ['--port', String(port), '--ui-port', String(lab.uiPort)], { HOME: lab.home });
  await waitFor('the setup page', () => page.output().includes('setup page:'), 10_000);
  const shown = await lab.masq('setup-code');
  assert.equal(shown.code, 0, shown.stderr);
  const code = /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(shown.stdout)?.[1];
  assert.ok(code, `masq setup-code shows the code: ${shown.stdout}`);
  return { lab, page, url: `http://127.0.0.1:${port}/`, code };
}

/** Waits for a text on the page; if it does not come, the error says what the page shows instead. */
async function shows(page: CheckedPage['page'], text: string | RegExp, timeout = 30_000): Promise<void> {
  await page.getByText(text).first().waitFor({ timeout }).catch(async (e: unknown) => {
    throw new Error(`${String(e)}\nThe page shows: ${(await page.locator('main').innerText().catch(() => '?')).slice(0, 3000)}`);
  });
}

/** The store's node key, unsealed with the store's password (LMDB lets a test read beside the running Node). */
async function nodeKey(dataDir: string, password: string): Promise<string | undefined> {
  const store = await openStore({ dataDir, chain: 'dev' });
  try {
    await store.unlock(password);
    return store.getSecret('last_cryptde');
  } finally {
    await store.close();
  }
}

async function claim(p: CheckedPage, box: Box, shots: boolean): Promise<void> {
  const { page } = p;
  await page.getByLabel('Setup code').pressSequentially(box.code.toLowerCase());
  if (shots) await p.screenshot('1-claim');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Choose the admin password' }).waitFor();
  await page.getByLabel('Admin password').fill(ADMIN);
  await page.getByLabel('The same password again').fill(ADMIN);
  if (shots) await p.screenshot('2-admin-password');
  await page.getByRole('button', { name: 'Save the password' }).click();
  await page.getByRole('heading', { name: 'Secure the box' }).waitFor();
}

async function wizard(p: CheckedPage, shots: boolean): Promise<{ earning: string; words: string[] }> {
  const { page } = p;
  await page.getByRole('textbox', { name: 'Database password', exact: true }).fill(DB_A);
  await page.getByLabel('The same password again').fill(DB_A);
  await page.getByText('Yes, start by itself').click();
  if (shots) await p.screenshot('3-database-password');
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByRole('heading', { name: 'Blockchain' }).waitFor();
  await page.getByLabel('Blockchain', { exact: true }).selectOption('dev');
  await page.getByLabel('Blockchain service URL').fill(chain.url);
  await page.getByRole('button', { name: 'Test the connection' }).click();
  await shows(page, 'The service works.');
  assert.match(await page.locator('.result').innerText(), /Chain id\s+2 \(this chain's is 2\)/);
  if (shots) await p.screenshot('4-chain');
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByRole('heading', { name: 'Wallets' }).waitFor();
  await page.getByRole('button', { name: 'Create the wallets' }).click();
  await shows(page, 'Write these words down on paper');
  const words = await page.locator('ol.phrase .word').allTextContents();
  assert.equal(words.length, 12);
  if (shots) await p.screenshot('5-phrase');
  await page.getByRole('button', { name: 'I have written them down' }).click();
  const asked = await page.getByLabel(/^Word number \d+$/).all();
  for (const input of asked) {
    const n = Number(/\d+/.exec((await input.getAttribute('name')) ?? (await input.evaluate((e) => (e as HTMLInputElement).labels?.[0]?.textContent ?? '')))?.[0]);
    await input.fill(words[n - 1] as string);
  }
  await page.getByRole('button', { name: 'Check the words' }).click();
  await shows(page, 'The wallets are ready.');
  const earning = (await page.locator('dd.mono').last().innerText()).trim();
  if (shots) await p.screenshot('6-wallets');
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByRole('heading', { name: 'Neighborhood' }).waitFor();
  // Markup in a value comes back in the Daemon's error and shows as text; it never runs.
  await page.getByLabel('Neighbors').fill(XSS);
  await page.getByRole('button', { name: 'Next' }).click();
  await shows(page, /is not a usable node descriptor/);
  assert.ok((await page.locator('main').innerText()).includes('onerror'), 'the value shows as text');
  assert.equal(await page.evaluate(() => (window as unknown as { __x?: number }).__x), undefined, 'and did not run');
  await page.getByLabel('Neighbors').fill('');
  await page.getByText('Zero hop', { exact: true }).click();
  if (shots) await p.screenshot('7-neighborhood');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Review and start' }).waitFor();
  if (shots) await p.screenshot('8-review');
  return { earning, words };
}

async function startAndWatch(p: CheckedPage, shots: boolean): Promise<void> {
  const { page } = p;
  await page.getByRole('button', { name: 'Start the Node' }).click();
  await page.getByRole('heading', { name: 'Starting the Node' }).waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Go to the dashboard' }).waitFor({ timeout: 30_000 });
  if (shots) await p.screenshot('9-starting');
  await page.getByRole('button', { name: 'Go to the dashboard' }).click();
  await page.locator('[data-panel="panelStatus"]').getByText('The Node is running').waitFor({ timeout: 15_000 });
}

for (const size of ['phone', 'desktop'] as Size[]) {
  test(`${size}: claim, the wizard, the live start, the dashboard, a backup restored on a fresh box`, { timeout: 240_000 }, async () => {
    const a = await startBox();
    const shots = true;
    await withBrowser(async (browser) => {
      const p = await browser.open(size, a.url);
      const { page } = p;
      // Every answer of the page's API, to look for secrets in afterwards.
      const answers: Array<{ url: string; body: string }> = [];
      page.on('response', (r) => {
        if (new URL(r.url()).pathname.startsWith('/api/') && !r.url().endsWith('/api/events')) void r.text().then((body) => answers.push({ url: r.url(), body }), () => undefined);
      });
      await claim(p, a, shots);
      const { earning, words } = await wizard(p, shots);
      await startAndWatch(p, shots);

      // Every panel shows what the real Node and box say.
      for (const panel of ['panelStatus', 'panelDescriptor', 'panelNeighborhood', 'panelAutomap', 'panelEarnings', 'panelSystem', 'panelLogs', 'panelConfiguration']) {
        await page.locator(`[data-panel="${panel}"] .updated`).filter({ hasText: 'Updated' }).waitFor({ timeout: 15_000 });
      }
      const config = await page.locator('[data-panel="panelConfiguration"]').innerText();
      assert.match(config, /zero-hop/);
      assert.ok(config.includes(earning), 'the configuration shows the earning wallet made in the wizard');
      assert.match(await page.locator('[data-panel="panelSystem"]').innerText(), /Memory/);
      await p.screenshot('10-dashboard');

      // Stop and start from the status panel.
      const status = page.locator('[data-panel="panelStatus"]');
      await status.getByRole('button', { name: 'Stop', exact: true }).click();
      await status.getByText('The Node is stopped').waitFor({ timeout: 15_000 });
      assert.match((await a.lab.masq('descriptor')).stderr, /Node is not running/);
      await status.getByRole('button', { name: 'Start', exact: true }).click();
      await status.getByText('The Node is running').waitFor({ timeout: 15_000 });

      // A backup, downloaded.
      const card = page.getByRole('region', { name: 'Backup' });
      await card.getByRole('textbox', { name: 'Database password', exact: true }).fill(DB_A);
      await card.getByRole('textbox', { name: 'Backup password', exact: true }).fill(BACKUP);
      await card.getByRole('textbox', { name: 'The same password again' }).fill(BACKUP);
      const download = page.waitForEvent('download');
      await card.getByRole('button', { name: 'Download a backup' }).click();
      const file = await (await download).path();
      assert.deepEqual(p.problems(), []);

      // The database password, the admin password and the phrase (but at its one showing) are in no answer of the
      // page and in no log of the page or the Daemon.
      const phrase = words.join(' ');
      for (const { url, body } of answers) {
        for (const secret of [DB_A, ADMIN]) assert.ok(!body.includes(secret), `${url} holds a password`);
        const asList = words.map((w) => `"${w}"`).join(',');
        if (!url.endsWith('/api/wallets/generate')) assert.ok(!body.includes(phrase) && !body.includes(asList), `${url} holds the phrase`);
      }
      assert.equal(answers.filter((x) => x.url.endsWith('/api/wallets/generate')).length, 1, 'the phrase was shown once');
      for (const out of [a.page.output(), a.lab.daemon.output()]) for (const secret of [DB_A, ADMIN, phrase]) assert.ok(!out.includes(secret), 'a secret in a log');

      // A fresh box takes the backup in the wizard's first step.
      const b = await startBox();
      const q = await browser.open(size, b.url);
      await claim(q, b, false);
      await q.page.getByText('Or restore from a backup file').click();
      await q.page.getByLabel('Backup file').setInputFiles(file);
      const restore = q.page.locator('details.aside');
      await restore.getByRole('textbox', { name: 'Backup password' }).fill(BACKUP);
      await restore.getByRole('textbox', { name: 'Database password' }).fill(DB_B);
      await q.page.getByRole('button', { name: 'Restore and continue' }).click();
      await shows(q.page, 'The backup is restored');
      if (shots) await q.screenshot('11-restored');
      assert.deepEqual(q.problems(), []);

      // Same wallets, same node key: B started with what the restore set up (A's settings, its ports too, so A
      // stops first: one Node per key), each store opened with its own password.
      const walletsA = await a.lab.masq('wallet-addresses', DB_A);
      await a.lab.masq('shutdown');
      await waitFor('A to stop', async () => (await a.lab.masq('descriptor')).stderr.includes('not running'), 15_000, 250);
      const started = await b.lab.masq('start');
      assert.equal(started.code, 0, started.stderr);
      const walletsB = await b.lab.masq('wallet-addresses', DB_B);
      assert.equal(walletsB.code, 0, walletsB.stderr);
      assert.ok(walletsA.stdout.toLowerCase().includes(earning.toLowerCase()), walletsA.stdout);
      assert.equal(walletsB.stdout, walletsA.stdout, 'the restored box has the same wallets');
      const [keyA, keyB] = [await nodeKey(join(a.lab.home, 'data', 'dev'), DB_A), await nodeKey(join(b.lab.home, 'data', 'dev'), DB_B)];
      assert.ok(keyA, 'box A has a node key');
      assert.equal(keyB, keyA, 'the restored box has the same node key');
    });
  });
}

/** The page's API as the page calls it, keeping its session cookie. */
function apiOf(box: Box): (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<{ status: number; json: Record<string, unknown> }> {
  let cookie = '';
  return async (method, path, body) => {
    const res = await fetch(new URL(path, box.url), {
      method, headers: { cookie, ...(method === 'POST' ? { 'content-type': 'application/json', [CSRF_HEADER]: '1' } : {}) },
      ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
    cookie = res.headers.get('set-cookie')?.split(';')[0] ?? cookie;
    return { status: res.status, json: await res.json() as Record<string, unknown> };
  };
}

test('ssh access against a real Daemon: off unless root\'s environment turns it on; then a pasted key reaches ssh-access.json and asks for the applier', { timeout: 60_000 }, async () => {
  const keys = makeKeys(sandbox.tempDir('masq-ssh-keys-'));
  const envs: Array<Record<string, string>> = [{}, { MASQ_SSH_ACCESS_FROM_PAGE: 'on' }];
  for (const env of envs) {
    const box = await startBox(env);
    const api = apiOf(box);
    assert.equal((await api('POST', '/api/claim/code', { code: box.code })).status, 200);
    assert.equal((await api('POST', '/api/claim/password', { password: ADMIN })).status, 200);
    const panel = (await api('GET', '/api/panel/ssh')).json;
    const state = join(box.lab.home, '.local', 'state', 'masq-daemon');
    if (!('MASQ_SSH_ACCESS_FROM_PAGE' in env)) {
      assert.equal(panel.offered, false);
      assert.match(String(panel.message), /ssh access from the setup page is off on this box/);
      assert.equal((await api('POST', '/api/ssh/keys', { key: keys.ed25519.line })).status, 409);
      assert.ok(!existsSync(join(state, 'ssh-access.json')));
      continue;
    }
    assert.deepEqual(panel, { offered: true, user: 'owner', keys: [], applied: 'none' });
    const priv = await api('POST', '/api/ssh/keys', { key: readFileSync(keys.ed25519.privateFile, 'utf8') });
    assert.deepEqual([priv.status, (priv.json.error as { field: string }).field], [400, 'key']);
    const added = await api('POST', '/api/ssh/keys', { key: `${keys.ed25519.line}\n` });
    assert.equal(added.status, 200, JSON.stringify(added.json));
    const fingerprint = keys.ed25519.listed.split(' ')[1];
    assert.deepEqual(added.json.keys, [{ type: 'ssh-ed25519', label: 'ED25519', bits: 256, fingerprint, comment: 'you@ed25519' }]);
    assert.equal(added.json.applied, 'pending', 'no applier runs outside systemd: the change waits for it');
    assert.deepEqual(JSON.parse(readFileSync(join(state, 'ssh-access.json'), 'utf8')), { version: 1, serial: 1, user: 'owner', keys: [keys.ed25519.line] });
    assert.equal(readFileSync(join(state, 'ssh-access.pending'), 'utf8'), '1\n');
    const taken = await api('POST', '/api/ssh/user', { user: 'root' });
    assert.deepEqual([taken.status, (taken.json.error as { field: string }).field], [400, 'user']);
    // masq sees what the page did.
    const cli = await box.lab.masq('ssh-access');
    assert.equal(cli.code, 0, cli.stderr);
    assert.ok(cli.stdout.includes(`Keys (1):\n  ED25519 256   ${fingerprint}  you@ed25519`), cli.stdout);
    for (const out of [box.page.output(), box.lab.daemon.output()]) assert.ok(!out.includes(readFileSync(keys.ed25519.privateFile, 'utf8').split('\n')[1] as string), 'no private key in a log');
  }
});
