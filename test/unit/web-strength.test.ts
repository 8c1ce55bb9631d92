// The admin password's strength meter: too short below 10 characters (the box's rule), and long passwords made of
// obvious patterns (repeats, sequences, keyboard rows, common words, years, the box's name) read as weak.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LEVELS, measure, MIN_PASSWORD } from '../../web-setup/core/strength.js';

test('below 10 characters a password is too short, and the hint says how many there are', () => {
  const s = measure('Xq7#pLm2');
  assert.equal(s.level, 'too short');
  assert.equal(s.acceptable, false);
  assert.match(s.hints[0] ?? '', /at least 10 characters \(8 so far\)/);
  assert.equal(measure('€'.repeat(9)).acceptable, false, 'characters, not UTF-16 units, are counted');
});

test('obvious patterns weigh little, unrelated words and mixed characters a lot', () => {
  const score = (p: string, ctx: string[] = []): number => measure(p, ctx).score;
  for (const weak of ['aaaaaaaaaa', 'abcdefghij', '1234567890', 'qwertyuiop', 'password12', 'P4ssw0rd2024']) {
    assert.ok(score(weak) <= 2, `${weak} scored ${score(weak)}`);
  }
  assert.ok(measure('password12').hints.some((h) => h.includes('common word')));
  assert.ok(measure('xk19851985zz').hints.some((h) => h.includes('year')));
  assert.ok(score('masq-7F3A-home', ['masq-7F3A']) < score('vorb-7F3A-home', ['masq-7F3A']), "the box's name counts as a pattern");
  assert.ok(score('tulip hammer lantern 42') >= 4);
  assert.ok(score('G7#kq!2vZp@9Lm') >= 4);
  assert.equal(score('correct horse battery staple and more'), 5);
  assert.ok(score('tulip hammer lantern') > score('tulip'.repeat(4)));
});

test('fuzz: any text gets a level, never an exception; acceptable exactly from 10 characters', () => {
  fc.assert(fc.property(fc.string({ maxLength: 400 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), (p, ctx) => {
    const s = measure(p, ctx);
    assert.ok(s.score >= 0 && s.score <= 5);
    assert.equal(s.level, LEVELS[s.score]);
    assert.equal(s.acceptable, [...p.slice(0, 256)].length >= MIN_PASSWORD);
  }), { seed: 42, numRuns: 500 });
  // A huge paste is measured on its beginning only and stays quick.
  const t = Date.now();
  measure('ab1!'.repeat(250_000));
  assert.ok(Date.now() - t < 200);
});
