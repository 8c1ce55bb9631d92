// What a step of the wizard (views/wizard.ts) gets and gives: the wizard's state and moves, and the parts every
// step shares. Apart from the wizard so that the steps need not import it.

import type { SetupAnswer, SetupValue, WalletsAnswer } from '../../src/setup/api.js';
import { h } from '../ui/dom.js';
import type { Form } from '../ui/form.js';
import type { App } from './app.js';

export interface Wizard {
  app: App;
  /** The steps' titles, in order. */
  titles: readonly string[];
  setup: SetupAnswer;
  dbPassword?: string;
  /** The wallets made or recovered in this visit, or restored from a backup. */
  wallets?: WalletsAnswer | 'restored';
  /** Shown once above the next step (what a restore did). */
  notice?: string;
  value(name: string): SetupValue | undefined;
  /** Sends values; true when the answer has no error about this form's fields (those it has show next to them). */
  save(form: Form, values: Array<{ name: string; value: string }>): Promise<boolean>;
  next(): void;
  back(): void;
  goTo(step: number): void;
  /** Goes on to the next step, leaving this one out of the history (a step with nothing to ask). */
  skip(): void;
}

export interface Step { title: string; render(w: Wizard): HTMLElement }

/** The step where each parameter is asked, so the review can send the user back to it. */
export const STEP_OF: Readonly<Record<string, number>> = {
  'db-password': 1, 'unattended-restart': 1, chain: 2, 'blockchain-service-url': 2,
  'earning-wallet': 3, 'consuming-private-key': 3, 'neighborhood-mode': 4, neighbors: 4,
};

/** Puts a Back button before the form's own Next. */
export function withBack(w: Wizard, form: Form): HTMLFormElement {
  form.el.querySelector('.actions')?.prepend(h('button', { class: 'secondary', attrs: { type: 'button' }, on: { click: () => w.back() } }, 'Back'));
  return form.el;
}
