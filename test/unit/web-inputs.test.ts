// The setup page's readers of what people type: the setup code (formatted as XXXX-XXXX while typed, the caret kept
// in place), neighbor descriptors and recovery phrases in text boxes. Each is bounded and fuzzed at fixed seeds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CODE_LENGTH, formatCode, normalizeCode, reformat } from '../../web-setup/core/code.js';
import { neighborLines, neighborList, phraseWords } from '../../web-setup/core/text-lists.js';

const FUZZ = { seed: 42, numRuns: 500 };

test('the setup code keeps only letters and digits, in capitals, at most 8', () => {
  assert.equal(normalizeCode('ab cd-12 34'), 'ABCD1234');
  assert.equal(normalizeCode('abcd-1234-extra'), 'ABCD1234');
  assert.equal(normalizeCode('ä<script>'), 'SCRIPT');
  assert.equal(formatCode('ABC'), 'ABC');
  assert.equal(formatCode('ABCD'), 'ABCD');
  assert.equal(formatCode('ABCDE'), 'ABCD-E');
  assert.equal(formatCode('ABCD1234'), 'ABCD-1234');
});

test('re-formatting while typing keeps the caret after the same character', () => {
  // Typing the fifth character: the dash appears before it and the caret moves past both.
  assert.deepEqual(reformat('ABCDE', 5), { text: 'ABCD-E', caret: 6 });
  // A character typed in the middle of a formatted code.
  assert.deepEqual(reformat('AB9CD-EF', 3), { text: 'AB9C-DEF', caret: 3 });
  // Deleting the dash's neighbor: the caret stays where it was.
  assert.deepEqual(reformat('ABCD-', 5), { text: 'ABCD', caret: 4 });
  assert.deepEqual(reformat('abcd-12', 7), { text: 'ABCD-12', caret: 7 });
});

test('fuzz: any text gives a well-formed code and a caret inside it; formatting twice changes nothing', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.nat(320), (raw, at) => {
    const code = normalizeCode(raw);
    assert.match(code, /^[A-Z0-9]{0,8}$/);
    const r = reformat(raw, Math.min(at, raw.length));
    assert.equal(r.text, formatCode(code));
    assert.ok(r.caret >= 0 && r.caret <= r.text.length);
    assert.equal(reformat(r.text, r.text.length).text, r.text);
    assert.ok(code.length <= CODE_LENGTH);
  }), FUZZ);
});

test('neighbors may be pasted one a line or comma-separated; the parameter gets them comma-separated', () => {
  assert.deepEqual(neighborList('masq://a@1.2.3.4:5\n\n  masq://b@5.6.7.8:9 , masq://c@1.1.1.1:2,'), ['masq://a@1.2.3.4:5', 'masq://b@5.6.7.8:9', 'masq://c@1.1.1.1:2']);
  assert.equal(neighborLines('masq://a@1.2.3.4:5,masq://b@5.6.7.8:9'), 'masq://a@1.2.3.4:5\nmasq://b@5.6.7.8:9');
  assert.deepEqual(neighborList(''), []);
  assert.deepEqual(phraseWords('  Oak RIVER\n candle\tnorth '), ['oak', 'river', 'candle', 'north']);
});

test('fuzz: lists from text boxes are bounded and hold no blanks', () => {
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (text) => {
    const list = neighborList(text);
    assert.ok(list.length <= 64);
    for (const item of list) assert.match(item, /^[^\s,]+$/);
    const words = phraseWords(text);
    assert.ok(words.length <= 48);
    for (const w of words) assert.equal(w, w.toLowerCase().trim());
  }), FUZZ);
  assert.equal(neighborList('x,'.repeat(100_000)).length, 64);
});
