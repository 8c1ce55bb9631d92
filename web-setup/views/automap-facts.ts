// How the router port mapping stands (the Node's automapStatus answer): used by the wizard's neighborhood step
// once the Node runs, and by the dashboard's panel.

import type { AutomapPanel } from '../../src/setup/api.js';
import { h } from '../ui/dom.js';

const STATE_WORDS: Record<AutomapPanel['state'], string> = {
  mapped: 'Mapped: the router forwards other Nodes to this box.',
  failed: 'Not mapped: other Nodes cannot reach this box through the router.',
  off: 'Off: this Node does not ask the router (its mode or its settings say so).',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

export function automapFacts(a: AutomapPanel): HTMLElement {
  const rows: Array<[string, string | undefined]> = [
    ['Router', str(a['router'])],
    ['Protocol', str(a['protocol'])],
    ['Public address', str(a['publicAddress'])],
    ['Ports', a['externalPort'] !== undefined ? `${str(a['externalPort'])} outside → ${str(a['internalPort']) ?? '?'} on this box` : undefined],
    ['Cause', str(a['cause'])],
  ];
  const fix = str(a['fix']);
  return h('div', { class: `automap ${a.state}` },
    h('p', { class: 'state' }, h('strong', {}, STATE_WORDS[a.state] ?? String(a.state))),
    h('p', {}, String(a.summary)),
    h('dl', { class: 'facts' }, ...rows.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    fix ? h('p', { class: 'fix' }, fix) : null);
}
