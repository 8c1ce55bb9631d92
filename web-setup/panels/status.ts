// Status: whether the Node runs and how far it got, with Start, Stop and Restart; after a reboot with unattended
// restart off, the form for the database password that lets it start.

import type { StatusPanel } from '../../src/setup/api.js';
import type { CallName } from '../core/routes.js';
import { h } from '../ui/dom.js';
import { buttonRow, field, Form } from '../ui/form.js';
import { type Controls, facts, type PanelContext, type PanelSpec } from './panel.js';

const STAGE_WORDS: Record<NonNullable<StatusPanel['stage']>, string> = {
  NotConnected: 'Not connected yet: looking for its neighbors',
  ConnectedToNeighbor: 'Connected to a neighbor, still learning the network',
  RouteFound: 'Ready: it can route your traffic',
};

function controls(ctx: PanelContext): Controls<StatusPanel> {
  const db = field({ name: 'dbPassword', label: 'Database password', type: 'password', autocomplete: 'current-password', hint: 'The box was restarted and does not keep this password, so the Node waits for it.' });
  const unlock = new Form('Start the Node', async () => {
    await ctx.app.call('unlock', { dbPassword: db.control.value });
    db.control.value = '';
    ctx.refreshAll();
  }, db.row);
  unlock.add(db);
  const unlockBox = h('div', { class: 'unlock', attrs: { hidden: true } }, h('h3', {}, 'The Node is waiting for its password'), unlock.el);
  const act = (route: Extract<CallName, 'start' | 'stop' | 'restart'>) => async (): Promise<void> => {
    await ctx.app.call(route);
    ctx.refreshAll();
  };
  const row = buttonRow({ label: 'Start', cls: 'primary', run: act('start') }, { label: 'Stop', run: act('stop') }, { label: 'Restart', run: act('restart') });
  const [start, stop, restart] = row.buttons as [HTMLButtonElement, HTMLButtonElement, HTMLButtonElement];
  return {
    el: h('div', {}, unlockBox, row.el),
    update: (s) => {
      unlockBox.hidden = !s.waitingForPassword;
      start.hidden = s.nodeRunning || s.waitingForPassword;
      stop.hidden = !s.nodeRunning;
      restart.hidden = !s.nodeRunning;
    },
  };
}

export const statusPanel: PanelSpec<'panelStatus'> = {
  title: 'Status',
  about: 'Whether the Node runs and how far it got in joining the network.',
  route: 'panelStatus',
  body: (s) => [
    h('p', { class: `big ${s.nodeRunning ? 'good' : 'bad'}` }, s.nodeRunning ? 'The Node is running' : s.waitingForPassword ? 'The Node waits for its password' : 'The Node is stopped'),
    facts([
      // A zero-hop Node never joins a network: its proxy goes straight out.
      ['Network', s.nodeRunning && s.stage ? (s.mode === 'zero-hop' ? 'None: zero-hop mode connects straight to the internet' : STAGE_WORDS[s.stage]) : undefined],
      ['Mode', s.mode],
      ['Starts by itself after a power cut', s.unattendedRestart === 'on' ? 'yes' : 'no'],
    ]),
  ],
  controls,
};
