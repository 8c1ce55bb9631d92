// `make deb-test`: an ssh login from the setup page, for real, in booted Debian 12 and 13 systems that have what the
// appliance image has besides (openssh-server, sudo). The package installed from the signed repository refuses it
// until root turns ssh-access-from-page on in config.toml (no UI can); then a key pasted on the dashboard makes the
// login: ssh with that key works, masq works, sudo works without a password. masq ssh-access adds and renames;
// removed keys stop working; a rename withdraws the old login's keys and sudo; someone else's account is refused;
// masq-ssh-access.service fails without either of its two capabilities; purge takes the sudo rights away.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Container, type Release, boot, debianRoot, removeRoot, SSH_PACKAGES } from '../helpers/container.js';
import { active, ok, page, useRepository } from '../helpers/deb-box.js';
import { ROOT, Sandbox, waitFor } from '../helpers/processes.js';
import { type KeygenKind, type MadeKey, makeKeys } from '../helpers/ssh-keys.js';

const REPO = join(ROOT, 'dist', 'apt');
const ADMIN = 'a long admin password';
const roots: string[] = [];
const sandbox = new Sandbox();
let keys: Record<KeygenKind, MadeKey>;
before(() => { keys = makeKeys(sandbox.tempDir('masq-ssh-system-')); });
after(() => {
  for (const r of roots) removeRoot(r);
  sandbox.cleanup();
});

/** A command over ssh to this box as `user` with one of the keys (copied into the root as /root/keys/<kind>). */
const overSsh = (kind: KeygenKind, user: string, command: string): string =>
  `ssh -i /root/keys/${kind} -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 ${user}@127.0.0.1 '${command}'`;

type Panel = Record<string, unknown> & { applied?: string; message?: string; user?: string; keys?: Array<{ fingerprint: string }> };

/** The panel once masq-ssh-access has applied the last change (or failed to); if it never does, what systemd says. */
async function applied(c: Container): Promise<Panel> {
  return waitFor('masq-ssh-access to apply the change', async () => {
    const p = (await page(c, 'GET', '/api/panel/ssh')).json as Panel;
    return p.applied === 'applied' || p.applied === 'failed' ? p : undefined;
  }, 30_000, 250).catch(async (e: unknown) => {
    const why = await c.sh('systemctl status --no-pager masq-ssh-access.path masq-ssh-access.service; ls -l /var/lib/masq-daemon; journalctl --no-pager -n 40 -u masq-ssh-access.path -u masq-ssh-access.service');
    throw new Error(`${String(e)}\n${why.stdout}${why.stderr}`);
  });
}

async function claim(c: Container): Promise<void> {
  await active(c, 'masq-setup.socket');
  await waitFor('masq to reach the Daemon', async () => (await c.sh('masq setup-code')).code === 0, 20_000, 250);
  const code = /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(await ok(c, 'masq setup-code'))?.[1];
  assert.equal((await page(c, 'POST', '/api/claim/code', { code })).status, 200);
  assert.equal((await page(c, 'POST', '/api/claim/password', { password: ADMIN })).status, 200);
}

/** Drops one capability of masq-ssh-access.service for the next change (none: the unit as shipped). */
async function capabilities(c: Container, caps: string | undefined): Promise<void> {
  const dropIn = '/etc/systemd/system/masq-ssh-access.service.d';
  await ok(c, caps ? `mkdir -p ${dropIn} && printf '[Service]\\nCapabilityBoundingSet=\\nCapabilityBoundingSet=${caps}\\n' > ${dropIn}/test.conf && systemctl daemon-reload`
    : `rm -rf ${dropIn} && systemctl daemon-reload`);
}

for (const release of ['bookworm', 'trixie'] as Release[]) {
  describe(`ssh access from the setup page on Debian ${release === 'bookworm' ? 12 : 13} (${release})`, () => {
    test('off until root turns it on; a key pasted on the page logs in with masq and sudo; masq ssh-access; rename; purge', { timeout: 600_000 }, async () => {
      const t0 = Date.now();
      const root = await debianRoot(release, 'amd64', SSH_PACKAGES);
      roots.push(root);
      useRepository(root, REPO);
      mkdirSync(join(root, 'root', 'keys'), { mode: 0o700 });
      for (const kind of ['ed25519', 'ecdsa-256', 'rsa-2048'] as const) {
        cpSync(keys[kind].privateFile, join(root, 'root', 'keys', kind));
        cpSync(`${keys[kind].privateFile}.pub`, join(root, 'root', 'keys', `${kind}.pub`));
      }
      const c = await boot(root);
      try {
        await ok(c, 'apt-get update -q', 120_000);
        await ok(c, 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q masq', 300_000);
        await active(c, 'masq-daemon.service');
        await active(c, 'masq-ssh-access.path');
        await active(c, 'ssh.service');
        await claim(c);

        // Off as installed: the page says how root turns it on, and nobody who may use masq can.
        const off = (await page(c, 'GET', '/api/panel/ssh')).json;
        assert.equal(off.offered, false);
        assert.match(String(off.message), /ssh-access-from-page = "on" to \/etc\/masq\/config\.toml/);
        assert.equal((await page(c, 'POST', '/api/ssh/keys', { key: keys.ed25519.line })).status, 409);
        const cli = await c.sh('masq ssh-access');
        assert.notEqual(cli.code, 0);
        assert.match(cli.stderr + cli.stdout, /ssh access from the setup page is off/);
        assert.match(await ok(c, 'masq setup --ssh-access-from-page on'), /ssh-access-from-page\s+only root sets it/);
        await ok(c, 'test ! -e /var/lib/masq-daemon/ssh-access.json && ! getent passwd owner');

        // Root turns it on, as the appliance image's config.toml does.
        await ok(c, 'printf \'ssh-access-from-page = "on"\\n\' >> /etc/masq/config.toml && systemctl restart masq-daemon.service');
        await active(c, 'masq-daemon.service');
        await waitFor('the Daemon', async () => (await page(c, 'GET', '/api/panel/ssh')).json.offered === true, 20_000, 250);
        const priv = await page(c, 'POST', '/api/ssh/keys', { key: readFileSync(keys.ed25519.privateFile, 'utf8') });
        assert.equal(priv.status, 400);
        assert.match(String((priv.json.error as { message: string }).message), /^This is a private key/);
        assert.equal((await page(c, 'POST', '/api/ssh/keys', { key: keys.ed25519.line })).status, 200);
        const first = await applied(c);
        assert.equal(first.applied, 'applied', first.message);
        assert.match(String(first.message), /The login owner opens with one key; it may use masq and may run any command as root with sudo, without a password\./);

        // The system is as the panel says.
        assert.match(await ok(c, 'getent passwd owner'), /^owner:x:\d+:\d+:MASQ box owner \(ssh access from the setup page\):\/home\/owner:\/bin\/bash$/m);
        assert.deepEqual((await ok(c, 'id -nG owner')).trim().split(' ').sort(), ['masq-admin', 'owner', 'sudo']);
        assert.match(await ok(c, 'getent shadow owner'), /^owner:\*:/, 'no password can match');
        assert.equal((await ok(c, 'stat -c "%a %U %G" /etc/sudoers.d/masq-owner')).trim(), '440 root root');
        await ok(c, 'visudo -c -q');
        assert.equal((await ok(c, 'stat -c "%a %U" /home/owner/.ssh /home/owner/.ssh/authorized_keys')).trim(), '700 owner\n600 owner');
        assert.ok((await ok(c, 'cat /home/owner/.ssh/authorized_keys')).includes(keys.ed25519.line));

        // The login itself: ssh with the key, masq as a member of masq-admin, sudo without a password.
        const login = await ok(c, overSsh('ed25519', 'owner', 'masq setup >/dev/null && echo MASQ-OK; sudo -n id -u'));
        assert.match(login, /^MASQ-OK\n0\n$/);
        assert.notEqual((await c.sh(overSsh('ecdsa-256', 'owner', 'true'))).code, 0, 'a key not added does not log in');

        // masq ssh-access adds the second key; the first one, removed on the page, stops working.
        assert.match(await ok(c, 'masq ssh-access --add-key /root/keys/ecdsa-256.pub'), /Keys \(2\):/);
        assert.equal((await applied(c)).applied, 'applied');
        const fp = (first.keys?.[0] as { fingerprint: string }).fingerprint;
        assert.equal((await page(c, 'POST', '/api/ssh/keys/remove', { fingerprint: fp })).status, 200);
        assert.equal((await applied(c)).applied, 'applied');
        assert.notEqual((await c.sh(overSsh('ed25519', 'owner', 'true'))).code, 0, 'the removed key');
        assert.match(await ok(c, overSsh('ecdsa-256', 'owner', 'id -un')), /^owner$/m);

        // Each of the two capabilities is needed: without either, the change fails and says why on the page.
        for (const caps of ['CAP_CHOWN', 'CAP_DAC_OVERRIDE']) {
          await capabilities(c, caps);
          await ok(c, 'masq ssh-access --add-key /root/keys/rsa-2048.pub');
          const failed = await applied(c);
          assert.equal(failed.applied, 'failed', `with ${caps} alone: ${String(failed.message)}`);
          await ok(c, `masq ssh-access --remove ${(failed.keys?.at(-1) as { fingerprint: string }).fingerprint}`);
          await applied(c);
        }
        await capabilities(c, undefined);

        // A rename: the new login is made, the old one loses the page's keys, sudo and the groups; its account stays.
        assert.match(await ok(c, 'masq ssh-access --user keeper'), /Login: keeper\n {2}ssh keeper@/);
        assert.equal((await applied(c)).applied, 'applied');
        assert.match(await ok(c, overSsh('ecdsa-256', 'keeper', 'sudo -n id -u')), /^0$/m);
        assert.notEqual((await c.sh(overSsh('ecdsa-256', 'owner', 'true'))).code, 0);
        await ok(c, 'getent passwd owner && test ! -e /etc/sudoers.d/masq-owner && ! grep -q BEGIN /home/owner/.ssh/authorized_keys');
        assert.equal((await ok(c, 'id -nG owner')).trim(), 'owner');

        // Someone else's account is never used, by the Daemon or by the applier.
        await ok(c, 'adduser --disabled-password --gecos "" --quiet guest');
        const taken = await c.sh('masq ssh-access --user guest');
        assert.notEqual(taken.code, 0);
        assert.match(taken.stderr + taken.stdout, /guest is an existing account of this system/);
        assert.equal((await page(c, 'POST', '/api/ssh/user', { user: 'root' })).status, 400);

        // No key or password appears in any log.
        const journal = await ok(c, 'journalctl -o cat --no-pager -u masq-daemon -u masq-ssh-access -u masq-setup');
        for (const k of ['ed25519', 'ecdsa-256'] as const) assert.ok(!journal.includes(keys[k].line.split(' ')[1] as string), `the ${k} key's data is not logged`);
        assert.ok(!journal.includes(readFileSync(keys.ed25519.privateFile, 'utf8').split('\n')[1] as string), 'nor the private key pasted by mistake');
        assert.ok(!journal.includes(ADMIN));

        // Purge takes the sudo rights given here; the accounts and their files stay.
        await ok(c, 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -q masq', 120_000);
        await ok(c, 'test ! -e /etc/sudoers.d/masq-keeper && test ! -e /var/lib/masq-ssh-access && getent passwd keeper');
        await ok(c, 'visudo -c -q');
        process.stdout.write(`# ${release}: ssh access from the page in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      } finally {
        await c.stop();
      }
    });
  });
}
