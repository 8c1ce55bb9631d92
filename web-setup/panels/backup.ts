// Backup and restore: one encrypted file of the node key, wallets, past neighbors and settings, saved to this
// device; and restoring such a file onto this box.

import { h } from '../ui/dom.js';
import { field, Form } from '../ui/form.js';
import { newPassword } from '../ui/meter.js';
import type { App } from '../views/app.js';
import { restoreForm } from '../views/restore.js';
import { card } from './panel.js';

/** Hands the answer's text to the browser as a download; the file never leaves this device otherwise. */
function save(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/octet-stream' }));
  const a = h('a', { attrs: { href: url, download: fileName.replace(/[/\\]/g, '_') || 'masq-backup' } });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function backupCard(app: App, refreshAll: () => void): HTMLElement {
  const db = field({ name: 'dbPassword', label: 'Database password', type: 'password', autocomplete: 'current-password', hint: 'Needed to read the wallet keys into the backup.' });
  const pw = newPassword('backupPassword', 'Backup password', 'It encrypts the file: whoever has the file and this password has your wallets.', [app.state.boxName]);
  const made = h('p', { class: 'ok-text', attrs: { role: 'status' } });
  const backup = new Form('Download a backup', async () => {
    made.textContent = '';
    const answer = await app.call('backup', { dbPassword: db.control.value, backupPassword: pw.value() });
    save(answer.fileName, answer.file);
    made.textContent = `Saved as ${answer.fileName}. Keep it somewhere other than this box.`;
  }, db.row, ...pw.rows, made);
  backup.add(db, pw.first, pw.second);
  const restored = h('p', { class: 'ok-text', attrs: { role: 'status' } });
  const restore = restoreForm(app, 'Restore', (answer) => {
    restored.textContent = answer.nodeKeyChanged
      ? 'Restored. This box now has the backup\'s node key, so other Nodes know it by the old descriptor.'
      : 'Restored.';
    refreshAll();
  });
  restore.el.append(restored);
  return card('Backup', 'Save the node key, wallets, past neighbors and settings in one encrypted file, to set up a new SD card or box from it.',
    backup.el,
    h('details', { class: 'aside' }, h('summary', {}, 'Restore a backup onto this box'), restore.el));
}
