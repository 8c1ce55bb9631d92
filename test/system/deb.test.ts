// `make deb-test`: the package in clean Debian 12 and 13 systems booted with systemd as PID 1 (systemd-nspawn),
// installed with apt from the signed local repository: both units come up, the Node reports readiness and a status
// line, masq drives it over a shell, a restart and an upgrade keep the data, purge removes it. Then the arm64
// package in an arm64 root under qemu-user: masq-node --version and a zero-hop proxy request.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type Container, type Release, boot, debianRoot, removeRoot } from '../helpers/container.js';
import { active, ok, page, useRepository } from '../helpers/deb-box.js';
import { ROOT, run, waitFor } from '../helpers/processes.js';

const REPO = join(ROOT, 'dist', 'apt');
const PREVIOUS_REPO = join(ROOT, 'dist', 'apt-previous');
const roots: string[] = [];
after(() => { for (const r of roots) removeRoot(r); });

const SETUP = 'masq setup --neighborhood-mode standard --ip 203.0.113.9 --db-password system-test --blockchain-service-url http://127.0.0.1:8545 --chain dev --unattended-restart on';
const DESCRIPTOR = /masq:\/\/dev:\S+@203\.0\.113\.9:\d+/;
const ADMIN = 'a long admin password';
/**
 * Debian's node loads the package's cipher addon, which seals 100 kB as node:crypto does, and opens it again as a
 * link does, in two pieces through an opener of its own.
 */
const ADDON_CHECK = 'node -e "const c=require(\'crypto\');const a=require(\'/usr/lib/masq/masq-cipher.node\');'
  + 'const k=c.randomBytes(32),n=c.randomBytes(12),p=c.randomBytes(100000),o=Buffer.alloc(p.length+16);a.seal(k,n,undefined,[p],o);'
  + 'const r=c.createCipheriv(\'chacha20-poly1305\',k,n,{authTagLength:16});'
  + 'const h=a.opener(),q=Buffer.alloc(p.length);a.openBegin(h,k,n,undefined);a.openUpdate(h,o.subarray(0,40000),q,0);'
  + 'a.openUpdate(h,o.subarray(40000,p.length),q,40000);const opened=a.openEnd(h,o.subarray(p.length),q)&&q.equals(p);'
  + 'const trims=typeof a.trim()===\'boolean\';'
  + 'console.log(opened&&trims&&o.equals(Buffer.concat([r.update(p),r.final(),r.getAuthTag()]))?\'same\':\'different\')"';

async function startNode(c: Container): Promise<string> {
  await waitFor('masq to reach the Daemon', async () => (await c.sh('masq setup')).code === 0, 20_000, 250);
  await ok(c, SETUP);
  assert.match(await ok(c, 'masq start'), /MASQNode successfully started in process \d+/);
  await active(c, 'masq-node.service');
  return descriptor(c);
}

function descriptor(c: Container): Promise<string> {
  return waitFor('the descriptor', async () => DESCRIPTOR.exec((await c.sh('masq descriptor')).stdout)?.[0], 30_000, 250);
}

/** The setup page comes up on port 80 by socket activation, as its own user, and the owner claims the box. */
async function claimThroughThePage(c: Container): Promise<void> {
  await active(c, 'masq-setup.socket');
  const code = /\b([A-Z0-9]{4}-[A-Z0-9]{4})\b/.exec(await ok(c, 'masq setup-code'))?.[1];
  assert.ok(code, 'masq setup-code shows the code');
  assert.ok((await ok(c, 'cat /etc/issue.d/masq-setup.issue')).includes(code), 'the console banner shows it');
  assert.ok((await ok(c, '/etc/update-motd.d/60-masq-setup-code')).includes(code), 'the login message shows it');
  assert.equal((await page(c, 'GET', '/api/state')).json.phase, 'claim');
  assert.equal((await ok(c, 'ps -o user= -p "$(systemctl show -p MainPID --value masq-setup.service)"')).trim(), 'masq-setup');
  assert.equal((await page(c, 'POST', '/api/claim/code', { code })).status, 200);
  assert.equal((await page(c, 'POST', '/api/claim/password', { password: ADMIN })).status, 200);
  assert.equal((await page(c, 'GET', '/api/state')).json.phase, 'wizard');
  assert.equal((await c.sh('test -e /run/masq/setup-code.issue')).code, 1, 'the banner is gone once the box is claimed');
}

for (const release of ['bookworm', 'trixie'] as Release[]) {
  describe(`masq on Debian ${release === 'bookworm' ? 12 : 13} (${release})`, () => {
    test('install from the signed repository, run, restart, upgrade, purge', { timeout: 600_000 }, async () => {
      const root = await debianRoot(release);
      roots.push(root);
      useRepository(root, PREVIOUS_REPO);
      const t0 = Date.now();
      const c = await boot(root);
      try {
        await ok(c, 'apt-get update -q', 120_000);
        await ok(c, 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q masq', 300_000);
        await active(c, 'masq-daemon.service');
        assert.equal((await ok(c, ADDON_CHECK)).trim(), 'same', 'the cipher addon works under Debian\'s nodejs');
        assert.equal((await c.sh('systemctl is-enabled masq-node.service')).stdout.trim() !== 'enabled', true, 'the Daemon starts the Node, not boot');
        assert.equal((await c.sh('systemctl is-enabled masq-upgrade.timer')).stdout.trim(), 'disabled', 'automatic upgrades are off by default');
        // The conffile is the Daemon's config file: a value uncommented there shows as Configured after a restart.
        await ok(c, 'sed -i "s/^#min-hops = .*/min-hops = 2/" /etc/masq/config.toml && grep -q "^min-hops = 2" /etc/masq/config.toml');
        await ok(c, 'systemctl restart masq-daemon.service');
        await active(c, 'masq-daemon.service');
        assert.match(await waitFor('masq setup', async () => { const r = await c.sh('masq setup'); return r.code === 0 ? r.stdout : undefined; }, 20_000, 250), /min-hops\s+2\s+Configured/);
        await claimThroughThePage(c);
        const first = await startNode(c);
        const status = await ok(c, 'systemctl show -p StatusText --value masq-node.service');
        assert.match(status, /standard/i, `the Node reports its own status line: ${status}`);
        assert.match(await ok(c, 'journalctl -u masq-node -o cat --no-pager'), /MASQ Node ready/);
        assert.match(await ok(c, 'stat -c "%a %U" /var/lib/masq'), /^700 masq/);

        // Only root and masq-admin may drive the Daemon or the Node.
        await ok(c, 'adduser --disabled-password --gecos "" --quiet guest');
        const nodePort = /MASQ_UI_PORT="?(\d+)/.exec(await ok(c, 'cat /run/masq/node.env'))?.[1];
        assert.ok(nodePort, 'node.env names the Node\'s UI port');
        for (const target of ['', `--ui-port ${nodePort} `]) {
          const denied = await c.sh(`runuser -u guest -- masq ${target}descriptor`);
          assert.notEqual(denied.code, 0);
          assert.match(denied.stderr, /Permission denied: only members of masq-admin \(or root\) can use masq here/, denied.stdout + denied.stderr);
        }
        await ok(c, 'adduser --quiet guest masq-admin');
        assert.match(await ok(c, 'runuser -u guest -- masq descriptor'), /^masq:\/\/dev:/);

        // Unattended restart: a restart of the Daemon, and a stop and start of every unit as at a reboot, bring the
        // Node back by itself with its last setup, the database password unsealed by systemd-creds.
        await ok(c, 'test -n "$(ls -A /var/lib/masq-daemon)" && ! grep -rqa system-test /var/lib/masq-daemon /var/lib/masq');
        await ok(c, 'systemctl restart masq-daemon.service');
        await active(c, 'masq-node.service');
        assert.equal(await descriptor(c), first, 'the Node is back by itself after a Daemon restart, same key');
        await ok(c, 'systemctl stop masq-setup.socket masq-setup.service masq-daemon.service masq-node.service');
        await ok(c, 'systemctl start masq-daemon.service masq-setup.socket');
        await active(c, 'masq-node.service');
        assert.equal(await descriptor(c), first, 'and after every unit stopped and started, as at a reboot');

        // The other choice: the box waits for the password, and the page unlocks it.
        await ok(c, 'masq shutdown');
        // The Daemon takes no setup while the Node runs: wait until it has stopped.
        await waitFor('the Node to stop', async () => /not running/.test((await c.sh('masq descriptor')).stderr), 20_000, 250);
        assert.match(await ok(c, 'masq setup --unattended-restart off'), /unattended-restart\s+off\s+Set/);
        assert.match(await ok(c, 'masq start'), /successfully started/);
        await ok(c, 'systemctl restart masq-daemon.service');
        await active(c, 'masq-daemon.service');
        await new Promise((r) => setTimeout(r, 3000));
        assert.notEqual((await c.sh('systemctl is-active masq-node.service')).stdout.trim(), 'active', 'without the password the Node waits');
        assert.equal((await page(c, 'POST', '/api/login', { password: ADMIN })).status, 200);
        assert.equal((await page(c, 'GET', '/api/panel/status')).json.waitingForPassword, true);
        assert.equal((await page(c, 'POST', '/api/node/unlock', { dbPassword: 'system-test' })).status, 200);
        await active(c, 'masq-node.service');
        assert.equal(await descriptor(c), first, 'unlocked from the page: same key');

        // Upgrade to this build: the units restart, the data stays. On Debian 13 through masq-upgrade.service, the
        // unit masq-upgrade.timer starts, under its sandbox; on Debian 12 with apt itself.
        useRepository(root, REPO);
        if (release === 'trixie') {
          await ok(c, 'systemctl start masq-upgrade.service', 300_000);
        } else {
          await ok(c, 'apt-get update -q', 120_000);
          await ok(c, 'DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -q', 300_000);
        }
        assert.match(await ok(c, "dpkg-query -W -f '${Version}' masq"), /-1$/, 'this build is installed');
        await active(c, 'masq-daemon.service');
        assert.equal(await startNode(c), first, 'same key after an upgrade');

        // Remove keeps the data; purge removes it and the system user.
        await ok(c, 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q masq', 120_000);
        await ok(c, 'test -d /var/lib/masq');
        // Installed again after a remove: the units remove masked run again, and the Daemon (its state kept, the
        // password sealed) starts the Node by itself with the same key.
        await ok(c, 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q masq', 120_000);
        await active(c, 'masq-daemon.service');
        await active(c, 'masq-setup.socket');
        await active(c, 'masq-node.service');
        assert.equal(await descriptor(c), first, 'same key after a remove and a new installation');
        await ok(c, 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -q masq', 120_000);
        await ok(c, 'test ! -e /var/lib/masq && test ! -e /var/lib/masq-daemon && test ! -e /etc/masq && ! getent passwd masq && ! getent passwd masq-setup');
        process.stdout.write(`# ${release}: install, restart, upgrade and purge in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      } finally {
        await c.stop();
      }
    });
  });
}

describe('the arm64 package', () => {
  test('installs into an arm64 root under qemu-user; masq-node runs and proxies in zero-hop mode', { timeout: 1_200_000 }, async () => {
    const root = await debianRoot('bookworm', 'arm64');
    roots.push(root);
    useRepository(root, REPO);
    const chroot = (command: string, timeoutMs = 300_000): Promise<ReturnType<typeof run> extends Promise<infer R> ? R : never> =>
      run('chroot', [root, '/bin/sh', '-c', command], { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs);
    for (const m of ['proc', 'sys', 'dev']) await run('mount', ['--bind', `/${m}`, join(root, m)]);
    let r = await chroot('apt-get update -q && apt-get install -y -q masq');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    r = await chroot('uname -m; dpkg --print-architecture; masq-node --version');
    assert.match(r.stdout, /aarch64\narm64\nmasq-node \d+\.\d+\.\d+/);
    r = await chroot(ADDON_CHECK);
    assert.equal(r.stdout.trim(), 'same', `the arm64 cipher addon works under Debian's nodejs: ${r.stdout} ${r.stderr}`);
    // The Node's pid is kept so it is stopped whatever happens (under qemu-user its command line starts with the
    // emulator, so a name match would miss it).
    r = await chroot('mkdir -p /tmp/z && masq-node --neighborhood-mode zero-hop --data-directory /tmp/z --ui-port 45333 --proxy-port 45380 --exit-private-destinations on > /tmp/z/out 2>&1 & '
      + 'pid=$!; for i in $(seq 1 120); do grep -q "MASQ Node ready" /tmp/z/out && break; sleep 1; done; '
      + 'curl -s -o /dev/null -w "%{http_code}" -x http://127.0.0.1:45380 http://127.0.0.1:45333/; kill $pid; wait $pid; true', 600_000);
    assert.match(r.stdout, /^426$|^400$|^200$/, `a proxied request reached the UI port through the arm64 Node: ${r.stdout} ${r.stderr}`);
  });
});
