// Restoring a backup file (made by this page's Backup, or masq backup): the file is read as text in the browser
// and sent with its backup password and the database password to seal it with. Used by the wizard's first step
// and by the dashboard.

import type { BACKUP_BODY, RestoreAnswer } from '../../src/setup/api.js';
import { field, Form, Invalid } from '../ui/form.js';
import type { App } from './app.js';

/** The route's body limit (checked against api.ts by the compiler), less room for the passwords. */
const BODY_LIMIT: typeof BACKUP_BODY = 262_144;
const MAX_FILE = BODY_LIMIT - 8192;

function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Invalid('file', 'The browser could not read this file.', 'Choose the file again; if it is on a memory card or cloud drive, copy it to this device first.'));
    reader.readAsText(file);
  });
}

export function restoreForm(app: App, label: string, onDone: (answer: RestoreAnswer, dbPassword: string) => Promise<void> | void): Form {
  const file = field({ name: 'file', label: 'Backup file', hint: 'The backup file you saved earlier from this page.' });
  file.control.setAttribute('type', 'file');
  const backupPw = field({ name: 'backupPassword', label: 'Backup password', type: 'password', autocomplete: 'off', hint: 'The password you chose when you made the backup.' });
  const dbPw = field({ name: 'dbPassword', label: 'Database password', type: 'password', autocomplete: 'new-password', hint: 'The password that seals the restored keys on this box.' });
  const form = new Form(label, async () => {
    const chosen = (file.control as HTMLInputElement).files?.[0];
    if (!chosen) throw new Invalid('file', 'No backup file is chosen.', 'Tap "Backup file" and pick the file.');
    if (chosen.size > MAX_FILE) throw new Invalid('file', `This file is ${chosen.size} bytes: too large to be a backup of this box.`, 'Pick the backup file itself (it is a few kilobytes).');
    const dbPassword = dbPw.control.value;
    const answer = await app.call('restore', { file: await readText(chosen), backupPassword: backupPw.control.value, dbPassword });
    await onDone(answer, dbPassword);
  }, file.row, backupPw.row, dbPw.row);
  form.add(file, backupPw, dbPw);
  return form;
}
