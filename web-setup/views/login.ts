// The admin password for a visitor without a session. Wrong passwords count down to a lockout, shown as a countdown.

import { h } from '../ui/dom.js';
import { field, Form } from '../ui/form.js';
import { type App, screen } from './app.js';

export function loginView(app: App): void {
  const pw = field({ name: 'password', label: 'Admin password', type: 'password', autocomplete: 'current-password' });
  const form = new Form('Log in', async () => {
    await app.call('login', { password: pw.control.value });
    await app.reload();
  }, pw.row);
  form.add(pw);
  if (app.state.lockedForS) form.lock(app.state.lockedForS);
  app.show(screen(['Log in to ', h('span', { class: 'nowrap' }, app.state.boxName)], 'Type the admin password you chose when you set up this box.', form.el));
}
