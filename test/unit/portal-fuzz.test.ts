// The captive portal's answer fuzzed with whatever a phone (or anyone on the hotspot) may send as Host, target and
// method: it never throws, and it is always a redirect to the page or the RFC 8908 API. The DHCP parser of the
// test helper is fuzzed too, since the integration test feeds it what dnsmasq sends.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CAPTIVE_API_PATH, CAPTIVE_API_TYPE, CAPTIVE_PROBES, PORTAL_URL, portalAnswer } from '../../src/portal/index.js';
import { informPacket, parseDhcp } from '../helpers/dhcp-inform.js';

const FUZZ = { seed: 14, numRuns: 2000 };

const host = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.constantFrom(...CAPTIVE_PROBES.map((p) => p.host), '192.168.4.1', '[::1]:80', ''),
  fc.tuple(fc.constantFrom(...CAPTIVE_PROBES.map((p) => p.host)), fc.string({ maxLength: 8 })).map(([h, tail]) => h + tail),
  fc.constant(undefined),
);
const path = fc.oneof(
  fc.string({ maxLength: 3000 }),
  fc.constantFrom(...CAPTIVE_PROBES.map((p) => p.path), CAPTIVE_API_PATH, `${CAPTIVE_API_PATH}?x`, '*', ''),
  fc.webUrl(),
);
const method = fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'DELETE'), fc.string({ maxLength: 10 }));

test('any Host, target and method: a 3xx to the page or the API, never a throw', () => {
  fc.assert(fc.property(host, path, method, (h, p, m) => {
    const a = portalAnswer({ host: h, path: p, method: m });
    if (a.status === 200) {
      assert.equal(a.headers['content-type'], CAPTIVE_API_TYPE);
      assert.ok(m === 'GET' || m === 'HEAD');
    } else {
      assert.ok(a.status === 302 || a.status === 303, String(a.status));
      assert.equal(a.headers.location, PORTAL_URL);
    }
    assert.ok(a.body.length < 1000, 'a small body');
  }), FUZZ);
});

test('the DHCP parser: random bytes and cut or damaged packets give a packet or an Error, never a read past the end', () => {
  const good = informPacket(7, '192.168.4.20', '02:00:00:00:00:01', [1, 3, 6, 114]);
  const damaged = fc.tuple(fc.nat(good.length), fc.nat(good.length), fc.uint8Array({ maxLength: 40 })).map(([i, j, junk]) => {
    const [a, b] = i < j ? [i, j] : [j, i];
    return Buffer.concat([good.subarray(0, a), Buffer.from(junk), good.subarray(b)]);
  });
  fc.assert(fc.property(fc.oneof(damaged, fc.uint8Array({ maxLength: 2000 }).map((u) => Buffer.from(u))), (bytes) => {
    try {
      const p = parseDhcp(bytes);
      for (const v of p.options.values()) assert.ok(v.length <= bytes.length);
    } catch (e) {
      assert.ok(e instanceof Error && !(e instanceof RangeError), `only our own errors: ${String(e)}`);
    }
  }), FUZZ);
  const back = parseDhcp(good);
  assert.deepEqual([...(back.options.get(55) ?? [])], [1, 3, 6, 114]);
  assert.equal(back.ciaddr, '192.168.4.20');
});
