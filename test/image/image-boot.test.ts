// The built Raspberry Pi image booted under QEMU (make image-test; slow, not part of make test): a copy of the card
// grown to 4 GiB, with an ssh key given the way Raspberry Pi Imager gives it, boots on the `virt` board with the
// card's own kernel, initrd and cmdline.txt. Over the emulated network: the first boot's work (name, grown root,
// host keys, the setup code on the console and the card), the units, the setup page, ssh and masq; a second boot
// with a clock that starts in 2000 (a Pi has no RTC) keeps the node key and settings; QEMU killed while the Node
// writes, and the third boot opens its store. Then a fresh copy boots on the emulated Raspberry Pi 3 B.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { waitFor } from '../helpers/processes.js';
import { bootCard, freshCard, giveSshKey, IMAGE, USER } from './card-box.js';
import { readBootFile, writeBootFile, type Card, type MachineKind, type QemuBox } from './qemu-box.js';

const MAC = '52:54:00:12:ab:cd';
const BOX = 'masq-abcd';
const FIRST_BOOT_MS = 20 * 60_000;
const BOOT_MS = 12 * 60_000;
const SETUP = 'masq setup --neighborhood-mode standard --ip 203.0.113.9 --db-password image-test --blockchain-service-url http://127.0.0.1:8545 --chain dev';
const DESCRIPTOR = /masq:\/\/dev:[A-Za-z0-9_-]+@[0-9.]+:[0-9,]+/;
const SEED = 'HX7K-3MPQ';
const CODE = /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/;

let tmp = '';
let key = '';
let card: Card;
let box: QemuBox | undefined;
const started = Date.now();
const timings: string[] = [];

function note(what: string): void {
  timings.push(`${what} at ${Math.round((Date.now() - started) / 1000)} s`);
}

async function boot(c: Card, machine: MachineKind, label: string, rtcBase?: string): Promise<QemuBox> {
  // One box at a time: a box still running (its test failed) must not share the card with the next.
  await box?.kill();
  return bootCard({ dir: tmp, card: c, machine, label, mac: MAC, ...(rtcBase ? { rtcBase } : {}) });
}

async function sh(command: string, timeoutMs = 120_000): Promise<string> {
  assert.ok(box, 'the box is running');
  const r = await box.ssh(key, USER, command, timeoutMs);
  assert.equal(r.code, 0, `${command} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function descriptor(): Promise<string> {
  return waitFor('the Node\'s descriptor', async () => DESCRIPTOR.exec((await box!.ssh(key, USER, 'masq descriptor')).stdout)?.[0], BOOT_MS, 5000);
}

interface Answer { status: number; body: string; cookie?: string }

/** A request to the setup page through the forwarded port, under the box's own name as a browser on the LAN would. */
function page(method: 'GET' | 'POST', path: string, body?: unknown, cookie?: string): Promise<Answer> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: box!.httpPort, method, path, timeout: 60_000, headers: {
      host: `${BOX}.local`, ...(data ? { 'content-type': 'application/json', 'x-masq-setup': '1' } : {}), ...(cookie ? { cookie } : {}),
    } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { if (text.length < 1 << 20) text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ...(res.headers['set-cookie'] ? { cookie: res.headers['set-cookie'][0]?.split(';')[0] ?? '' } : {}) }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}

before(async () => {
  assert.ok(readFileSync(IMAGE).length > 0, `${IMAGE} is missing: run make image first`);
  tmp = mkdtempSync('/var/tmp/masq-boot-test-');
  card = await freshCard(tmp, 'card.img');
  key = await giveSshKey(card, tmp);
});

after(async () => {
  await box?.kill();
  console.log(`image-boot timings: ${timings.join('; ')}`);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the first boot on the virt board', () => {
  let firstHostKey = '';
  let firstDescriptor = '';
  let clockAtShutdown = 0;

  test('ssh logs in with the key given the way Raspberry Pi Imager gives it', async () => {
    box = await boot(card, 'virt', 'boot1');
    await box.waitSsh(key, USER, FIRST_BOOT_MS);
    note('first boot: ssh answers');
    firstHostKey = await box.hostKey();
    assert.match(firstHostKey, /^ssh-ed25519 /);
    assert.equal((await sh('id -nG')).split(/\s+/).includes('masq-admin'), true, 'the owner may use masq');
  });

  test('the box names itself masq-XXXX from its network card and answers to masq-XXXX.local over mDNS', async () => {
    assert.equal((await sh('hostname')).trim(), BOX);
    // IPv4 asked for by name: avahi also answers with the box's IPv6 addresses, in an order that varies.
    const resolved = await waitFor('mDNS to resolve the box\'s name', async () => (await box!.ssh(key, USER, `getent ahostsv4 ${BOX}.local`)).stdout.trim() || undefined, 120_000, 3000);
    assert.match(resolved, new RegExp(`^10\\.0\\.2\\.15\\s+STREAM\\s+${BOX}\\.local`, 'm'), 'avahi answers with the box\'s address');
  });

  test('no unit failed; the Daemon and the setup page\'s socket are active', async () => {
    await waitFor('the boot to finish', async () => /^(running|degraded)$/m.test((await box!.ssh(key, USER, 'systemctl is-system-running')).stdout), BOOT_MS, 5000);
    assert.equal((await sh('systemctl --failed --no-legend --plain')).trim(), '', 'no failed unit');
    assert.equal((await sh('systemctl is-active masq-daemon.service masq-setup.socket')).trim(), 'active\nactive');
  });

  test('the setup code is on the console and in the boot partition\'s file, and it is the Daemon\'s', async () => {
    const code = CODE.exec(await sh('masq setup-code'))?.[1];
    assert.ok(code, 'masq setup-code shows a code');
    await box!.waitConsole('the setup code on the console', new RegExp(code), 120_000);
    const file = await sh('cat /boot/firmware/masq-setup-code.txt');
    assert.match(file, new RegExp(`^# .*${code}`, 'm'), 'written as a comment line, so it is never read back as a seed');
  });

  test('the setup page answers in setup mode at masq-XXXX.local and refuses to be claimed without the code', async () => {
    const state = await page('GET', '/api/state');
    assert.equal(state.status, 200, state.body);
    assert.equal((JSON.parse(state.body) as { phase: string; boxName: string }).phase, 'claim');
    const html = await page('GET', '/');
    assert.equal(html.status, 200);
    assert.match(html.body, /<html/i);
    const noCode = await page('POST', '/api/claim/password', { password: 'a long enough admin password' });
    assert.ok(noCode.status >= 400 && noCode.status < 500, `claiming without the code is refused (${noCode.status})`);
    const wrong = await page('POST', '/api/claim/code', { code: 'AAAA-AAAA' });
    assert.ok(wrong.status >= 400 && wrong.status < 500, `a wrong code is refused (${wrong.status})`);
    const code = CODE.exec(await sh('masq setup-code'))?.[1] ?? '';
    const right = await page('POST', '/api/claim/code', { code });
    assert.equal(right.status, 200, right.body);
    // The page holds the whole-home DNS mode's ports too (masq-lan-entry.socket), and sees them open.
    assert.equal((await sh('systemctl is-active masq-lan-entry.socket')).trim(), 'active');
    const pid = (await sh('systemctl show -P MainPID masq-setup.service')).trim();
    for (const [flag, port] of [['-tlpn', 443], ['-ulpn', 53]] as const) {
      assert.match(await sh(`sudo ss -H ${flag} 'sport = :${port}'`), new RegExp(`pid=${pid},`), `masq-setup holds port ${port}`);
    }
  });

  test('the root filesystem has grown to fill the card', async () => {
    const bytes = Number((await sh('findmnt -bno SIZE /')).trim());
    assert.ok(bytes > 3.5 * 1024 ** 3, `the root is ${bytes} bytes on a 4 GiB card`);
  });

  test('the root filesystem is checked by fsck.ext4 before it is mounted', () => {
    const text = box!.console();
    assert.doesNotMatch(text, /fsck not present/, 'the initramfs holds fsck');
    assert.match(text, /Will now check root file system/);
    assert.match(text, /fsck\.ext4/);
  });

  test('no login has a usable password; the time zone Imager gave is set', async () => {
    const usable = await sh('sudo awk -F: \'$2 !~ /^[!*]/ { print $1 }\' /etc/shadow');
    assert.equal(usable.trim(), '', 'every password field is locked');
    assert.equal((await sh('readlink /etc/localtime')).trim(), '/usr/share/zoneinfo/Europe/Prague');
  });

  test('SD-card care: no swap, noatime, the journal bounded, the watchdog on, fstrim weekly, timesyncd running', async () => {
    assert.equal((await sh('tail -n +2 /proc/swaps')).trim(), '', 'no swap');
    assert.match(await sh('findmnt -no OPTIONS /'), /noatime/);
    assert.match(await sh('systemctl show -p RuntimeWatchdogUSec --value'), /^14s$/m);
    assert.match(await sh('systemctl is-enabled fstrim.timer systemd-timesyncd.service'), /^enabled\nenabled$/m);
    assert.match(await sh('systemd-analyze cat-config systemd/journald.conf'), /^SystemMaxUse=64M$/m);
  });

  test('masq works for the owner over ssh: set up, started, the descriptor answers', async () => {
    await sh(SETUP);
    // Under emulation the Node takes longer than masq's 15 s to answer start: its descriptor says it started.
    await box!.ssh(key, USER, 'masq start', 120_000);
    firstDescriptor = await descriptor();
    assert.equal((await sh('systemctl is-active masq-node.service')).trim(), 'active', 'the Node reported ready to systemd');
    await sh('masq set-configuration --gas-price 7');
  });

  test('a clean poweroff ends QEMU', async () => {
    clockAtShutdown = Number((await sh('date +%s')).trim());
    await box!.ssh(key, USER, 'sudo systemctl poweroff', 30_000);
    assert.equal(await box!.waitExit(180_000), true, 'the box powered off by itself');
    note('first boot: powered off');
  });

  describe('the second boot, with a clock that starts in 2000 as on a Pi without an RTC', () => {
    test('same host key, same name, the clock not behind the last boot\'s', async () => {
      box = await boot(card, 'virt', 'boot2', '2000-01-01T00:00:00');
      await box.waitSsh(key, USER, BOOT_MS);
      note('second boot: ssh answers');
      assert.equal(await box.hostKey(), firstHostKey, 'the host keys are made once');
      assert.equal((await sh('hostname')).trim(), BOX);
      const now = Number((await sh('date +%s')).trim());
      assert.ok(now >= clockAtShutdown, `the clock (${now}) starts from the time kept at the last shutdown (${clockAtShutdown})`);
      assert.match(await sh('journalctl -b -o cat | grep -m1 "System time advanced"'), /timesync\/clock/, 'systemd took the time timesyncd kept');
    });

    test('the Node is back by itself with the same key and settings', async () => {
      assert.equal(await descriptor(), firstDescriptor);
      assert.match(await sh('masq configuration'), /gas price:\s+7\b/i);
    });

    test('QEMU killed while the Node writes its store', async () => {
      await sh('nohup sh -c \'i=10; while [ $i -lt 100000 ]; do masq set-configuration --gas-price $i >/dev/null 2>&1; i=$((i + 1)); done\' >/dev/null 2>&1 &');
      await waitFor('the writes to begin', async () => Number(/gas price:\s+(\d+)/i.exec((await box!.ssh(key, USER, 'masq configuration')).stdout)?.[1] ?? 0) >= 12, 120_000, 1000);
      await box!.kill();
      note('second boot: QEMU killed');
    });
  });

  describe('the boot after the power cut', () => {
    test('the store opens: the Node is back with the same key and a gas price from the writes', async () => {
      box = await boot(card, 'virt', 'boot3');
      await box.waitSsh(key, USER, BOOT_MS);
      note('third boot: ssh answers');
      assert.equal(await descriptor(), firstDescriptor);
      const price = Number(/gas price:\s+(\d+)/i.exec(await sh('masq configuration'))?.[1] ?? 0);
      assert.ok(price >= 10, `the gas price (${price}) is one the writer set`);
      assert.equal((await sh('systemctl --failed --no-legend --plain')).trim(), '', 'no failed unit');
      await box.ssh(key, USER, 'sudo systemctl poweroff', 30_000);
      await box.waitExit(180_000);
    });
  });
});

describe('a fresh card on the emulated Raspberry Pi 3 B', () => {
  test('boots with the Pi 3 device tree to the setup code on its console', async () => {
    const pi = await freshCard(tmp, 'card-pi3.img');
    // The owner's own code, pre-seeded in the file before the first boot.
    const seed = join(tmp, 'seed.txt');
    await readBootFile(pi, 'masq-setup-code.txt', seed);
    writeFileSync(seed, `${readFileSync(seed, 'utf8')}${SEED}\n`);
    await writeBootFile(pi, seed, 'masq-setup-code.txt');
    box = await boot(pi, 'raspi3b', 'pi3');
    await box.waitConsole('the pre-seeded setup code on the Pi 3\'s console', new RegExp(`Setup code: ${SEED}`), FIRST_BOOT_MS);
    note('Pi 3 B: setup code shown');
    assert.match(box.console(), /masq-[0-9a-f]{4}/, 'the box named itself');
    await box.kill();
  });
});
