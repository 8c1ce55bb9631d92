// The first visit: the setup code proves the visitor can see the box (its console, `masq setup-code` over ssh,
// or the file on the SD card's boot partition); then they choose the admin password that guards the page from
// now on. Wrong codes count down to a lockout, which shows as a countdown.

import { CODE_LENGTH, normalizeCode, reformat } from '../core/code.js';
import { h } from '../ui/dom.js';
import { field, Form, Invalid } from '../ui/form.js';
import { newPassword } from '../ui/meter.js';
import { type App, screen } from './app.js';

export function claimView(app: App): void {
  const code = field({
    name: 'code', label: 'Setup code', placeholder: 'XXXX-XXXX', inputmode: 'text', autocomplete: 'one-time-code',
    attrs: { autocapitalize: 'characters', maxlength: 12, class: 'code-input' },
    hint: 'Eight letters and digits. Capitals and the dash are filled in for you.',
  });
  const input = code.control as HTMLInputElement;
  input.addEventListener('input', () => {
    const r = reformat(input.value, input.selectionStart ?? input.value.length);
    input.value = r.text;
    input.setSelectionRange(r.caret, r.caret);
  });
  const form = new Form('Continue', async () => {
    const value = normalizeCode(input.value);
    if (value.length !== CODE_LENGTH) throw new Invalid('code', `The setup code has ${CODE_LENGTH} characters; ${value.length} are typed.`, 'Check the code on the box and type all of it.');
    await app.call('claimCode', { code: value });
    app.show(passwordScreen(app));
  }, code.row);
  form.add(code);
  if (app.state.lockedForS) form.lock(app.state.lockedForS);
  app.show(screen('Enter the setup code', 'This proves you are the owner of this box. Find the code in one of these places:',
    h('ul', { class: 'where' },
      h('li', {}, 'on a screen plugged into the box,'),
      h('li', {}, 'over ssh: run ', h('code', {}, 'masq setup-code'), ','),
      h('li', {}, 'on the SD card: in a text file on its boot partition (put the card into a computer to read it).')),
    form.el));
}

function passwordScreen(app: App): HTMLElement {
  const pw = newPassword('password', 'Admin password', 'You will use it to open this page from now on.', [app.state.boxName]);
  const form = new Form('Save the password', async () => {
    await app.call('claimPassword', { password: pw.value() });
    await app.reload();
  }, ...pw.rows);
  form.add(pw.first, pw.second);
  return screen('Choose the admin password', 'The code was right. Now choose the password that protects this page: anyone on your network who knows it can change the box.', form.el);
}
