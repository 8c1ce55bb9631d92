// The setup page's entry: read the box's phase (GET /api/state) and show its view; every step that changes the
// phase reads it again. Served by masq-setup with a strict CSP: this bundle is the page's only script.

import type { Phase } from '../src/setup/api.js';
import { makeCall } from './core/client.js';
import { fill, h } from './ui/dom.js';
import { problemBlock } from './ui/form.js';
import type { App, View } from './views/app.js';
import { claimView } from './views/claim.js';
import { dashboardView } from './views/dashboard.js';
import { loginView } from './views/login.js';
import { wizardView } from './views/wizard.js';

const VIEWS: Record<Phase, View> = { claim: claimView, login: loginView, wizard: wizardView, dashboard: dashboardView };

const root = document.getElementById('app') as HTMLElement;
let leave: (() => void) | undefined;
/** Several panels may find the session gone at once: they share one reload. */
let reloading: Promise<void> | undefined;

async function showPhase(): Promise<void> {
  try {
    app.state = await app.call('state');
    const view = Object.hasOwn(VIEWS, app.state.phase) ? VIEWS[app.state.phase] : undefined;
    if (!view) throw new Error(`The box says it is in phase '${String(app.state.phase).slice(0, 40)}', which this page does not know. Reload the page; if that does not help, the page and the box are of different versions.`);
    document.title = `${app.state.boxName} — MASQ Node`;
    if (app.state.phase !== 'wizard' && location.hash) history.replaceState(null, '', location.pathname);
    await view(app);
  } catch (e) {
    app.show(h('section', { class: 'screen' }, h('h1', {}, 'The box does not answer'), problemBlock(e),
      h('div', { class: 'actions' }, h('button', { class: 'primary', attrs: { type: 'button' }, on: { click: () => void app.reload() } }, 'Try again'))));
  }
}

const app: App = {
  call: makeCall((url, init) => fetch(url, init), () => void app.reload()),
  state: { phase: 'login', boxName: 'MASQ Node', version: '', waitingForPassword: false },
  show: (screen, onLeave) => {
    leave?.();
    leave = onLeave;
    fill(root, screen);
  },
  reload: () => {
    reloading ??= showPhase().finally(() => { reloading = undefined; });
    return reloading;
  },
};

void app.reload();
