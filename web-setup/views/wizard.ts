// The first setup, in six steps with a progress bar: the network first, since the chain test needs the internet.
// Each step's "Next" sends its values with POST /api/setup and goes on only when the answer has no error about them;
// the step shows in the address (#step-3) so the phone's back button goes back a step. The database password stays
// in this page's memory only, for the wallets step.

import { fill, h } from '../ui/dom.js';
import type { App } from './app.js';
import { chainStep } from './step-chain.js';
import { neighborhoodStep } from './step-neighborhood.js';
import { passwordStep } from './step-password.js';
import { reviewStep } from './step-review.js';
import { walletsStep } from './step-wallets.js';
import { wifiStep } from './step-wifi.js';
import type { Step, Wizard } from './wizard-step.js';

const STEPS: readonly Step[] = [wifiStep, passwordStep, chainStep, walletsStep, neighborhoodStep, reviewStep];

const stepFromHash = (): number => {
  const m = /^#step-([1-9])$/.exec(location.hash);
  return m ? Math.min(Number(m[1]) - 1, STEPS.length - 1) : 0;
};

const hashOf = (step: number): string => `step-${Math.max(0, Math.min(step, STEPS.length - 1)) + 1}`;

/** The steps as a bar; their names show where there is room, a phone shows "Step 2 of 6" instead. */
function progress(at: number): HTMLElement[] {
  return [
    h('ol', { class: 'progress', attrs: { 'aria-label': `Step ${at + 1} of ${STEPS.length}` } },
      ...STEPS.map((st, i) => h('li', { class: i < at ? 'done' : i === at ? 'current' : '', attrs: { 'aria-current': i === at ? 'step' : undefined } },
        h('span', { class: 'num' }, i + 1), h('span', { class: 'name' }, st.title)))),
    h('p', { class: 'progress-caption', attrs: { 'aria-hidden': 'true' } }, `Step ${at + 1} of ${STEPS.length}`),
  ];
}

export async function wizardView(app: App): Promise<void> {
  const root = h('section', { class: 'screen wizard' });
  const w: Wizard = {
    app,
    titles: STEPS.map((st) => st.title),
    setup: await app.call('getSetup'),
    value: (name) => w.setup.values.find((v) => v.name === name),
    save: async (form, values) => {
      w.setup = await app.call('putSetup', { values });
      return !form.setupErrors(w.setup.errors);
    },
    next: () => w.goTo(stepFromHash() + 1),
    back: () => w.goTo(stepFromHash() - 1),
    goTo: (step) => { location.hash = hashOf(step); },
    skip: () => location.replace(`#${hashOf(stepFromHash() + 1)}`),
  };
  const render = (): void => {
    const at = stepFromHash();
    const step = STEPS[at] as Step;
    const title = h('h1', { attrs: { tabindex: -1 } }, step.title);
    const notice = w.notice ? h('p', { class: 'notice', attrs: { role: 'status' } }, w.notice) : null;
    w.notice = undefined;
    fill(root, ...progress(at), title, notice, step.render(w));
    title.focus();
    window.scrollTo(0, 0);
  };
  window.addEventListener('hashchange', render);
  render();
  app.show(root, () => window.removeEventListener('hashchange', render));
}
