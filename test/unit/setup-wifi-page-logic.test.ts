// The Wi-Fi step's pure parts: signal bars from dBm, the outcome words, which status answers the attempt the page
// waits for, the country from the browser's language, and the join form's rules the page and the server share.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JoinResult, WifiStatus } from '../../src/setup/api.js';
import { joinProblem } from '../../src/setup/forms.js';
import { countryChoices, countryOfLanguage } from '../../web-setup/core/countries.js';
import { attemptOutcome, joinExplanation, outcomeWords, signalBars, unsupported } from '../../web-setup/core/wifi.js';

test('signal bars: 4 near, none far, monotonic', () => {
  assert.deepEqual([-30, -55, -56, -67, -70, -75, -85, -86, -100].map(signalBars), [4, 4, 3, 3, 2, 2, 1, 0, 0]);
  for (let d = -100; d < -20; d++) assert.ok(signalBars(d) <= signalBars(d + 1));
});

const result = (outcome: JoinResult['outcome'], at = 2): JoinResult => ({ outcome, ssid: 'Home "5G"', name: 'masq-7f3a.local', message: 'The radio refused.', at, ...(outcome === 'joined' ? { address: '10.0.0.9' } : {}) });

test('each outcome in the words the owner reads', () => {
  assert.equal(outcomeWords(result('joined')), 'Joined Home "5G" as 10.0.0.9 — masq-7f3a.local');
  assert.equal(outcomeWords(result('wrong-password')), 'The password for Home "5G" was not accepted. Check it and try again.');
  assert.equal(outcomeWords(result('not-found')), 'Home "5G" was not found. Is it in range, and is the name exactly right (case matters)?');
  assert.equal(outcomeWords(result('no-lease')), 'The box joined Home "5G" but got no address (DHCP). Check the router.');
  assert.equal(outcomeWords(result('failed')), 'The radio refused.');
  assert.match(joinExplanation('Home', { hotspot: { ssid: 'MASQ-Setup-7F3A', address: '192.168.4.1' }, name: 'masq-7f3a.local' }).join(' '),
    /leaves its hotspot to try Home\. If it joins, MASQ-Setup-7F3A disappears: connect your phone back to Home and open http:\/\/masq-7f3a\.local\//);
  assert.ok(unsupported('wep') && unsupported('enterprise') && !unsupported('wpa3') && !unsupported('open'));
});

test('the attempt\'s outcome: a new lastJoin for that network, once the box no longer tries', () => {
  const status = (mode: WifiStatus['mode'], lastJoin?: JoinResult): WifiStatus => ({ mode, hotspot: { ssid: 'h', address: 'a' }, addresses: [], country: 'GB', name: 'n', radio: true, ...(lastJoin ? { lastJoin } : {}) });
  assert.equal(attemptOutcome(status('joining', result('failed', 1)), 'Home "5G"', 1), undefined, 'still trying');
  assert.equal(attemptOutcome(status('hotspot', result('failed', 1)), 'Home "5G"', 1), undefined, 'the attempt before');
  assert.equal(attemptOutcome(status('hotspot'), 'Home "5G"', undefined), undefined);
  assert.equal(attemptOutcome(status('hotspot', result('failed', 3)), 'Other', 1), undefined, 'another network');
  assert.equal(attemptOutcome(status('hotspot', result('wrong-password', 3)), 'Home "5G"', 1)?.outcome, 'wrong-password');
  assert.equal(attemptOutcome(status('online', result('joined', 3)), undefined, undefined)?.outcome, 'joined', 'any network when the page did not start it');
});

test('the country: the region of the browser\'s language, when it is one', () => {
  assert.equal(countryOfLanguage('en-GB'), 'GB');
  assert.equal(countryOfLanguage('de-de'), 'DE');
  assert.equal(countryOfLanguage('zh-Hant-TW'), 'TW');
  assert.equal(countryOfLanguage('fr-CA-x-private'), 'CA');
  for (const none of ['en', 'es-419', 'x-klingon', '', 'en-XX']) assert.equal(countryOfLanguage(none), undefined, none);
  const names = countryChoices((c) => (c === 'GB' ? 'United Kingdom' : undefined));
  assert.equal(names.length, 249);
  assert.ok(names.some(([c, n]) => c === 'GB' && n === 'United Kingdom (GB)'));
  assert.ok(names.every(([c]) => /^[A-Z]{2}$/.test(c)));
});

test('the join form\'s rules, the same on the page and the server', () => {
  const ok = { ssid: 'x', country: 'GB' };
  assert.equal(joinProblem(ok), undefined, 'an open network');
  assert.equal(joinProblem({ ...ok, ssid: '🏠'.repeat(8) }), undefined, '32 bytes');
  assert.equal(joinProblem({ ...ok, ssid: `${'🏠'.repeat(8)}a` })?.field, 'ssid');
  assert.equal(joinProblem({ ...ok, ssid: '' })?.field, 'ssid');
  for (const good of ['12345678', 'x'.repeat(63), 'aF'.repeat(32), '🔑'.repeat(8)]) assert.equal(joinProblem({ ...ok, password: good }), undefined, good);
  for (const bad of ['1234567', 'x'.repeat(64), 'g'.repeat(64)]) assert.equal(joinProblem({ ...ok, password: bad })?.field, 'password', bad);
  for (const bad of ['', 'gb', 'GBR', 'G1']) assert.equal(joinProblem({ ...ok, country: bad })?.field, 'country', bad);
});
