// Earnings: what other Nodes owe this one and have paid, what it owes and has paid, and earned against owed over time.

import { masq } from '../core/format.js';
import { chartSvg } from '../ui/chart-svg.js';
import { h } from '../ui/dom.js';
import { facts, type PanelSpec } from './panel.js';

export const earningsPanel: PanelSpec<'panelEarnings'> = {
  title: 'Earnings',
  about: 'MASQ this Node earned by carrying traffic, and what it owes others for carrying its own. Debts are paid automatically once they pass a threshold.',
  route: 'panelEarnings',
  body: (e) => [
    facts([
      ['Earned, not yet received', masq(e.now.earnedGwei)],
      ['Received', masq(e.now.receivedGwei)],
      ['Owed to others', masq(e.now.owedGwei)],
      ['Paid to others', masq(e.now.paidGwei)],
    ]),
    chartSvg(e.history),
    h('ul', { class: 'legend' }, h('li', { class: 'earned' }, 'earned'), h('li', { class: 'owed' }, 'owed')),
  ],
};
