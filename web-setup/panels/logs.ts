// The Node's recent log lines, newest first, and the full log to download with secrets removed.

import { ROUTE } from '../core/routes.js';
import { h } from '../ui/dom.js';
import { logLine } from '../ui/log-line.js';
import type { PanelSpec } from './panel.js';

const SHOWN = 100;

export const logsPanel: PanelSpec<'panelLogs'> = {
  title: 'Log',
  about: 'What the Node reported lately, newest first. If you ask someone for help, send them the downloaded log: passwords and keys are removed from it.',
  route: 'panelLogs',
  width: 'wide',
  body: (l) => [l.lines.length === 0 ? h('p', { class: 'muted' }, 'Nothing logged yet.')
    : h('ol', { class: 'log', attrs: { reversed: true } }, ...l.lines.slice(-SHOWN).reverse().map(logLine))],
  controls: () => ({ el: h('div', { class: 'actions' }, h('a', { class: 'button secondary', attrs: { href: ROUTE.downloadLogs.path, download: 'masq-node-log.txt' } }, 'Download logs (redacted)')) }),
};
