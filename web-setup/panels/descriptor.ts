// This Node's descriptor, the address other Nodes use to join the network through it: as text to copy and as a
// QR code to scan with another phone.

import type { DescriptorPanel } from '../../src/setup/api.js';
import { h } from '../ui/dom.js';
import { buttonRow } from '../ui/form.js';
import { qrSvg } from '../ui/qr.js';
import type { Controls, PanelSpec } from './panel.js';

/** The clipboard API needs a secure page (https or localhost); on the LAN address a selected input is copied instead. */
async function copy(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const input = h('textarea', { class: 'offscreen', attrs: { readonly: true } });
  input.value = text;
  document.body.append(input);
  input.select();
  const ok = document.execCommand('copy');
  input.remove();
  if (!ok) throw new Error('This browser did not let the page copy. Press on the descriptor above and copy it by hand.');
}

function controls(): Controls<DescriptorPanel> {
  let current: string | undefined;
  const done = h('span', { class: 'muted', attrs: { role: 'status' } });
  const row = buttonRow({
    label: 'Copy the descriptor',
    run: async () => {
      if (current) await copy(current);
      done.textContent = current ? 'Copied.' : '';
    },
  });
  row.el.querySelector('.actions')?.append(done);
  return {
    el: row.el,
    update: (d) => {
      current = d.descriptor;
      done.textContent = '';
      (row.buttons[0] as HTMLButtonElement).hidden = !current;
    },
  };
}

export const descriptorPanel: PanelSpec<'panelDescriptor'> = {
  title: 'Descriptor',
  about: 'The address other Nodes use to join the network through this one. Share it with people you want as neighbors.',
  route: 'panelDescriptor',
  body: (d) => d.descriptor
    ? [h('p', { class: 'mono descriptor' }, d.descriptor), qrSvg(d.descriptor, 'QR code of the descriptor')]
    : [h('p', { class: 'muted' }, 'No descriptor yet: the Node is not running, or its mode accepts no connections (originate-only, consume-only, zero-hop).')],
  controls,
};
