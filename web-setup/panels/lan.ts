// Use the box from your devices (lan-consuming): the PAC file's address, the proxy's address and port, whether a
// password is asked, each kind of device's steps (core/proxy-platforms.ts), and the form that turns it on or off
// and sets or removes the password; then the whole-home DNS mode (lan-dns, lan-dns.ts) and its own form. All are
// Node parameters of the Daemon's setup, so they change while the Node is stopped.

import type { LanPanel } from '../../src/setup/api.js';
import { localName } from '../core/format.js';
import { PROXY_PLATFORMS, pacUrls, stepsFor } from '../core/proxy-platforms.js';
import { h } from '../ui/dom.js';
import { buttonRow, field, Form } from '../ui/form.js';
import { dnsModeBody } from './lan-dns.js';
import { type Controls, facts, type PanelContext, type PanelSpec } from './panel.js';

function controls(ctx: PanelContext): Controls<LanPanel> {
  const on = field({ name: 'lan-consuming', label: 'Serve the devices of this network', options: [['on', 'On'], ['off', 'Off: this box only']] });
  const password = field({
    name: 'proxy-password', label: 'New proxy password', type: 'password', autocomplete: 'new-password',
    hint: 'Leave it empty to keep the one there is. Devices give it with the user name masq; 8 to 128 characters, no spaces.',
  });
  const save = async (values: Array<{ name: string; value: string }>, form: Form): Promise<void> => {
    const answer = await ctx.app.call('putSetup', { values });
    if (form.setupErrors(answer.errors)) return;
    if (answer.running) throw new Error('The Node is running, so nothing was changed. Stop it under Status, save, then start it again.');
    password.control.value = '';
    ctx.refreshAll();
  };
  const form = new Form('Save the proxy settings', (f) => save([
    { name: 'lan-consuming', value: on.control.value },
    ...(password.control.value !== '' ? [{ name: 'proxy-password', value: password.control.value }] : []),
  ], f), on.row, password.row, h('p', { class: 'note' }, 'This needs the Node stopped: stop it under Status, save, then start it again.'));
  form.add(on, password);
  const remove = buttonRow({ label: 'Remove the password', run: () => save([{ name: 'proxy-password', value: '' }], form) });
  const dns = field({ name: 'lan-dns', label: 'Serve the whole home by DNS', options: [['on', 'On'], ['off', 'Off']] });
  const dnsForm = new Form('Save the DNS mode', (f) => save([{ name: 'lan-dns', value: dns.control.value }], f), dns.row);
  dnsForm.add(dns);
  const el = h('div', {},
    h('details', { class: 'aside' }, h('summary', {}, 'Turn it on or off, set the password'), form.el, remove.el),
    h('details', { class: 'aside' }, h('summary', {}, 'Turn the whole-home DNS mode on or off'), dnsForm.el, h('p', { class: 'note' }, 'This needs the Node stopped too.')));
  return {
    el,
    update: (s) => {
      if (document.activeElement !== on.control) on.control.value = s.lanConsuming ? 'on' : 'off';
      if (document.activeElement !== dns.control) dns.control.value = s.lanDns ? 'on' : 'off';
      remove.el.hidden = !s.passwordSet;
    },
  };
}

function platforms(pacUrl: string): HTMLElement {
  return h('div', { class: 'platforms' }, ...PROXY_PLATFORMS.map((p) =>
    h('details', {}, h('summary', {}, p.platform), h('ol', {}, ...stepsFor(p, pacUrl).map((step) => h('li', {}, step))))));
}

export const lanPanel: PanelSpec<'panelLan'> = {
  title: 'Use the box from your devices',
  about: 'Phones, computers and TVs of this network browse through the box: point them at its automatic proxy configuration.',
  route: 'panelLan',
  width: 'wide',
  body: (s) => {
    if (!s.lanConsuming) return [h('p', { class: 'muted' }, 'Off: the box\'s proxy serves the box itself only. Turn it on below.'), dnsModeBody(s)];
    const [byName, byAddress] = pacUrls(s.boxName, s.address);
    const proxyHost = s.address ?? localName(s.boxName);
    return [
      facts([
        ['Automatic proxy configuration', h('span', {}, h('code', { class: 'command' }, byName ?? ''), byAddress ? h('code', { class: 'command' }, byAddress) : null)],
        ['Proxy, by hand', h('span', { class: 'mono' }, `${proxyHost}:${s.proxyPort}`, ' (HTTP and SOCKS5)')],
        ['Password', s.passwordSet ? `On: devices give the user name ${s.user} and the password` : 'Off: every device of this network may use it'],
      ]),
      s.pageOnLan ? null : h('p', { class: 'warning' }, 'Devices cannot fetch the file yet: the setup page answers this box only. Run masq setup --setup-page-lan on.'),
      h('p', { class: 'hint' }, 'Use the .local address where the device finds the box by name (iPhone, Mac, most Linux), the number otherwise (many Android and Windows devices). Only devices of the box\'s own networks are served; the proxy is never opened to the internet.'),
      platforms(byAddress ?? byName ?? ''),
      dnsModeBody(s),
    ];
  },
  controls,
};
