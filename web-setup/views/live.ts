// The Node coming up, live from GET /api/events: started, introduced to its neighbors (its Debut), a route found;
// its log lines underneath, newest first. If it stops on the way, why, and the way back to the setup.

import type { PageEvent } from '../../src/setup/api.js';
import { EVENT_TYPES, parseEvent } from '../core/events.js';
import { ROUTE } from '../core/routes.js';
import { fill, h } from '../ui/dom.js';
import { logLine } from '../ui/log-line.js';
import { type App, screen } from './app.js';

const MAX_LINES = 40;

const MILESTONES = [
  { key: 'running', title: 'The Node is running', explain: 'Its program has started on the box.' },
  { key: 'ConnectedToNeighbor', title: 'Debut: it met its neighbors', explain: 'It introduced itself to the Nodes it knows, and they answered.' },
  { key: 'RouteFound', title: 'A route is found', explain: 'It knows enough Nodes to send your traffic through the network.' },
] as const;
type Milestone = (typeof MILESTONES)[number]['key'];

export function liveView(app: App): void {
  const reached = new Set<Milestone>();
  const steps = h('ol', { class: 'milestones' });
  const drawSteps = (): void => fill(steps, ...MILESTONES.map((m) => h('li', { class: reached.has(m.key) ? 'done' : '' },
    h('strong', {}, m.title), h('span', {}, m.explain))));
  const lines = h('ol', { class: 'log', attrs: { 'aria-live': 'polite' } });
  const trouble = h('div');
  const go = h('button', { class: 'secondary', attrs: { type: 'button' }, on: { click: () => void app.reload() } }, 'Go to the dashboard');
  drawSteps();

  const on = (ev: PageEvent): void => {
    if (ev.type === 'configuration') return;
    if (ev.type === 'log') {
      lines.prepend(logLine(ev));
      while (lines.childElementCount > MAX_LINES) lines.lastElementChild?.remove();
      return;
    }
    if (ev.type === 'node') {
      if (ev.running) reached.add('running');
      else fill(trouble, h('div', { class: 'warning', attrs: { role: 'alert' } },
        h('strong', {}, 'The Node stopped.'),
        h('span', {}, ev.crashReason ? `Reason: ${ev.crashReason}.` : 'It gave no reason; its log lines below may tell.'),
        h('span', { class: 'fix' }, 'Check the setup and start it again.'),
        h('button', { class: 'secondary', attrs: { type: 'button' }, on: { click: () => void app.reload() } }, 'Check the setup')));
    } else {
      reached.add('running');
      if (ev.stage !== 'NotConnected') reached.add('ConnectedToNeighbor');
      if (ev.stage === 'RouteFound') reached.add('RouteFound');
    }
    if (reached.has('RouteFound')) go.className = 'primary';
    drawSteps();
  };

  const source = new EventSource(ROUTE.events.path);
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (m) => {
      const ev = parseEvent(type, String((m as MessageEvent).data));
      if (ev) on(ev);
    });
  }
  app.show(screen('Starting the Node', 'This takes from a few seconds to a few minutes. You can leave this page; the Node keeps going.',
    steps, trouble, h('div', { class: 'actions' }, go), h('h2', {}, 'What the Node says'), lines), () => source.close());
}
