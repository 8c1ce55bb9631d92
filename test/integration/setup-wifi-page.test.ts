// The wizard's Wi-Fi step as a phone on the box's hotspot meets it. Two network namespaces on 192.168.4.0/24: the
// box at 192.168.4.1 (the page server runs in this process; a forwarder in the box's namespace brings port 80 to
// it) and the phone, where Chromium runs. The owner claims the box, sees the networks in range (names with markup,
// an emoji, 32 bytes: all shown as text), chooses one, types a wrong password, reads what will happen and joins;
// the box's link goes down while it tries, as its one radio leaves the hotspot, and the page keeps asking quietly.
// Wrong password: the form is back. Then the right one: joined, with the box's address and name. Last, the page
// opened at the box's name on the home network says once where the box joined. Screenshots: docs/setup/wifi-*.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, type CheckedPage, type Size, withBrowser } from '../helpers/browser.js';
import { createLan, type Lan, netnsAvailable } from '../helpers/netns.js';
import { forwardIntoLan } from '../helpers/ns-forward.js';
import { ROOT, run, Sandbox } from '../helpers/processes.js';
import { ADMIN_PASSWORD, SETUP_CODE } from '../helpers/setup-page.js';
import { BOX_NAME, ScriptedWifi, wifiPage } from '../helpers/wifi-page.js';

const sandbox = new Sandbox();
let lan: Lan;
let webRoot = '';
let chromium = '';

const WRONG = 'not the password';
const RIGHT = 'correct wifi pass 7';

before(async () => {
  assert.ok(await netnsAvailable(), 'network namespaces are needed (root and iproute2)');
  webRoot = sandbox.tempDir('masq-web-');
  const built = await run('node', [join(ROOT, 'scripts', 'build-web.mjs'), webRoot]);
  assert.equal(built.code, 0, built.stderr);
  // Host 0 is the box at 192.168.4.1, host 1 the phone.
  lan = await createLan(sandbox, 2, { prefix: 'mqwifi', subnet: '192.168.4.0/24' });
  chromium = join(sandbox.tempDir('masq-chromium-'), 'chromium');
  // The phone finds the box's mDNS name as the home network's resolver would.
  writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec ${lan.hosts[1]?.ns ?? ''} ${CHROMIUM} --host-resolver-rules="MAP ${BOX_NAME} 192.168.4.1" "$@"\n`);
  chmodSync(chromium, 0o755);
});
after(async () => {
  await lan?.cleanup();
  await sandbox.cleanup();
});

/**
 * Chromium's one complaint about every page at a LAN address over plain HTTP: it ignores the COOP header the page
 * server sends (meant for https or localhost). Not the Wi-Fi step's; everything else it logs is a failure.
 */
const problemsOf = (p: CheckedPage): string[] => p.problems().filter((x) => !x.includes('The Cross-Origin-Opener-Policy header has been ignored'));

async function shows(page: CheckedPage['page'], text: string | RegExp, timeout = 15_000): Promise<void> {
  await page.getByText(text).first().waitFor({ timeout }).catch(async (e: unknown) => {
    throw new Error(`${String(e)}\nThe page shows: ${(await page.locator('main').innerText().catch(() => '?')).slice(0, 3000)}`);
  });
}

async function claim(page: CheckedPage['page']): Promise<void> {
  await page.getByLabel('Setup code').pressSequentially(SETUP_CODE);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
  await page.getByLabel('The same password again').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Save the password' }).click();
}

/** A page server with this masq-wifi (or none) at http://192.168.4.1/ for `f`; closed afterwards. */
async function atHotspot(wifi: ScriptedWifi | undefined, logLines: string[], f: () => Promise<void>): Promise<void> {
  const box = lan.hosts[0];
  assert.ok(box);
  const server = wifiPage(webRoot, wifi, logLines);
  await server.page.app.listen({ port: 0, host: '127.0.0.1' });
  const forward = await forwardIntoLan(sandbox, box, (server.page.app.server.address() as { port: number }).port, 80);
  try {
    await f();
  } finally {
    await forward.close();
    await server.close();
  }
}

for (const size of ['phone', 'desktop'] as Size[]) {
  test(`${size}: on the hotspot, claim, the networks, a wrong password, then joined; the home network's page says where`, { timeout: 180_000 }, async () => {
    const [box, phone] = lan.hosts;
    assert.ok(box && phone);
    const wifi = new ScriptedWifi();
    wifi.outcomes = ['wrong-password', 'joined'];
    // Longer than a poll waits for its answer (5 s): some polls go unanswered, as on a real box.
    wifi.joinMs = 12_000;
    const link = async (up: boolean): Promise<void> => {
      const r = await box.exec('ip', ['link', 'set', 'eth0', up ? 'up' : 'down']);
      assert.equal(r.code, 0, r.stderr);
    };
    wifi.onHotspot = link;
    const logLines: string[] = [];
    await atHotspot(wifi, logLines, () => withBrowser(async (browser) => {
        const p = await browser.open(size, 'http://192.168.4.1/');
        const { page } = p;
        const answers: string[] = [];
        let unanswered = 0;
        page.on('requestfailed', (r) => { if (new URL(r.url()).pathname === '/api/wifi') unanswered++; });
        page.on('response', (r) => {
          if (new URL(r.url()).pathname.startsWith('/api/')) void r.text().then((t) => answers.push(t), () => undefined);
        });

        await claim(page);

        // The networks, strongest first, every name as the characters it is.
        await page.getByRole('heading', { name: 'Connect the box to your network' }).waitFor();
        await page.getByRole('radio', { name: /^HomeNet/ }).waitFor();
        const names = await page.locator('.network .net-name').allInnerTexts();
        assert.deepEqual(names, ['HomeNet', 'Library guests', '<b>x</b>', 'Café ☕ 🏠', 'A'.repeat(32), '"quoted" <script>window.__x=1</script>', 'Other network…']);
        assert.equal(await page.locator('.networks b, .networks script').count(), 0, 'no markup from a network name');
        assert.equal(await page.evaluate(() => (window as unknown as { __x?: number }).__x), undefined);
        assert.match(await page.locator('.network').first().innerText(), /WPA2/);
        assert.equal(await page.getByLabel('Password', { exact: true }).isVisible(), false, 'no password before a network is chosen');
        await page.getByText('The page did not pop up').click();
        await shows(page, 'HTTPS sites cannot show this page on the hotspot');
        await shows(page, 'http://192.168.4.1/');
        await p.screenshot('wifi-1-list');

        // An open network asks no password; a secured one does, checked on the page first.
        await page.getByRole('radio', { name: /^Library guests/ }).check();
        assert.equal(await page.getByLabel('Password', { exact: true }).isVisible(), false);
        await page.getByRole('radio', { name: /^HomeNet/ }).check();
        assert.equal(await page.getByLabel('Country').inputValue(), 'US', 'the country of the browser\'s language');
        await page.getByLabel('Password', { exact: true }).fill(WRONG);
        await page.getByRole('button', { name: 'Show' }).click();
        assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('type'), 'text');
        await p.screenshot('wifi-2-password');
        await page.getByRole('button', { name: 'Hide' }).click();
        await page.getByLabel('Password', { exact: true }).fill('short');
        await page.getByRole('button', { name: 'Join', exact: true }).click();
        await shows(page, 'A Wi-Fi password has 8 to 63 characters (or is 64 hexadecimal digits); this one has 5.');
        await page.getByLabel('Password', { exact: true }).fill(WRONG);

        // What will happen, before anything is sent.
        await page.getByRole('button', { name: 'Join', exact: true }).click();
        await shows(page, 'The box leaves its hotspot to try HomeNet.');
        await shows(page, 'If it joins, MASQ-Setup-7F3A disappears: connect your phone back to HomeNet and open http://masq-7f3a.local/');
        assert.equal(wifi.joins.length, 0, 'nothing sent yet');
        await p.screenshot('wifi-3-explain');
        await page.getByRole('button', { name: 'Join HomeNet' }).click();
        await shows(page, 'Trying HomeNet…');

        // The link goes down and comes back; the page tells the outcome and gives the form back.
        await shows(page, 'The password for HomeNet was not accepted. Check it and try again.', 60_000);
        assert.ok(unanswered > 0, 'the page asked while the hotspot was down, and went on');
        assert.equal(await page.getByRole('radio', { name: /^HomeNet/ }).isChecked(), true, 'the network kept');
        assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'the password emptied');
        await p.screenshot('wifi-4-wrong-password');

        await page.getByLabel('Password', { exact: true }).fill(RIGHT);
        await page.getByRole('button', { name: 'Join', exact: true }).click();
        await page.getByRole('button', { name: 'Join HomeNet' }).click();
        await shows(page, `Joined HomeNet as 192.168.1.57 — ${BOX_NAME}`, 60_000);
        assert.equal(await page.getByRole('link', { name: `http://${BOX_NAME}/` }).getAttribute('href'), `http://${BOX_NAME}/`);
        await p.screenshot('wifi-5-joined');
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.getByRole('heading', { name: 'Secure the box' }).waitFor();

        assert.deepEqual(wifi.joins, [{ ssid: 'HomeNet', password: WRONG, country: 'US' }, { ssid: 'HomeNet', password: RIGHT, country: 'US' }]);
        for (const text of [...answers, ...logLines]) assert.ok(!text.includes(WRONG) && !text.includes(RIGHT), `a Wi-Fi password leaked: ${text.slice(0, 300)}`);
        assert.deepEqual(problemsOf(p), []);

        // On the home network, at the box's name: after the login, where it joined, once.
        const home = await browser.open(size, `http://${BOX_NAME}/`);
        await home.page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
        await home.page.getByRole('button', { name: 'Log in' }).click();
        await shows(home.page, `Joined HomeNet as 192.168.1.57 — ${BOX_NAME}`);
        await home.page.reload();
        await shows(home.page, 'The box is online on HomeNet (address 192.168.1.57).');
        assert.equal(await home.page.getByText('The page did not pop up').count(), 0, 'no hotspot help on the home network');
        assert.deepEqual(problemsOf(home), []);
      }, chromium)).finally(() => link(true).catch(() => undefined));
  });
}

test('a network that hides its name is typed in; Back from the explanation keeps it', { timeout: 60_000 }, async () => {
  const wifi = new ScriptedWifi();
  await atHotspot(wifi, [], () => withBrowser(async (browser) => {
    const p = await browser.open('phone', 'http://192.168.4.1/');
    const { page } = p;
    await claim(page);
    await page.getByRole('radio', { name: /^Other network/ }).check();
    const name = 'Hidden "net" <i>';
    await page.getByLabel('Network name').fill(name);
    await page.getByLabel('Country').selectOption('GB');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await shows(page, `The box leaves its hotspot to try ${name}.`);
    await page.getByRole('button', { name: 'Back' }).click();
    assert.equal(await page.getByLabel('Network name').inputValue(), name);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.getByRole('button', { name: `Join ${name}` }).click();
    await shows(page, `Joined ${name} as 192.168.1.57`);
    assert.deepEqual(wifi.joins, [{ ssid: name, country: 'GB', hidden: true }]);
    assert.deepEqual(problemsOf(p), []);
  }, chromium));
});

test('where masq-wifi does not manage the network, the step is skipped and says why', { timeout: 60_000 }, async () => {
  await atHotspot(undefined, [], () => withBrowser(async (browser) => {
    const p = await browser.open('desktop', 'http://192.168.4.1/');
    const { page } = p;
    const entries = await page.evaluate(() => history.length);
    await claim(page);
    await page.getByRole('heading', { name: 'Secure the box' }).waitFor();
    await shows(page, 'This machine\'s network is not managed by masq (no masq-wifi): connect it with a cable or your system\'s own tools.');
    assert.equal(new URL(page.url()).hash, '#step-2');
    assert.equal(await page.evaluate(() => history.length), entries, 'the skipped step is not in the history');
    assert.deepEqual(problemsOf(p), []);
  }, chromium));
});
