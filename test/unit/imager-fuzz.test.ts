// The three Imager parsers fuzzed: random text, Imager's own files cut and spliced, and YAML built from their
// pieces. Whatever comes, a parser returns settings or throws an ImagerError (never another error), and soon.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ImagerError, parseFirstrun, parseNetworkConfig, parseUserData } from '../../src/imager/index.js';
import { fixture, FIXTURE_NAMES } from '../helpers/imager-fixtures.js';

const FUZZ = { seed: 7, numRuns: 400 };
const fixtures = (prefix: string): string[] => FIXTURE_NAMES.filter((f) => f.startsWith(prefix)).map(fixture);

// A parser that backtracked without bound would hang this file until the runner's time limit: no timing assertion
// here (speed is make bench's business).
function survives(parse: (text: string) => unknown, text: string): void {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof ImagerError, `only ImagerErrors escape: ${String(e)}`);
    assert.ok(e.fix && !e.message.includes('\n'), 'one sentence and what to do');
  }
}

/** A fixture cut, spliced with random text, or with its lines shuffled. */
function mutated(sources: string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...sources), fc.nat(), fc.nat(), fc.string({ maxLength: 40 }), fc.boolean()).map(([src, a, b, junk, shuffle]) => {
    if (shuffle) {
      const lines = src.split('\n');
      return lines.map((_, i) => lines[(i * (a % 7 + 1) + b) % lines.length]).join('\n');
    }
    const i = a % (src.length + 1);
    const j = Math.min(src.length, i + (b % 64));
    return src.slice(0, i) + junk + src.slice(j);
  });
}

/** YAML of keys and values Imager uses, nested at random. */
const yamlish = fc.array(fc.tuple(
  fc.constantFrom('hostname', 'users', 'user', 'name', 'passwd', 'ssh_authorized_keys', 'network', 'wifis', 'wlan0', 'access-points', 'password', 'version', 'runcmd', 'keyboard', 'layout', '- name', '-', '"x"'),
  fc.constantFrom('', ' ', ': ', ': 2', ': true', ': [a, b]', ': "$y$j9T$a$b"', ': ssh-ed25519 AAAA', ': &a x', ': *a', ': |', ': {'),
  fc.nat({ max: 8 }),
), { maxLength: 40 }).map((lines) => lines.map(([k, v, indent]) => `${' '.repeat(indent)}${k}${v}`).join('\n'));

test('user-data: random text, mutated Imager files and Imager-like YAML only ever give settings or an ImagerError', () => {
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (t) => survives(parseUserData, t)), FUZZ);
  fc.assert(fc.property(mutated(fixtures('user-data')), (t) => survives(parseUserData, t)), FUZZ);
  fc.assert(fc.property(yamlish, (t) => survives(parseUserData, `#cloud-config\n${t}`)), FUZZ);
});

test('network-config: the same', () => {
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (t) => survives(parseNetworkConfig, t)), FUZZ);
  fc.assert(fc.property(mutated(fixtures('network-config')), (t) => survives(parseNetworkConfig, t)), FUZZ);
  fc.assert(fc.property(yamlish, (t) => survives(parseNetworkConfig, t)), FUZZ);
});

test('firstrun.sh: random text and mutated Imager scripts', () => {
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (t) => survives(parseFirstrun, t)), FUZZ);
  fc.assert(fc.property(mutated(fixtures('firstrun')), (t) => survives(parseFirstrun, t)), FUZZ);
});

test('the largest inputs and deep nesting are refused or read in time', () => {
  const deep = `#cloud-config\na: ${'['.repeat(30_000)}`;
  for (const t of [deep, `#cloud-config\n${'- '.repeat(30_000)}`, `version: 2\n${'  a:\n'.repeat(9000)}`, 'x'.repeat(64 * 1024), "'".repeat(64 * 1024)]) {
    survives(parseUserData, t);
    survives(parseNetworkConfig, t);
    survives(parseFirstrun, t);
  }
});
