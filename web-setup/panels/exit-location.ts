// Exit location: the countries this Node's own traffic leaves the network from, most wanted first, and whether other
// countries serve when none of them is reachable. The picker offers the countries with exits in the neighborhood now
// (with how many each has) and builds the list in order, each line a new priority or as wanted as the one above
// (core/exit-choice.ts); save and clear go to the Node through the page's server.

import type { ExitLocationPanel } from '../../src/setup/api.js';
import { countryName as name } from '../core/countries.js';
import {
  addEntry, choiceLines, entriesOf, type Entry, entryGroups, exitsWord, fallbackWords, missingWords, offered, removeEntry, setSame,
} from '../core/exit-choice.js';
import { fill, h } from '../ui/dom.js';
import { field, Form } from '../ui/form.js';
import { type Controls, facts, type PanelContext, type PanelSpec } from './panel.js';

type Running = Extract<ExitLocationPanel, { running: true }>;

function body(p: ExitLocationPanel): HTMLElement[] {
  if (!p.running) return [h('p', { class: 'muted' }, 'The Node is not running: start it under Status to see and choose the countries your traffic leaves from.')];
  const missing = missingWords(p.missing, p.groups.flat().length, p.fallback, name);
  return [
    facts([
      ['Now', p.groups.length === 0 ? 'No preference: exits in any country serve.' : h('span', {}, ...choiceLines(p.groups, name).map((l) => h('span', { class: 'line' }, l)))],
      ['Otherwise', p.groups.length === 0 ? undefined : fallbackWords(p.fallback)],
      ['Exits now', p.countries.length === 0 ? 'In no known country yet.' : p.countries.map((c) => `${exitsWord(c.exits)} in ${c.code}`).join(', ')],
    ]),
    ...(missing ? [h('p', { class: 'note' }, missing)] : []),
    // The countries come from DB-IP's table, whose licence (CC BY 4.0) asks pages showing them to say so.
    h('p', { class: 'muted' }, 'Countries: ', h('a', { attrs: { href: 'https://db-ip.com', rel: 'noopener' } }, 'IP Geolocation by DB-IP'), '.'),
  ];
}

function controls(ctx: PanelContext): Controls<ExitLocationPanel> {
  let entries: Entry[] = [];
  let countries: Running['countries'] = [];
  /** The owner changed the list: a refresh no longer replaces it. */
  let edited = false;
  /** The choice last saved here: its "Saved." goes when the Node reports another one (masq, another tab). */
  let saved = '';
  const choiceKey = (groups: readonly string[][], fallback: boolean): string => JSON.stringify([groups, groups.length === 0 || fallback]);
  const country = field({ name: 'country', label: 'Country with exits', options: [], hint: 'The countries where Nodes of the neighborhood offer exits now.' });
  const add = h('button', { class: 'secondary', attrs: { type: 'button' } }, 'Add');
  const list = h('ol', { class: 'exit-choice', attrs: { 'aria-label': 'Chosen countries, most wanted first' } });
  const listError = h('div', { class: 'error', attrs: { role: 'alert', hidden: true } });
  const fallback = h('input', { attrs: { type: 'checkbox', name: 'fallback', checked: true } });
  const result = h('div', { attrs: { role: 'status' } });
  const allChosen = h('p', { class: 'muted', attrs: { hidden: true } }, 'Every country with exits now is in your list.');

  const edit = (next: Entry[]): void => {
    entries = next;
    edited = true;
    fill(result);
    draw();
  };
  const line = (e: Entry, i: number): HTMLElement => {
    const same = h('input', { attrs: { type: 'checkbox', checked: e.same } });
    same.addEventListener('change', () => edit(setSame(entries, i, same.checked)));
    const remove = h('button', { class: 'link', attrs: { type: 'button', 'aria-label': `Remove ${name(e.code)}` } }, 'Remove');
    remove.addEventListener('click', () => edit(removeEntry(entries, i)));
    const exits = countries.find((c) => c.code === e.code)?.exits;
    return h('li', { class: e.same ? 'same' : '' },
      h('span', { class: 'rank' }, `${entryGroups(entries.slice(0, i + 1)).length}.`),
      h('span', { class: 'name' }, name(e.code), h('span', { class: 'muted' }, exits === undefined ? ' — no exit now' : ` — ${exitsWord(exits)}`)),
      i > 0 ? h('label', { class: 'check' }, same, `As wanted as ${name(entries[i - 1]?.code ?? '')}`) : null,
      remove);
  };
  const draw = (): void => {
    const left = offered(countries, entries, name);
    fill(country.control, ...left.map((c) => h('option', { attrs: { value: c.code } }, `${name(c.code)} — ${exitsWord(c.exits)}`)));
    country.row.hidden = left.length === 0;
    add.hidden = left.length === 0;
    fill(list, ...(entries.length === 0 ? [h('li', { class: 'none muted' }, 'No country chosen: exits in any country serve.')] : entries.map(line)));
    allChosen.hidden = left.length > 0 || countries.length === 0;
  };
  add.addEventListener('click', () => {
    if (country.control.value) edit(addEntry(entries, country.control.value));
  });
  fallback.addEventListener('change', () => edit(entries));

  const save = async (groups: string[][]): Promise<void> => {
    fill(result);
    const answer = await ctx.app.call('setExitLocation', { groups, fallback: fallback.checked });
    edited = false;
    saved = choiceKey(groups, fallback.checked);
    const warning = missingWords(answer.missing, groups.flat().length, fallback.checked, name);
    fill(result, warning ? h('p', { class: 'note' }, warning) : h('p', { class: 'ok-text' }, groups.length === 0 ? 'Cleared: exits in any country serve.' : 'Saved.'));
    ctx.refreshAll();
  };
  const form = new Form('Save the exit location', () => save(entryGroups(entries)),
    country.row, h('div', { class: 'inline-action' }, add), allChosen,
    h('h3', {}, 'Your countries, most wanted first'), list, listError,
    h('label', { class: 'check' }, fallback, 'Fall back to other countries when none of these is reachable'),
    result);
  form.add({ name: 'countries', error: listError });
  const clear = h('button', { class: 'secondary', attrs: { type: 'button' } }, 'Clear the choice');
  clear.addEventListener('click', () => void form.run(async () => {
    entries = [];
    draw();
    await save([]);
  }, clear));
  form.button.after(clear);
  const el = h('details', { class: 'aside exit-picker' }, h('summary', {}, 'Choose the countries'), form.el);
  draw();
  return {
    el,
    update: (p) => {
      el.hidden = !p.running;
      if (!p.running) return;
      countries = p.countries;
      if (!edited) {
        entries = entriesOf(p.groups);
        fallback.checked = p.fallback;
        if (choiceKey(p.groups, p.fallback) !== saved) fill(result);
      }
      draw();
    },
  };
}

export const exitLocationPanel: PanelSpec<'panelExitLocation'> = {
  title: 'Exit location',
  about: 'The countries where your traffic leaves the MASQ network for the internet: websites see an address there.',
  route: 'panelExitLocation',
  width: 'wide',
  body,
  controls,
};
