// Step 5: how the Node takes part in the network (neighborhood-mode), the Nodes it joins through (neighbors, pre-
// filled with its past neighbors when nobody set them), and how the router port mapping went once the Node runs.

import { neighborLines, neighborList } from '../core/text-lists.js';
import { fill, h } from '../ui/dom.js';
import { choices, field, Form } from '../ui/form.js';
import { automapFacts } from './automap-facts.js';
import { type Step, type Wizard, withBack } from './wizard-step.js';

const MODE_CHOICES = [
  { value: 'standard', title: 'Standard', explain: 'Uses the network and carries other people\'s traffic, earning MASQ for it. Needs the router to let other Nodes in (done automatically on most home routers).' },
  { value: 'originate-only', title: 'Originate only', explain: 'Uses the network and relays for others, but accepts no connections from outside: for boxes behind a router that cannot be opened.' },
  { value: 'consume-only', title: 'Consume only', explain: 'Only uses the network for your own traffic; carries nothing for others and earns nothing.' },
  { value: 'zero-hop', title: 'Zero hop', explain: 'No network at all: the proxy connects straight to the internet. For testing only; it hides nothing.' },
] as const;

function portMapping(w: Wizard): HTMLElement {
  const el = h('div', { class: 'aside' }, h('h2', {}, 'Port mapping'));
  if (!w.setup.running) {
    el.append(h('p', {}, 'Once the Node runs, it asks your router to forward its port to this box (automatic port mapping), so other Nodes can reach it. The dashboard then shows how it went.'));
    return el;
  }
  const slot = h('p', { class: 'muted' }, 'Asking the Node…');
  el.append(slot);
  w.app.call('panelAutomap').then((a) => fill(el, h('h2', {}, 'Port mapping'), automapFacts(a)), () => fill(slot, 'The Node did not say how the port mapping went; the dashboard shows it later.'));
  return el;
}

function render(w: Wizard): HTMLElement {
  const mode = choices('neighborhood-mode', 'How should this Node take part?', MODE_CHOICES, w.value('neighborhood-mode')?.value || 'standard');
  const past = w.value('neighbors');
  const neighbors = field({
    name: 'neighbors', label: 'Neighbors', rows: 5, value: past ? neighborLines(past.value) : '',
    placeholder: 'masq://base-mainnet:…@203.0.113.7:5000',
    hint: past?.status === 'Default' && past.value
      ? 'These are the Nodes this box knew before: keep them, or add others, one a line.'
      : 'Descriptors of Nodes to join the network through, one a line (masq://<chain>:<key>@<address>:<port>). Ask someone who runs a Node, or scan their dashboard\'s QR code. Needed for originate-only and consume-only.',
  });
  const form = new Form('Next', async () => {
    const values = [{ name: 'neighborhood-mode', value: mode.value() }, { name: 'neighbors', value: neighborList(neighbors.control.value).join(',') }];
    if (await w.save(form, values)) w.next();
  }, mode.el, neighbors.row);
  form.add(mode, neighbors);
  return h('div', {}, withBack(w, form), portMapping(w));
}

export const neighborhoodStep: Step = { title: 'Neighborhood', render };
