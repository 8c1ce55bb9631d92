// Step 2: the database password, and whether the box may start the Node by itself after a power cut (the
// unattended-restart parameter) — with what each choice protects and what it does not. Or: restore a backup.

import { h } from '../ui/dom.js';
import { choices, Form } from '../ui/form.js';
import { newPassword } from '../ui/meter.js';
import { restoreForm } from './restore.js';
import type { Step, Wizard } from './wizard-step.js';

const RESTART = [
  {
    value: 'on', title: 'Yes, start by itself',
    explain: 'The box keeps the database password sealed on itself, readable only by its system account (root), and starts the Node after every reboot or power cut. This protects the password from other programs and users, but not from someone who takes the box together with its SD card: they can start it and use its wallets.',
  },
  {
    value: 'off', title: 'No, wait for me',
    explain: 'The password is never stored. After every reboot the Node waits until you open this page and type it. Someone who takes the box gets nothing usable, but after a power cut the Node stays off until you come back.',
  },
] as const;

function render(w: Wizard): HTMLElement {
  const pw = newPassword('db-password', 'Database password', 'It seals the wallet keys stored on the box. Nobody can use them without it — not even you, so keep it somewhere safe.', [w.app.state.boxName]);
  const restart = choices('unattended-restart', 'Start by itself after a power cut?', RESTART, w.value('unattended-restart')?.value ?? 'off');
  const form = new Form('Next', async () => {
    const dbPassword = pw.value();
    if (await w.save(form, [{ name: 'db-password', value: dbPassword }, { name: 'unattended-restart', value: restart.value() }])) {
      w.dbPassword = dbPassword;
      w.next();
    }
  }, ...pw.rows, restart.el);
  form.add(pw.first, pw.second, restart);
  const restore = restoreForm(w.app, 'Restore and continue', async (answer, dbPassword) => {
    w.dbPassword = dbPassword;
    w.wallets = 'restored';
    w.setup = await w.app.call('getSetup');
    w.notice = answer.nodeKeyChanged
      ? 'The backup is restored. This box now has the backup\'s node key, so other Nodes know it by the old descriptor. Check the settings below.'
      : 'The backup is restored. Check the settings below.';
    w.next();
  });
  return h('div', {}, form.el,
    h('details', { class: 'aside' },
      h('summary', {}, 'Or restore from a backup file'),
      h('p', {}, 'A backup holds the node key, the wallets, past neighbors and settings of a box. Restoring it makes this box take over that Node.'),
      restore.el));
}

export const passwordStep: Step = { title: 'Secure the box', render };
