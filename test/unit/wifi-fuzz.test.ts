// masq-wifi's parsers fuzzed: random text, the samples cut, spliced and shuffled, and text built from their
// pieces. Whatever comes, a parser returns its result or throws a WIFI MasqError (never another error), its
// results keep their bounds, and it returns soon.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MasqError } from '../../src/system/index.js';
import { parseIwScan, SCAN_LIMITS } from '../../src/wifi/iw-scan.js';
import { parseStationEvent, parseWpaEvent } from '../../src/wifi/wpa-events.js';
import { parseSetupCodeOutput } from '../../src/wifi/hotspot-code.js';
import { parseState } from '../../src/wifi/state-file.js';
import { parseJoinRequest } from '../../src/wifi/validate.js';
import { clientCopy } from '../../src/wifi/render.js';
import { SCAN } from '../helpers/wifi-samples.js';

const FUZZ = { seed: 14, numRuns: 400 };

function survives(parse: (text: string) => unknown, text: string): void {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof MasqError && e.code === 'WIFI', `only WIFI MasqErrors escape: ${String(e)}`);
    assert.ok(e.fix && !e.message.includes('\n'), 'one sentence and what to do');
  }
}

/** A sample cut and spliced with random text, or its lines shuffled. */
function mutated(src: string): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 40 }), fc.boolean()).map(([a, b, junk, shuffle]) => {
    if (shuffle) {
      const lines = src.split('\n');
      return lines.map((_, i) => lines[(i * (a % 7 + 1) + b) % lines.length]).join('\n');
    }
    const i = a % (src.length + 1);
    return src.slice(0, i) + junk + src.slice(Math.min(src.length, i + (b % 64)));
  });
}

/** Scan-like text from iw's field names and values. */
const scanish = fc.array(fc.tuple(
  fc.constantFrom('BSS 00:11:22:33:44:55(on wlan0)', '\tSSID: ', '\tsignal: ', '\tcapability: ESS Privacy', '\tRSN:\t * Version: 1', '\tWPA:', '\t\t * Authentication suites: ', '\tfreq: 2412'),
  fc.constantFrom('', 'PSK', 'SAE', 'IEEE 802.1X', '-50.00 dBm', '-999.00 dBm', '\\x', '\\xzz', '\\xc3\\xa9', 'x'.repeat(40), '\\x00'),
), { maxLength: 60 }).map((lines) => lines.map(([k, v]) => `${k}${v}`).join('\n'));

test('iw scan: random text, mutated scans and scan-like text give bounded lists of valid networks', () => {
  const check = (t: string): void => {
    const list = parseIwScan(t);
    assert.ok(list.length <= SCAN_LIMITS.maxNetworks);
    for (const n of list) {
      assert.ok(n.ssid.length > 0 && Buffer.byteLength(n.ssid) <= 32);
      assert.ok(Number.isInteger(n.signalDbm));
    }
    assert.equal(new Set(list.map((n) => n.ssid)).size, list.length, 'one entry per name');
  };
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), check), FUZZ);
  fc.assert(fc.property(mutated(SCAN), check), FUZZ);
  fc.assert(fc.property(scanish, check), FUZZ);
});

test('event lines: random and mutated lines give an event or nothing', () => {
  const lines = ['wlan0: CTRL-EVENT-CONNECTED - Connection to 00:11:22:33:44:55 completed', 'wlan0: CTRL-EVENT-SSID-TEMP-DISABLED id=0 ssid="x" reason=WRONG_KEY', 'wlan0: AP-STA-CONNECTED 02:aa:bb:cc:dd:ee'];
  for (const l of lines) {
    fc.assert(fc.property(mutated(l), (t) => {
      parseWpaEvent(t);
      parseStationEvent(t);
    }), FUZZ);
  }
  fc.assert(fc.property(fc.string({ maxLength: 3000 }), (t) => {
    parseWpaEvent(t);
    parseStationEvent(t);
  }), FUZZ);
});

test('masq setup-code output, the state file, the saved wpa_supplicant file and join requests', () => {
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (t) => survives(parseSetupCodeOutput, t)), FUZZ);
  fc.assert(fc.property(mutated('Setup code: ABCD-EFGH\nOpen http://masq-3f2a.local/\n'), (t) => survives(parseSetupCodeOutput, t)), FUZZ);
  fc.assert(fc.property(fc.string({ maxLength: 5000 }), (t) => survives(parseState, t)), FUZZ);
  fc.assert(fc.property(mutated('{"country":"GB","hotspotCode":"ABCD-EFGH","savedSsid":"Home"}'), (t) => survives(parseState, t)), FUZZ);
  fc.assert(fc.property(fc.json(), (t) => survives(parseState, t)), FUZZ);
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (t) => {
    const copy = clientCopy(t);
    assert.ok(copy === undefined || !/^\s*ctrl_interface/m.test(copy));
  }), FUZZ);
  const field = fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.boolean(), fc.constant(null));
  fc.assert(fc.property(fc.record({ ssid: field, password: field, country: field, hidden: field }, { requiredKeys: [] }), (body) => {
    try {
      const r = parseJoinRequest(body);
      assert.ok(Buffer.byteLength(r.ssid) >= 1 && Buffer.byteLength(r.ssid) <= 32 && /^[A-Z]{2}$/.test(r.country));
    } catch (e) {
      assert.ok(e instanceof MasqError && e.code === 'WIFI', String(e));
    }
  }), FUZZ);
});
