// The whole-home DNS mode's part of the LAN card: whether it is on, what a device or the home's router is set to,
// what the mode cannot carry, and how each browser's own encrypted DNS is turned off (core/doh-browsers.ts).

import type { LanPanel } from '../../src/setup/api.js';
import { DNS_MODE_LIMITS, DOH_SETTINGS } from '../core/doh-browsers.js';
import { h } from '../ui/dom.js';
import { facts } from './panel.js';

export const ENABLE_PORTS = 'sudo systemctl enable --now masq-lan-entry.socket && sudo systemctl restart masq-setup';

export function dnsModeBody(s: LanPanel): HTMLElement {
  const server = s.address ?? 'this box\'s address';
  return h('section', { class: 'dns-mode', attrs: { 'aria-label': 'Whole-home DNS mode' } },
    h('h3', {}, 'The whole home, by DNS'),
    s.lanDns
      ? facts([
        ['Whole-home DNS mode', 'On: a device whose DNS server is this box browses through MASQ with no proxy setting'],
        ['DNS server to give', h('span', { class: 'mono' }, server)],
        ['Everyone at once', 'In your router\'s settings, give this address as the DNS server its DHCP hands out'],
      ])
      : h('p', { class: 'muted' }, 'Whole-home DNS mode is off: the box answers no DNS for the network. Turn it on below, then set devices\' DNS server, or your router\'s, to this box.'),
    s.lanDns && !s.dnsPorts ? h('p', { class: 'warning' }, 'This machine does not give the page its ports 53 and 443 yet. As root, run: ', h('code', { class: 'command' }, ENABLE_PORTS)) : null,
    h('details', {}, h('summary', {}, 'What it cannot carry'), h('ul', {}, ...DNS_MODE_LIMITS.map((l) => h('li', {}, l)))),
    h('details', {}, h('summary', {}, 'Turn off a browser\'s own encrypted DNS'),
      h('dl', { class: 'facts' }, ...DOH_SETTINGS.flatMap((d) => [h('dt', {}, d.where), h('dd', {}, d.steps)]))),
  );
}
