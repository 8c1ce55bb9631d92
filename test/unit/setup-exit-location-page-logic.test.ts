// The exit location picker's pure parts (web-setup/core/exit-choice.ts): the ordered list to and from priority
// groups, adding, removing and regrouping without losing anyone's priority, the countries still offered, and the
// sentences the owner reads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { countryLabel } from '../../web-setup/core/countries.js';
import {
  addEntry, choiceLines, entriesOf, entryGroups, exitsWord, fallbackWords, missingWords, offered, removeEntry, setSame,
} from '../../web-setup/core/exit-choice.js';

const NAMES: Record<string, string> = { CZ: 'Czechia', PL: 'Poland', SK: 'Slovakia', AT: 'Austria' };
const name = countryLabel((c) => NAMES[c]);

test('groups to entries and back: the first of each group starts a priority, the others are as wanted as the one above', () => {
  const groups = [['CZ', 'PL'], ['SK'], ['AT']];
  const entries = entriesOf(groups);
  assert.deepEqual(entries, [{ code: 'CZ', same: false }, { code: 'PL', same: true }, { code: 'SK', same: false }, { code: 'AT', same: false }]);
  assert.deepEqual(entryGroups(entries), groups);
  assert.deepEqual(entryGroups([]), []);
  fc.assert(fc.property(fc.array(fc.array(fc.constantFrom('CZ', 'PL', 'SK', 'AT', 'DE'), { minLength: 1, maxLength: 3 }), { maxLength: 4 }), (g) => {
    assert.deepEqual(entryGroups(entriesOf(g)), g);
  }), { seed: 5, numRuns: 300 });
});

test('adding puts a country last, as the next priority, and never twice', () => {
  let e = addEntry([], 'CZ');
  e = addEntry(e, 'SK');
  e = addEntry(e, 'CZ');
  assert.deepEqual(entryGroups(e), [['CZ'], ['SK']]);
  assert.deepEqual(entryGroups(setSame(e, 1, true)), [['CZ', 'SK']]);
  assert.deepEqual(entryGroups(setSame(e, 0, true)), [['CZ'], ['SK']], 'the first is always a priority of its own');
});

test('removing keeps everyone else\'s priority: the next one heads the group its predecessor headed', () => {
  const e = entriesOf([['CZ', 'PL'], ['SK', 'AT']]);
  assert.deepEqual(entryGroups(removeEntry(e, 0)), [['PL'], ['SK', 'AT']]);
  assert.deepEqual(entryGroups(removeEntry(e, 1)), [['CZ'], ['SK', 'AT']]);
  assert.deepEqual(entryGroups(removeEntry(e, 2)), [['CZ', 'PL'], ['AT']]);
  assert.deepEqual(entryGroups(removeEntry(e, 3)), [['CZ', 'PL'], ['SK']]);
  fc.assert(fc.property(fc.array(fc.array(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), fc.nat(), (g, k) => {
    const entries = entriesOf(g);
    const i = k % entries.length;
    const gone = entries[i]?.code;
    let at = 0;
    const expected = g.map((grp) => grp.filter(() => at++ !== i)).filter((grp) => grp.length > 0);
    assert.deepEqual(entryGroups(removeEntry(entries, i)), expected, `without ${gone}`);
  }), { seed: 6, numRuns: 300 });
});

test('offered: the countries with exits not chosen yet, by name', () => {
  const countries = [{ code: 'SK', exits: 1 }, { code: 'CZ', exits: 3 }, { code: 'AT', exits: 2 }];
  assert.deepEqual(offered(countries, entriesOf([['CZ']]), name).map((c) => c.code), ['AT', 'SK']);
});

test('the words: each priority a line, what happens otherwise, and countries without exits', () => {
  assert.deepEqual(choiceLines([['CZ', 'PL'], ['SK']], name), ['1. Czechia (CZ), Poland (PL)', '2. Slovakia (SK)']);
  assert.equal(countryLabel(() => undefined)('XK'), 'XK');
  assert.equal(exitsWord(1), '1 exit');
  assert.equal(exitsWord(3), '3 exits');
  assert.match(fallbackWords(true), /exits in other countries serve/);
  assert.match(fallbackWords(false), /does not leave the network/);
  assert.equal(missingWords([], 2, false, name), undefined);
  assert.equal(missingWords(['SK'], 2, false, name), 'No exit in Slovakia (SK) now: the other countries chosen serve meanwhile, and it serves once an exit appears there.');
  assert.match(missingWords(['SK', 'AT'], 2, true, name) ?? '', /^None of the countries chosen has an exit now \(Slovakia \(SK\), Austria \(AT\)\)\. The choice is kept[^]*Exits in other countries serve meanwhile\.$/);
  assert.match(missingWords(['SK'], 1, false, name) ?? '', /Until then your traffic cannot leave the network/);
});
