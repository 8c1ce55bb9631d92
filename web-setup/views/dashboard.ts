// The dashboard: one card per panel route, each refreshed every 5 s while the tab shows (core/poller.ts) and at once
// when the Node says its configuration changed (a live event: masq or another tab changed a setting), and the cards
// that change things: admin password, backup and restore, ssh access, the box as the LAN's proxy. Log out is in the
// header.

import { parseEvent } from '../core/events.js';
import { Poller } from '../core/poller.js';
import { ROUTE } from '../core/routes.js';
import { backupCard } from '../panels/backup.js';
import { automapPanel } from '../panels/automap.js';
import { configurationPanel } from '../panels/configuration.js';
import { descriptorPanel } from '../panels/descriptor.js';
import { exitLocationPanel } from '../panels/exit-location.js';
import { lanPanel } from '../panels/lan.js';
import { earningsPanel } from '../panels/earnings.js';
import { logsPanel } from '../panels/logs.js';
import { neighborhoodPanel } from '../panels/neighborhood.js';
import { mountPanel, type PanelContext } from '../panels/panel.js';
import { passwordCard } from '../panels/password.js';
import { sshPanel } from '../panels/ssh.js';
import { statusPanel } from '../panels/status.js';
import { systemPanel } from '../panels/system.js';
import { h } from '../ui/dom.js';
import { buttonRow } from '../ui/form.js';
import type { App } from './app.js';

const REFRESH_MS = 5000;

const visibility = {
  hidden: () => document.hidden,
  onChange: (f: () => void) => {
    document.addEventListener('visibilitychange', f);
    return () => document.removeEventListener('visibilitychange', f);
  },
};

export function dashboardView(app: App): void {
  const poller = new Poller({ setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>) }, visibility, REFRESH_MS);
  const ctx: PanelContext = { app, refreshAll: () => poller.refreshAll() };
  const [status, descriptor, automap, neighborhood, exitLocation, earnings, system, logs, configuration, ssh, lan] = [
    mountPanel(statusPanel, ctx), mountPanel(descriptorPanel, ctx), mountPanel(automapPanel, ctx),
    mountPanel(neighborhoodPanel, ctx), mountPanel(exitLocationPanel, ctx), mountPanel(earningsPanel, ctx), mountPanel(systemPanel, ctx),
    mountPanel(logsPanel, ctx), mountPanel(configurationPanel, ctx), mountPanel(sshPanel, ctx), mountPanel(lanPanel, ctx),
  ];
  const panels = [status, descriptor, automap, neighborhood, exitLocation, earnings, system, logs, configuration, ssh, lan];
  const logout = buttonRow({ label: 'Log out', run: async () => { await app.call('logout'); await app.reload(); } });
  const el = h('section', { class: 'dashboard' },
    h('div', { class: 'dash-head' }, h('h1', {}, app.state.boxName), h('span', { class: 'muted' }, `MASQ Node ${app.state.version}`), logout.el),
    // In this order three columns fill without holes: the wide cards take whole rows, configuration two columns.
    h('div', { class: 'grid' }, status.el, descriptor.el, automap.el, neighborhood.el, exitLocation.el, earnings.el, system.el, passwordCard(app),
      logs.el, configuration.el, backupCard(app, ctx.refreshAll), ssh.el, lan.el));
  // Without live events (too many tabs open) the 5 s rhythm still shows a change.
  const live = new EventSource(ROUTE.events.path);
  live.addEventListener('configuration', (m) => {
    if (parseEvent('configuration', String((m as MessageEvent).data))) poller.refreshAll();
  });
  app.show(el, () => {
    live.close();
    poller.stop();
  });
  for (const p of panels) poller.add(p.refresh);
}
