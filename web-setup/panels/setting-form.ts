// Changing one parameter. Gas price, minimum hops and the start block change while the Node runs (the Node's
// setConfiguration); everything else is part of the setup the Daemon starts the Node with, so it changes only
// while the Node is stopped (POST /api/setup), and the form says so.

import type { SetupValue } from '../../src/setup/api.js';
import { fill, h } from '../ui/dom.js';
import { field, Form, problemOf } from '../ui/form.js';
import type { Controls, PanelContext } from './panel.js';

export function settingForm(ctx: PanelContext): Controls<unknown> {
  const values = new Map<string, SetupValue>();
  /** The Node's runtime settings, as the server names them (start-block is a scan's row, not a parameter). */
  let runtime: readonly string[] = [];
  const name = field({ name: 'name', label: 'Setting', options: [] });
  const value = field({ name: 'value', label: 'New value', hint: 'Leave it empty to go back to the default.' });
  const about = h('div', { class: 'hint' });
  const saved = h('p', { class: 'ok-text', attrs: { role: 'status' } });
  const describe = (): void => {
    const v = values.get(name.control.value);
    const atOnce = runtime.includes(name.control.value);
    fill(about,
      v ? h('p', {}, v.help) : null,
      v ? h('p', {}, 'Now: ', h('span', { class: 'mono' }, v.value || '(empty)'), ` (${v.status})`) : null,
      h('p', { class: atOnce ? '' : 'note' }, atOnce
        ? 'This changes at once, while the Node runs.'
        : 'This needs the Node stopped: stop it under Status, save the new value, then start it again.'));
    form.add({ name: name.control.value, error: value.error });
  };
  const form = new Form('Save', async () => {
    fill(saved);
    const n = name.control.value;
    if (runtime.includes(n)) {
      await ctx.app.call('setConfiguration', { name: n, value: value.control.value.trim() });
    } else {
      const answer = await ctx.app.call('putSetup', { values: [{ name: n, value: value.control.value.trim() }] });
      if (form.setupErrors(answer.errors)) return;
    }
    fill(saved, 'Saved.');
    ctx.refreshAll();
  }, name.row, about, value.row, saved);
  form.add(name, value);
  name.control.addEventListener('change', describe);
  const details = h('details', { class: 'aside' }, h('summary', {}, 'Change a setting'), form.el);
  details.addEventListener('toggle', () => {
    if (!details.open || values.size > 0) return;
    fill(about, 'Reading the settings…');
    ctx.app.call('getSetup').then((setup) => {
      runtime = setup.runtimeSettings;
      for (const v of setup.values) if (!v.secret) values.set(v.name, v);
      const names = [...new Set([...runtime, ...values.keys()])].sort();
      fill(name.control, ...names.map((n) => h('option', { attrs: { value: n } }, n)));
      describe();
    }, (e: unknown) => form.problem(problemOf(e)));
  });
  return { el: details };
}
