// A new password typed twice, with the strength meter under the first box: a bar of five steps, the level in
// words, and what would make it stronger. The check before sending: long enough, and both boxes the same.

import { LEVELS, measure, MIN_PASSWORD } from '../core/strength.js';
import { fill, h } from './dom.js';
import { field, type Field, Invalid } from './form.js';

export interface NewPassword { first: Field; second: Field; rows: HTMLElement[]; value(): string }

export function newPassword(name: string, label: string, explain: string, context: readonly string[]): NewPassword {
  const first = field({ name, label, type: 'password', autocomplete: 'new-password', hint: `${explain} At least ${MIN_PASSWORD} characters; a few unrelated words are easy to remember and hard to guess.` });
  const second = field({ name: `${name}-again`, label: 'The same password again', type: 'password', autocomplete: 'new-password' });
  const bar = h('div', { class: 'meter-bar', attrs: { 'aria-hidden': 'true' } }, ...LEVELS.slice(1).map(() => h('span')));
  const words = h('div', { class: 'meter-words', attrs: { 'aria-live': 'polite' } });
  const hints = h('ul', { class: 'meter-hints' });
  const meter = h('div', { class: 'meter', attrs: { 'data-score': 0 } }, bar, words, hints);
  const update = (): void => {
    const st = measure(first.control.value, context);
    meter.setAttribute('data-score', String(st.score));
    fill(words, first.control.value.length === 0 ? '' : `Strength: ${st.level}`);
    fill(hints, ...(first.control.value.length === 0 ? [] : st.hints.map((t) => h('li', {}, t))));
  };
  first.control.addEventListener('input', update);
  first.row.insertBefore(meter, first.error);
  return {
    first, second, rows: [first.row, second.row],
    value: () => {
      const v = first.control.value;
      if (!measure(v).acceptable) throw new Invalid(name, `The password must be at least ${MIN_PASSWORD} characters long.`, 'Add words or characters until the meter stops saying "too short".');
      if (v !== second.control.value) throw new Invalid(`${name}-again`, 'The two passwords are not the same.', 'Type the same password in both boxes.');
      return v;
    },
  };
}
