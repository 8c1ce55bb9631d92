import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bans, DEFAULT_BAN_MS, OFFENCE_WINDOW_MS, describeBan } from '../../src/neighborhood/bans.js';

const KEY = 'ab'.repeat(64);

test('a forged signature bans the key and its address at once, until the ban expires', () => {
  const b = new Bans();
  const ban = b.offend({ key: KEY, ip: '10.0.0.9' }, 'forgedSignature', 'record 1', 1000);
  assert.ok(ban);
  assert.equal(b.keyBanned(KEY, 1000), true);
  assert.equal(b.ipBanned('10.0.0.9', 1000), true);
  assert.equal(b.ipBanned('10.0.0.8', 1000), false);
  assert.equal(describeBan(ban, 1000), `Banned q6urq6ur (10.0.0.9) for 600 s: a record whose signature does not verify (record 1)`);
  assert.equal(b.keyBanned(KEY, 1000 + DEFAULT_BAN_MS - 1), true);
  assert.equal(b.keyBanned(KEY, 1000 + DEFAULT_BAN_MS), false);
  assert.equal(b.ipBanned('10.0.0.9', 1000 + DEFAULT_BAN_MS), false);
});

test('handshake failures ban an address only at three within a minute', () => {
  const b = new Bans(5000);
  assert.equal(b.offend({ ip: '10.0.0.1' }, 'handshake', '', 0), undefined);
  assert.equal(b.offend({ ip: '10.0.0.1' }, 'handshake', '', 10), undefined);
  assert.equal(b.offend({ ip: '10.0.0.1' }, 'handshake', '', OFFENCE_WINDOW_MS + 5), undefined, 'the first fell out of the window');
  assert.equal(b.ipBanned('10.0.0.1', OFFENCE_WINDOW_MS + 5), false);
  const ban = b.offend({ ip: '10.0.0.1' }, 'handshake', 'garbage', OFFENCE_WINDOW_MS + 6);
  assert.ok(ban);
  assert.equal(ban.until, OFFENCE_WINDOW_MS + 6 + 5000);
  assert.equal(b.ipBanned('10.0.0.1', OFFENCE_WINDOW_MS + 6), true);
  assert.match(describeBan(ban, OFFENCE_WINDOW_MS + 6), /^Banned \(10\.0\.0\.1\) for 5 s: a failed handshake/);
});

test('the ban list is bounded: the oldest give way', () => {
  const b = new Bans(DEFAULT_BAN_MS, 10);
  for (let i = 0; i < 25; i++) b.ban({ ip: `10.0.1.${i}` }, 'test', 0);
  assert.equal(b.size(), 10);
  assert.equal(b.ipBanned('10.0.1.24', 0), true);
  assert.equal(b.ipBanned('10.0.1.0', 0), false);
});
