// The one table of devices' steps to the PAC file: every platform the card promises, each with the PAC address in
// exactly one step, and the card's two PAC addresses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAC_URL_SLOT, PROXY_PLATFORMS, pacUrls, stepsFor } from '../../web-setup/core/proxy-platforms.js';

test('iOS, Android, Windows, macOS, GNOME and Firefox each have steps, the PAC address in one of them', () => {
  const names = PROXY_PLATFORMS.map((p) => p.platform).join(' | ');
  for (const want of [/iPhone/, /Android/, /Windows/, /macOS/, /GNOME/, /Firefox/]) assert.match(names, want);
  for (const p of PROXY_PLATFORMS) {
    const steps = stepsFor(p, 'http://192.168.1.20/proxy.pac');
    assert.ok(steps.length >= 2, p.platform);
    assert.equal(steps.filter((s) => s.includes('http://192.168.1.20/proxy.pac')).length, 1, p.platform);
    assert.ok(!steps.some((s) => s.includes(PAC_URL_SLOT)), p.platform);
  }
});

test('the PAC addresses: by the .local name, and by the address the browser reached when known', () => {
  assert.deepEqual(pacUrls('masq-7f3a', '192.168.1.20'), ['http://masq-7f3a.local/proxy.pac', 'http://192.168.1.20/proxy.pac']);
  assert.deepEqual(pacUrls('masq-7f3a.local', undefined), ['http://masq-7f3a.local/proxy.pac']);
});
