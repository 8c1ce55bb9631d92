// ssh access: the login the owner's own keys open on this box, with sudo, the keys (type, fingerprint, comment;
// never the key itself), the command to log in with, and forms to add a key, remove one or rename the login. When
// root has not turned it on, the card says so and how.

import type { SshPanel } from '../../src/setup/api.js';
import { localName } from '../core/format.js';
import { fill, h } from '../ui/dom.js';
import { buttonRow, field, Form } from '../ui/form.js';
import { type Controls, facts, type PanelContext, type PanelSpec } from './panel.js';

type Offered = Extract<SshPanel, { offered: true }>;

const STATE_WORDS: Record<Offered['applied'], string> = {
  none: 'No key yet',
  pending: 'Being applied…',
  applied: 'Ready',
  failed: 'Not applied',
};

function keyList(ctx: PanelContext, s: Offered): HTMLElement {
  if (s.keys.length === 0) return h('p', { class: 'muted' }, 'No key opens the login yet.');
  return h('ul', { class: 'ssh-keys' }, ...s.keys.map((k) => {
    const remove = buttonRow({ label: 'Remove', run: async () => { await ctx.app.call('sshRemoveKey', { fingerprint: k.fingerprint }); ctx.refreshAll(); } });
    (remove.buttons[0] as HTMLButtonElement).setAttribute('aria-label', `Remove the key ${k.fingerprint}`);
    return h('li', {},
      h('span', { class: 'key-type' }, `${k.label} ${k.bits}`),
      h('span', { class: 'mono fingerprint' }, k.fingerprint),
      h('span', { class: k.comment ? 'comment' : 'comment muted' }, k.comment || '(no comment)'),
      remove.el);
  }));
}

function controls(ctx: PanelContext): Controls<SshPanel> {
  const command = h('div');
  const keys = h('div');
  const key = field({
    name: 'key', label: 'Public key', rows: 3, placeholder: 'ssh-ed25519 AAAA… you@your-computer',
    hint: 'The one line of ~/.ssh/id_ed25519.pub on your computer (make it with ssh-keygen -t ed25519). Never the private key: the file without .pub stays with you.',
  });
  const added = h('p', { class: 'ok-text', attrs: { role: 'status' } });
  const add = new Form('Add the key', async () => {
    added.textContent = '';
    await ctx.app.call('sshAddKey', { key: key.control.value });
    key.control.value = '';
    added.textContent = 'Added. The box applies it within a few seconds.';
    ctx.refreshAll();
  }, key.row, added);
  add.add(key);
  const user = field({ name: 'user', label: 'Login name', autocomplete: 'off', hint: 'Lower-case letters, digits and dashes, starting with a letter.', attrs: { maxlength: 31, autocapitalize: 'none' } });
  const rename = new Form('Save the name', async () => {
    await ctx.app.call('sshUser', { user: user.control.value });
    ctx.refreshAll();
  }, user.row);
  rename.add(user);
  const el = h('div', {}, command, keys, add.el, h('details', { class: 'aside' }, h('summary', {}, 'Change the login name'), rename.el));
  return {
    el,
    update: (s) => {
      el.hidden = !s.offered;
      if (!s.offered) return;
      if (document.activeElement !== user.control) user.control.value = s.user;
      fill(command, s.keys.length > 0
        ? h('p', {}, 'Log in from a computer that holds one of these keys:', h('code', { class: 'command' }, `ssh ${s.user}@${localName(ctx.app.state.boxName)}`))
        : null);
      fill(keys, keyList(ctx, s));
    },
  };
}

export const sshPanel: PanelSpec<'panelSsh'> = {
  title: 'ssh access',
  about: 'Log in to this box over ssh with your own key, as a user who may use masq and administer the box.',
  route: 'panelSsh',
  width: 'wide',
  body: (s) => s.offered
    ? [
      facts([
        ['Login name', s.user],
        ['State', s.message ? `${STATE_WORDS[s.applied]}: ${s.message}` : STATE_WORDS[s.applied]],
      ]),
      h('p', { class: 'warning' }, h('strong', {}, 'Whoever holds one of these keys is root on this box.'),
        h('span', {}, 'The login may run any command with sudo, without a password. Add only your own keys.')),
    ]
    : [h('p', { class: 'muted' }, s.message)],
  controls,
};
