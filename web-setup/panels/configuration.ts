// The Node's configuration as it runs (its configuration answer, secrets left out), as a table.

import type { ConfigurationPanel } from '../../src/setup/api.js';
import { keyWords } from '../core/format.js';
import { type Child, h } from '../ui/dom.js';
import type { PanelSpec } from './panel.js';
import { settingForm } from './setting-form.js';

/** A value of any shape as text: lists one item a line, records as "name: value" lines. */
function shown(v: unknown): Child[] {
  if (Array.isArray(v)) return v.length === 0 ? ['none'] : v.flatMap((x, i) => [i > 0 ? h('br') : null, ...shown(x)]);
  if (typeof v === 'object' && v !== null) return Object.entries(v).flatMap(([k, x], i) => [i > 0 ? h('br') : null, `${keyWords(k)}: `, ...shown(x)]);
  return [String(v)];
}

export const configurationPanel: PanelSpec<'panelConfiguration'> = {
  title: 'Configuration',
  about: 'How the running Node is set up.',
  route: 'panelConfiguration',
  width: 'double',
  body: (c: ConfigurationPanel) => [h('table', { class: 'config' },
    h('tbody', {}, ...Object.entries(c).map(([k, v]) => h('tr', {}, h('th', { attrs: { scope: 'row' } }, keyWords(k)), h('td', {}, ...shown(v))))))],
  controls: (ctx) => settingForm(ctx),
};
