// Step 6: what will start, read back from the box (GET /api/setup), with whatever it still finds missing or wrong
// and a button to the step that asks it; then Start, and the live view of the Node coming up.

import type { SetupAnswer } from '../../src/setup/api.js';
import { fill, h } from '../ui/dom.js';
import { Form, problemBlock } from '../ui/form.js';
import { liveView } from './live.js';
import { STEP_OF, type Step, type Wizard, withBack } from './wizard-step.js';

const SHOWN: Array<[string, string]> = [
  ['chain', 'Blockchain'], ['blockchain-service-url', 'Blockchain service'], ['neighborhood-mode', 'Mode'],
  ['neighbors', 'Neighbors'], ['unattended-restart', 'Start by itself after a power cut'], ['earning-wallet', 'Earns into'],
];

function summary(w: Wizard, setup: SetupAnswer): HTMLElement {
  const value = (name: string): string => {
    const v = setup.values.find((x) => x.name === name);
    if (name === 'earning-wallet' && (!v || v.value === '') && w.wallets) return w.wallets === 'restored' ? 'the wallet of the backup' : w.wallets.earningAddress;
    if (!v || v.value === '') return '—';
    if (name === 'neighbors') return `${v.value.split(',').length} Node(s)`;
    return v.value;
  };
  return h('dl', { class: 'facts review' }, ...SHOWN.flatMap(([name, label]) => [h('dt', {}, label), h('dd', {}, value(name))]));
}

function problems(w: Wizard, setup: SetupAnswer): HTMLElement | null {
  if (setup.errors.length === 0) return null;
  return h('div', { class: 'warning', attrs: { role: 'alert' } },
    h('strong', {}, 'The box cannot start the Node yet:'),
    h('ul', {}, ...setup.errors.map(([param, why]) => {
      const step = STEP_OF[param];
      return h('li', {}, h('span', {}, `${param}: ${why}`), step === undefined ? null
        : h('button', { class: 'link', attrs: { type: 'button' }, on: { click: () => w.goTo(step) } }, `Change it in step ${step + 1} (${w.titles[step] ?? ''})`));
    })));
}

function render(w: Wizard): HTMLElement {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Reading the setup…'));
  const form = new Form('Start the Node', async () => {
    await w.app.call('start');
    liveView(w.app);
  });
  withBack(w, form);
  w.app.call('getSetup').then((setup) => {
    w.setup = setup;
    form.button.disabled = setup.errors.length > 0;
    fill(body, h('p', { class: 'intro' }, 'The Node starts with this. You can change any of it later from the dashboard.'), summary(w, setup), problems(w, setup), form.el);
  }, (e: unknown) => fill(body, problemBlock(e), form.el));
  return body;
}

export const reviewStep: Step = { title: 'Review and start', render };
