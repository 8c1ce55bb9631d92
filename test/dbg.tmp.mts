import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boot, debianRoot, removeRoot } from './helpers/container.js';
const repo = '/work/main/dist/apt';
const root = await debianRoot('bookworm');
cpSync(repo, join(root, 'srv', 'masq-apt'), { recursive: true });
mkdirSync(join(root, 'etc', 'apt', 'keyrings'), { recursive: true });
cpSync(join(repo, 'masq-archive-keyring.gpg'), join(root, 'etc', 'apt', 'keyrings', 'masq-archive-keyring.gpg'));
writeFileSync(join(root, 'etc', 'apt', 'sources.list'), '');
writeFileSync(join(root, 'etc', 'apt', 'sources.list.d', 'masq.sources'), 'Types: deb\nURIs: file:///srv/masq-apt\nSuites: stable\nComponents: main\nSigned-By: /etc/apt/keyrings/masq-archive-keyring.gpg\n');
const c = await boot(root);
try {
  for (const cmd of ['apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q masq >/dev/null 2>&1; echo installed $?', 'sleep 3; systemctl status masq-daemon --no-pager | head -5', 'journalctl -u masq-daemon --no-pager -o cat | tail -30', 'masq setup | head -3', 'systemctl status masq-setup.socket --no-pager | head -5', 'curl -sS http://127.0.0.1/api/state', 'journalctl -u masq-setup --no-pager -o cat | tail -20', 'ls -la /run/masq /var/lib/masq-daemon; cat /run/masq/setup-code.issue', 'masq setup-code']) {
    const r = await c.sh(cmd, 300_000);
    console.log(`$ ${cmd}\n${r.stdout}${r.stderr}`);
  }
} finally {
  await c.stop();
  removeRoot(root);
}
