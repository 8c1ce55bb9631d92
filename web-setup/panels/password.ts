// Changing the admin password: the old one, then the new one twice with the strength meter.

import { h } from '../ui/dom.js';
import { field, Form } from '../ui/form.js';
import { newPassword } from '../ui/meter.js';
import type { App } from '../views/app.js';
import { card } from './panel.js';

export function passwordCard(app: App): HTMLElement {
  const old = field({ name: 'oldPassword', label: 'Current admin password', type: 'password', autocomplete: 'current-password' });
  const pw = newPassword('newPassword', 'New admin password', 'It opens this page.', [app.state.boxName]);
  const done = h('p', { class: 'ok-text', attrs: { role: 'status' } });
  const form = new Form('Change the password', async () => {
    done.textContent = '';
    await app.call('changePassword', { oldPassword: old.control.value, newPassword: pw.value() });
    for (const f of [old, pw.first, pw.second]) f.control.value = '';
    done.textContent = 'The admin password is changed.';
  }, old.row, ...pw.rows, done);
  form.add(old, pw.first, pw.second);
  return card('Admin password', 'The password that opens this page.', form.el);
}
